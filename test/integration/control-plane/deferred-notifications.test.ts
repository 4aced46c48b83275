/**
 * A Connect notification that reaches acceptance before the control plane's hand-off for the same endpoint is
 * deferred, not decided the expensive way: a delayed copy goes back to the acceptance queue (SQS SendMessage with
 * DelaySeconds, through the local cloud), the hand-off then decides the connection on trust, and the copy finds it
 * accepted. An endpoint nobody hands off (made by hand in a tagged VPC) is still accepted, once its copy comes back.
 * Organizations reads are counted on the local cloud's call metrics.
 */
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { deferred, deferredThenHandedOff, describeAccountCalls, memberWithTaggedVpc, stateOf } from '../support/deferral-steps';
import { createEndpointByHand } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

describe('a Connect notification ahead of its hand-off', () => {
  it('is deferred, so the hand-off decides it on trust: no Organizations read, and the endpoint becomes available', async () => {
    // Act: the endpoint is created as an account pass creates it; its Connect notification reaches acceptance alone,
    // and the pass's hand-off follows, well within DEFER_SECONDS (0.6 s of wall time at the fixture's time scale).
    const { member, endpointId, organizationReads } = await deferredThenHandedOff(fx, 'deferred');

    // Assess
    expect(organizationReads).toBe(0);
    const [deferral, ...more] = fx.logs.audits({ endpointId, action: 'connection.defer' });
    expect(more).toEqual([]);
    expect(deferral).toMatchObject({ decision: 'noop', scope: { accountId: member.accountId, endpointId }, reason: expect.stringContaining('no trusted hand-off in the batch') as unknown });
    const accepted = fx.logs.audits({ endpointId, action: 'connection.accept' });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.reason).toContain('in scope when the control plane read it');
    expect(fx.cp.bus.deadLetters('connection-acceptance')).toEqual([]);
  });
});

describe('a Connect notification nobody hands off', () => {
  it('(an endpoint made by hand in a tagged VPC) is deferred once, then decided on re-read facts and accepted', async () => {
    // Prepare
    const { member, vpc } = await memberWithTaggedVpc(fx, 'by-hand-tagged');
    const readsBefore = describeAccountCalls(fx);

    // Act
    const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);
    await deferred(fx, endpointId);
    const whileDeferred = await stateOf(fx, member, endpointId);
    await fx.until('the connection is available', async () => (await stateOf(fx, member, endpointId)) === 'available');
    await fx.cp.idle();

    // Assess: still pending while its copy waited; decided the expensive way once the copy came back, never deferred twice.
    expect(whileDeferred).toBe('pendingAcceptance');
    expect(fx.logs.audits({ endpointId, action: 'connection.defer' })).toHaveLength(1);
    const accepted = fx.logs.audits({ endpointId, action: 'connection.accept' });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.reason).toContain(`VPC ${vpc.vpcId} is tagged egress-proxy=enabled`);
    expect(describeAccountCalls(fx)).toBeGreaterThan(readsBefore);
  });
});
