import type { ConnectionFacts } from '../../../functions/core/connections';
import { connectionsToDefer, DEFER_SECONDS } from '../../../functions/core/deferral';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const connection = (endpointId: string, ageSeconds: number | undefined, state = 'pendingAcceptance'): ConnectionFacts => ({
  endpointId,
  ownerAccountId: '123456789012',
  state,
  ...(ageSeconds === undefined ? {} : { createdAt: NOW - ageSeconds * 1000 }),
});
const defer = (connections: ConnectionFacts[], options: { notified?: string[]; trusted?: string[] } = {}) =>
  connectionsToDefer(connections, {
    notified: new Set(options.notified ?? connections.map((c) => c.endpointId)),
    trusted: new Set(options.trusted ?? []),
    now: NOW,
  });

describe('connectionsToDefer', () => {
  it('defers a young pending connection named by an untrusted notification until it is DEFER_SECONDS old', () => {
    expect(defer([connection('vpce-0a', 4)])).toEqual([{ endpointId: 'vpce-0a', ownerAccountId: '123456789012', delaySeconds: DEFER_SECONDS - 4, ageSeconds: 4 }]);
  });

  it('rounds the delay up, so the copy never comes back young (it would be deferred twice)', () => {
    const [deferral] = defer([connection('vpce-0a', 4.2)]);
    expect(deferral?.delaySeconds).toBe(26);
    expect(4.2 + (deferral?.delaySeconds ?? 0)).toBeGreaterThanOrEqual(DEFER_SECONDS);
  });

  it('decides now a connection exactly DEFER_SECONDS old, and defers one just younger', () => {
    expect(defer([connection('vpce-0a', DEFER_SECONDS)])).toEqual([]);
    expect(defer([connection('vpce-0a', DEFER_SECONDS - 0.001)]).map((d) => d.delaySeconds)).toEqual([1]);
  });

  it('decides now what a trusted hand-off in the batch carries', () => {
    expect(defer([connection('vpce-0a', 1), connection('vpce-0b', 1)], { trusted: ['vpce-0a'] }).map((d) => d.endpointId)).toEqual(['vpce-0b']);
  });

  it('defers only connections a notification named', () => {
    expect(defer([connection('vpce-0a', 1), connection('vpce-0b', 1)], { notified: ['vpce-0b'] }).map((d) => d.endpointId)).toEqual(['vpce-0b']);
  });

  it('decides now a connection no longer pending', () => {
    expect(defer([connection('vpce-0a', 1, 'available'), connection('vpce-0b', 1, 'rejected')])).toEqual([]);
  });

  it('decides now a connection without a creation time, or one stamped in the future (its age cannot bound the wait)', () => {
    expect(defer([connection('vpce-0a', undefined), connection('vpce-0b', -5)])).toEqual([]);
  });

  it('defers a connection created this very moment for the whole period', () => {
    expect(defer([connection('vpce-0a', 0)]).map((d) => d.delaySeconds)).toEqual([DEFER_SECONDS]);
  });

  it("allows SQS's longest message timer, 900 s", () => {
    expect(connectionsToDefer([connection('vpce-0a', 0)], { notified: new Set(['vpce-0a']), trusted: new Set(), now: NOW, deferSeconds: 900 }).map((d) => d.delaySeconds)).toEqual([900]);
  });

  it('refuses a period SQS could not wait', () => {
    expect(() => connectionsToDefer([], { notified: new Set(), trusted: new Set(), now: NOW, deferSeconds: 901 })).toThrow(/deferSeconds/);
    expect(() => connectionsToDefer([], { notified: new Set(), trusted: new Set(), now: NOW, deferSeconds: 0 })).toThrow(/deferSeconds/);
  });
});
