import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSnapshotAtomically } from '../../../squid-config/fleet/policy-snapshot';
import { PolicyReloader, readFallbackBaseline } from '../../../squid-config/fleet/policy-reloader';
import { bundle, mapping, PAYMENTS_ENDPOINT } from './documents';

describe('PolicyReloader', () => {
  let dir: string;
  let snapshot: string;
  let now: number;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reloader-'));
    snapshot = join(dir, 'current.json');
    now = 1_000_000;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const reloader = () => new PolicyReloader(snapshot, ['.shipped.example'], { checkEveryMs: 1000, now: () => now });
  const write = (revision: string, payments = ['.stripe.com']) =>
    writeSnapshotAtomically(snapshot, { bundle: { etag: `"${revision}"`, document: bundle(revision, { policies: { payments, metrics: [] } }) }, mapping: { etag: '"m1"', document: mapping() } });

  test('before any snapshot the baseline shipped in the image is all there is', () => {
    // Act
    const policy = reloader().current();

    // Assess
    expect(policy.decide(PAYMENTS_ENDPOINT, 'www.shipped.example')).toMatchObject({ allowed: true, policy: 'baseline' });
    expect(policy.decide(PAYMENTS_ENDPOINT, 'api.stripe.com')).toEqual({ allowed: false, reason: 'policy_not_loaded', policies: [] });
  });

  test('serves the snapshot the agent wrote, with the bundle\'s baseline replacing the shipped one', () => {
    write('r1');

    const policy = reloader().current();

    expect(policy.decide(PAYMENTS_ENDPOINT, 'api.stripe.com')).toMatchObject({ allowed: true, policy: 'payments' });
    expect(policy.decide(PAYMENTS_ENDPOINT, 'www.shipped.example').allowed).toBe(false);
  });

  test('looks at the file at most once per interval, then picks up the new snapshot', () => {
    // Prepare
    write('r1');
    const subject = reloader();
    subject.current();
    write('r2', ['.adyen.com']);

    // Act
    const withinInterval = subject.current();
    now += 1000;
    const afterInterval = subject.current();

    // Assess
    expect(withinInterval.decide(PAYMENTS_ENDPOINT, 'api.adyen.com').allowed).toBe(false);
    expect(afterInterval.decide(PAYMENTS_ENDPOINT, 'api.adyen.com').allowed).toBe(true);
  });

  test('a snapshot it cannot read or validate leaves the policy in force (never wider, never narrower)', () => {
    write('r1');
    const subject = reloader();
    subject.current();

    writeFileSync(snapshot, '{"schemaVersion":1,"writtenAt":"x","bundle":{"etag":"e","document":{"baseline":["."]}},"mapping":null}');
    now += 1000;

    expect(subject.current().decide(PAYMENTS_ENDPOINT, 'api.stripe.com')).toMatchObject({ allowed: true, policy: 'payments' });
  });

  test('a snapshot that disappears leaves the policy in force', () => {
    write('r1');
    const subject = reloader();
    subject.current();

    rmSync(snapshot);
    now += 1000;

    expect(subject.current().decide(PAYMENTS_ENDPOINT, 'api.stripe.com').allowed).toBe(true);
  });
});

describe('readFallbackBaseline', () => {
  test('reads the allowlist\'s entries and skips comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
    writeFileSync(join(dir, 'allowlist.txt'), '# comment\n.debian.org\n\ngithub.com\n');

    expect(readFallbackBaseline(join(dir, 'allowlist.txt'))).toEqual(['.debian.org', 'github.com']);
    rmSync(dir, { recursive: true });
  });

  test('an unreadable file gives no entries: deny, never allow more', () => {
    expect(readFallbackBaseline('/nonexistent/allowlist.txt')).toEqual([]);
  });
});
