/**
 * A fan-out reconcile that runs short of time: with a continuation margin as long as the function's timeout, every
 * invocation publishes one PutEvents call's worth of accounts (10) and hands the rest to a continuation, which the hub
 * bus delivers back to the reconciler. The run still converges every account.
 */
import type { BusActivity } from '../../../local/bus';
import type { FanOutSummary } from '../../../functions/converge/fan-out';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { converged, driftedMember, type DriftedMember } from './fan-out-support';

let fx: ControlPlaneFixture;
const activity: BusActivity[] = [];

beforeAll(async () => {
  fx = await startControlPlaneFixture({
    // The margin equals the 900 s timeout, so every invocation is "short of time" after its first call.
    settings: { RECONCILE_CONTINUATION_MARGIN_SECONDS: '900' },
  });
  fx.cp.bus.onActivity((entry) => activity.push(entry));
});

afterAll(async () => {
  await fx?.stop();
});

describe('a fan-out reconcile short of time', () => {
  it('continues in new invocations until every account is published, and converges them all', async () => {
    // Prepare: 11 drifted members (13 in-scope accounts with the management and hub accounts), so some of them sort
    // after the first invocation's cursor whatever their ids.
    const members: DriftedMember[] = [];
    for (let i = 0; i < 11; i++) members.push(await driftedMember(fx, `continued-${i}`, 1));
    const sent = fx.sent('account-reconcile');

    // Act
    const first = (await fx.cp.reconcile({ fanOut: true })) as FanOutSummary;
    await fx.until('every tagged VPC has its endpoint back', () => converged(members));
    await fx.cp.idle();

    // Assess: the first invocation stopped after 10 accounts...
    expect(first.accounts.inScope).toBeGreaterThan(10);
    expect(first).toMatchObject({ published: 10, errorCount: 0 });
    expect(first.continuedAfter).toMatch(/^\d{12}$/);
    expect(members.some((member) => member.accountId > (first.continuedAfter ?? ''))).toBe(true);
    // ...continuations (delivered by the hub bus's rule to the reconciler) published the rest, each account once...
    const continuations = activity.filter((entry) => entry.type === 'invoke' && entry.rule === 'ContinueReconcile');
    expect(continuations.length).toBe(Math.ceil(first.accounts.inScope / 10) - 1);
    expect(continuations.every((entry) => entry.type === 'invoke' && entry.outcome === 'succeeded')).toBe(true);
    expect(fx.sent('account-reconcile') - sent).toBe(first.accounts.inScope);
    // ...and every account converged under the one run id.
    expect(await converged(members)).toBe(true);
    const created = fx.logs.audits({ correlationId: first.runId, action: 'vpc.endpoint', decision: 'create' });
    expect(created.filter((record) => record.scope.endpointId !== undefined)).toHaveLength(members.length);
    expect(fx.logs.audits({ correlationId: first.runId, action: 'reconcile.continue' })).toHaveLength(continuations.length);
  });
});
