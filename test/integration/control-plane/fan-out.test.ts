/**
 * The scheduled reconcile at organization scale: the reconciler makes the hub-side calls, publishes one work item per
 * in-scope account on the hub bus, and the account reconciler (the account-reconcile queue's consumer) converges each
 * account and hands its new endpoints to acceptance. Through the local bus, with the real handlers.
 */
import type { FanOutSummary } from '../../../functions/converge/fan-out';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { isAllowedPrincipal, removePrincipalByHand } from '../support/hub-views';
import { liveEndpointsOf } from '../support/spoke';
import { converged, driftedMember, workItem, type DriftedMember } from './fan-out-support';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

describe('a fan-out reconcile', () => {
  it('converges every account through the per-account queue, duplicates of a work item converging once', async () => {
    // Prepare: three members whose endpoints were lost, one also lost its principal; untagged VPCs stay bare.
    const members: DriftedMember[] = [
      await driftedMember(fx, 'fan-out-a', 2, 1),
      await driftedMember(fx, 'fan-out-b', 1),
      await driftedMember(fx, 'fan-out-c', 1, 1),
    ];
    const [first, second] = members as [DriftedMember, DriftedMember, DriftedMember];
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, second.accountId);
    const reconcileSent = fx.sent('account-reconcile');
    const handOffs = fx.cp.bus.stats().rules.AcceptCreatedEndpoints ?? 0;
    // A work item of another run for the same account, already waiting: both converge it, once.
    fx.putOnHubBus(workItem(fx, 'overlapping-run', first.accountId));

    // Act
    const summary = (await fx.cp.reconcile({ fanOut: true })) as FanOutSummary;
    await fx.until('every tagged VPC has its endpoint back', () => converged(members));

    // Assess: a small summary, one work item per in-scope account...
    expect(summary).toMatchObject({ fanOut: true, errorCount: 0, published: summary.accounts.inScope });
    expect(summary.continuedAfter).toBeUndefined();
    // The run itself restored the lost principal, in its one batched call.
    expect(fx.logs.audits({ correlationId: summary.runId, action: 'endpoint-service.allowed-principal', accountId: second.accountId })).toEqual([
      expect.objectContaining({ decision: 'allow' }),
    ]);
    expect(fx.sent('account-reconcile') - reconcileSent).toBe(summary.accounts.inScope + 1);
    expect(fx.cp.bus.deadLetters('account-reconcile')).toEqual([]);
    // Each new endpoint was handed to the acceptance queue (batched there) rather than accepted by the consumer.
    expect((fx.cp.bus.stats().rules.AcceptCreatedEndpoints ?? 0) - handOffs).toBeGreaterThanOrEqual(4);
    // ...the organization converged: one endpoint per tagged VPC, the lost principal back...
    expect(await converged(members)).toBe(true);
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, second.accountId)).toBe(true);
    for (const vpc of first.tagged) expect(await liveEndpointsOf(first.ec2, vpc.vpcId)).toHaveLength(1);
    // ...and each VPC's endpoint was created once, by whichever of the two work items came first.
    const created = ['overlapping-run', summary.runId].flatMap((correlationId) =>
      fx.logs.audits({ correlationId, action: 'vpc.endpoint', decision: 'create' }).filter((record) => record.scope.endpointId !== undefined),
    );
    expect(created.map((record) => record.scope.vpcId).sort()).toEqual(members.flatMap((member) => member.tagged.map((vpc) => vpc.vpcId)).sort());
  });

  it('has nothing left to do afterwards: a dry run plans no change for those accounts', async () => {
    const members = [await driftedMember(fx, 'fan-out-again', 1)];
    await fx.cp.reconcile({ fanOut: true });
    await fx.until('the endpoint is back', () => converged(members));
    await fx.cp.idle();

    const plan = (await fx.cp.reconcile({ dryRun: true, accountIds: members.map((m) => m.accountId) })) as { actions: unknown[] };

    expect(plan.actions).toEqual([]);
  });
});
