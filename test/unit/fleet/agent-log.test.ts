import { AgentLog } from '../../../squid-config/fleet/agent-log';
import { initialStoreState, type StoreState } from '../../../squid-config/fleet/store-poller';
import { bundle, mapping } from './documents';

const loaded = (): StoreState =>
  initialStoreState({ bundle: { etag: '"b1"', document: bundle('3f2c9a1') }, mapping: { etag: '"m1"', document: mapping('2026-11-30T10:00:00Z') } });

describe('AgentLog', () => {
  let lines: Record<string, unknown>[];
  let now: Date;
  let log: AgentLog;

  beforeEach(() => {
    lines = [];
    now = new Date('2026-11-30T12:00:00Z');
    log = new AgentLog((line) => lines.push(JSON.parse(line) as Record<string, unknown>), () => now);
  });

  test('an outage is one line when it starts and one when it ends, however many polls fail', () => {
    // Act
    for (let poll = 0; poll < 30; poll += 1) {
      log.unreachable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }), { bundle: loaded().bundle.good, mapping: loaded().mapping.good });
      now = new Date(now.getTime() + 10_000);
    }
    log.polled(loaded(), loaded());

    // Assess
    expect(lines).toEqual([
      {
        policy_agent: 'store_unreachable',
        time: '2026-11-30T12:00:00.000Z',
        since: '2026-11-30T12:00:00.000Z',
        keeping: 'bundle 3f2c9a1 (b1), mapping 2026-11-30T10:00:00Z (m1)',
        error: 'Error: connect ECONNREFUSED 127.0.0.1:4566',
      },
      { policy_agent: 'store_reachable', time: '2026-11-30T12:05:00.000Z', unreachable_since: '2026-11-30T12:00:00.000Z', after_seconds: 300 },
    ]);
  });

  test('says what it keeps when nothing was ever loaded', () => {
    log.unreachable(new Error('boom'), { bundle: null, mapping: null });

    expect(lines[0]?.keeping).toBe('no bundle (the shipped baseline), no mapping (every endpoint gets the baseline only)');
  });

  test('a refused document is reported once per version, naming the document, its ETag and the problem', () => {
    // Prepare
    const refused = (etag: string): StoreState => ({ ...loaded(), mapping: { ...loaded().mapping, seenEtag: etag, status: { kind: 'refused', etag, problem: 'mapping is malformed: endpoints: expected record' } } });

    // Act
    log.polled(loaded(), refused('"m2"'));
    log.polled(refused('"m2"'), refused('"m2"'));
    log.polled(refused('"m2"'), refused('"m3"'));

    // Assess
    expect(lines.map((line) => [line.policy_agent, line.document, line.etag, line.problem])).toEqual([
      ['refused', 'mapping/endpoints.json', 'm2', 'mapping is malformed: endpoints: expected record'],
      ['refused', 'mapping/endpoints.json', 'm3', 'mapping is malformed: endpoints: expected record'],
    ]);
    expect(lines[0]?.keeping).toBe('bundle 3f2c9a1 (b1), mapping 2026-11-30T10:00:00Z (m1)');
  });

  test('a loaded snapshot names the revision, the mapping and their sizes', () => {
    log.loaded({ bundle: loaded().bundle.good, mapping: loaded().mapping.good }, 42);

    expect(lines[0]).toMatchObject({ policy_agent: 'loaded', bundle_revision: '3f2c9a1', policies: 2, endpoints: 2, took_ms: 42 });
  });
});
