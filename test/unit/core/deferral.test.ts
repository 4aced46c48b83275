import type { ConnectionFacts } from '../../../functions/core/connections';
import { connectionsToDefer, DEFER_SECONDS } from '../../../functions/core/deferral';

const CREATED = Date.parse('2026-11-30T12:00:00Z');
/** `createdAt: null`: a connection EC2 gave no creation time. */
const connection = (endpointId: string, state = 'pendingAcceptance', createdAt: number | null = CREATED): ConnectionFacts => ({
  endpointId,
  ownerAccountId: '123456789012',
  state,
  ...(createdAt === null ? {} : { createdAt }),
});
/** Each connection named by a notification queued `lagSeconds` after its creation. */
const defer = (connections: ConnectionFacts[], lagSeconds: number, options: { notified?: string[]; trusted?: string[]; deferSeconds?: number } = {}) =>
  connectionsToDefer(connections, {
    notified: new Map((options.notified ?? connections.map((c) => c.endpointId)).map((id) => [id, CREATED + lagSeconds * 1000])),
    trusted: new Set(options.trusted ?? []),
    ...(options.deferSeconds === undefined ? {} : { deferSeconds: options.deferSeconds }),
  });

describe('connectionsToDefer', () => {
  it('defers a pending connection named by an untrusted notification for the rest of DEFER_SECONDS after its creation', () => {
    expect(defer([connection('vpce-0a')], 4)).toEqual([{ endpointId: 'vpce-0a', ownerAccountId: '123456789012', delaySeconds: DEFER_SECONDS - 4, lagSeconds: 4 }]);
  });

  it('rounds the delay up, so the copy never comes back before its hand-off has had the whole period', () => {
    const [deferral] = defer([connection('vpce-0a')], 4.2);
    expect(deferral?.delaySeconds).toBe(26);
    expect(4.2 + (deferral?.delaySeconds ?? 0)).toBeGreaterThanOrEqual(DEFER_SECONDS);
  });

  it('decides now a notification queued DEFER_SECONDS after the creation, and defers one queued just before', () => {
    expect(defer([connection('vpce-0a')], DEFER_SECONDS)).toEqual([]);
    expect(defer([connection('vpce-0a')], DEFER_SECONDS - 0.001).map((d) => d.delaySeconds)).toEqual([1]);
  });

  it('decides now what a trusted hand-off in the batch carries', () => {
    expect(defer([connection('vpce-0a'), connection('vpce-0b')], 1, { trusted: ['vpce-0a'] }).map((d) => d.endpointId)).toEqual(['vpce-0b']);
  });

  it('defers only connections an original notification named (a returned copy is not in `notified`)', () => {
    expect(defer([connection('vpce-0a'), connection('vpce-0b')], 1, { notified: ['vpce-0b'] }).map((d) => d.endpointId)).toEqual(['vpce-0b']);
  });

  it('decides now a connection no longer pending', () => {
    expect(defer([connection('vpce-0a', 'available'), connection('vpce-0b', 'rejected')], 1)).toEqual([]);
  });

  it('decides now a connection without a creation time, or a notification without a usable queue stamp', () => {
    expect(defer([connection('vpce-0a', 'pendingAcceptance', null)], 1)).toEqual([]);
    expect(connectionsToDefer([connection('vpce-0a')], { notified: new Map([['vpce-0a', Number.NaN]]), trusted: new Set() })).toEqual([]);
  });

  it('defers a notification queued at the very moment of creation for the whole period', () => {
    expect(defer([connection('vpce-0a')], 0).map((d) => d.delaySeconds)).toEqual([DEFER_SECONDS]);
  });

  it('defers a notification stamped before the creation (clocks apart) for the whole period, never more', () => {
    expect(defer([connection('vpce-0a')], -5)).toEqual([expect.objectContaining({ delaySeconds: DEFER_SECONDS, lagSeconds: -5 })]);
    expect(defer([connection('vpce-0a')], -(DEFER_SECONDS - 0.001)).map((d) => d.delaySeconds)).toEqual([DEFER_SECONDS]);
  });

  it('decides now a notification stamped a whole period or more before the creation (no drift: an unreadable stamp)', () => {
    expect(defer([connection('vpce-0a')], -DEFER_SECONDS)).toEqual([]);
    expect(defer([connection('vpce-0a')], -CREATED / 1000)).toEqual([]);
  });

  it("allows SQS's longest message timer, 900 s", () => {
    expect(defer([connection('vpce-0a')], 0, { deferSeconds: 900 }).map((d) => d.delaySeconds)).toEqual([900]);
  });

  it('refuses a period SQS could not wait', () => {
    expect(() => connectionsToDefer([], { notified: new Map(), trusted: new Set(), deferSeconds: 901 })).toThrow(/deferSeconds/);
    expect(() => connectionsToDefer([], { notified: new Map(), trusted: new Set(), deferSeconds: 0 })).toThrow(/deferSeconds/);
    expect(() => connectionsToDefer([], { notified: new Map(), trusted: new Set(), deferSeconds: 30.5 })).toThrow(/whole number/);
  });
});
