/**
 * A Connect notification that reaches acceptance before the control plane's hand-off for the same endpoint is
 * deferred, not decided the expensive way: a delayed copy goes back to the acceptance queue (SQS SendMessage with
 * DelaySeconds, through the local cloud), the hand-off then decides the connection on trust, and the copy finds it
 * accepted. An endpoint nobody hands off (made by hand in a tagged VPC) is still accepted, once its copy comes back.
 * Organizations reads are counted on the local cloud's call metrics.
 */
import type { CloudEvent } from '../../../local/cloud/api';
import { onboardedMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { endpointCreatedEvent } from '../support/events';
import { connectionsOf } from '../support/hub-views';
import { createEndpointByHand, createVpc, tagVpc, type SpokeVpc } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

const describeAccountCalls = () => fx.cp.cloud.metrics().calls.get('organizations:DescribeAccount') ?? 0;

/**
 * Waits for the deferral's audit record without draining the bus in between: a drain (cp.idle()) also waits out the
 * copy's timer, and the copy would come back before the test could act in the meantime.
 */
const deferred = (endpointId: string) =>
  fx.until('the notification is deferred', () => fx.logs.audits({ endpointId, action: 'connection.defer' }).length > 0, { between: () => Promise.resolve() });

const stateOf = async (member: Member, endpointId: string) =>
  (await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).find((c) => c.endpointId === endpointId)?.state;

/** An onboarded member with a VPC tagged for the proxy, its own endpoint created, accepted and the control plane idle. */
async function memberWithTaggedVpc(label: string): Promise<{ member: Member; vpc: SpokeVpc }> {
  const member = await onboardedMember(fx, label);
  const vpc = await createVpc(member.ec2, { name: label, azIds: SUPPORTED_AZ_IDS });
  await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
  await fx.until('the VPC onboarding endpoint is accepted', async () =>
    (await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).some((c) => c.state === 'available'),
  );
  await fx.cp.idle();
  return { member, vpc };
}

/** The hand-off an account pass of the control plane puts on the hub bus: from the hub's own account, with what it read. */
function handOff(member: Member, vpc: SpokeVpc, endpointId: string): CloudEvent {
  const { region, hub } = fx.cp;
  return endpointCreatedEvent({ senderAccountId: fx.cp.cloud.world.hubAccountId, accountId: member.accountId, region, vpcId: vpc.vpcId, vpcEndpointId: endpointId, serviceId: hub.serviceId });
}

describe('a Connect notification ahead of its hand-off', () => {
  it('is deferred, so the hand-off decides it on trust: no Organizations read, and the endpoint becomes available', async () => {
    // Prepare
    const { member, vpc } = await memberWithTaggedVpc('deferred');
    const readsBefore = describeAccountCalls();

    // Act: the endpoint is created as an account pass creates it; its Connect notification reaches acceptance alone.
    const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);
    await deferred(endpointId);
    // The pass's hand-off follows, well within DEFER_SECONDS (0.6 s of wall time at the fixture's time scale).
    expect(fx.putOnHubBus(handOff(member, vpc, endpointId))).toBeUndefined();
    await fx.until('the connection is available', async () => (await stateOf(member, endpointId)) === 'available');
    // The copy comes back (idle waits for its timer) and finds nothing to decide.
    await fx.cp.idle();

    // Assess
    expect(describeAccountCalls()).toBe(readsBefore);
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
    const { member, vpc } = await memberWithTaggedVpc('by-hand-tagged');
    const readsBefore = describeAccountCalls();

    // Act
    const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);
    await deferred(endpointId);
    const whileDeferred = await stateOf(member, endpointId);
    await fx.until('the connection is available', async () => (await stateOf(member, endpointId)) === 'available');
    await fx.cp.idle();

    // Assess: still pending while its copy waited; decided the expensive way once the copy came back, never deferred twice.
    expect(whileDeferred).toBe('pendingAcceptance');
    expect(fx.logs.audits({ endpointId, action: 'connection.defer' })).toHaveLength(1);
    const accepted = fx.logs.audits({ endpointId, action: 'connection.accept' });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.reason).toContain(`VPC ${vpc.vpcId} is tagged egress-proxy=enabled`);
    expect(describeAccountCalls()).toBeGreaterThan(readsBefore);
  });
});
