/** Steps shared by the deferred-notification tests: each takes the fixture it runs on (one fixture per test file). */
import type { CloudEvent } from '../../../local/cloud/api';
import { onboardedMember, type Member } from './accounts';
import { SUPPORTED_AZ_IDS, type ControlPlaneFixture } from './control-plane-fixture';
import { endpointCreatedEvent } from './events';
import { connectionsOf } from './hub-views';
import { createEndpointByHand, createVpc, tagVpc, type SpokeVpc } from './spoke';

export const describeAccountCalls = (fx: ControlPlaneFixture) => fx.cp.cloud.metrics().calls.get('organizations:DescribeAccount') ?? 0;

/**
 * Waits for the deferral's audit record without draining the bus in between: a drain (cp.idle()) also waits out the
 * copy's timer, and the copy would come back before the test could act in the meantime.
 */
export const deferred = (fx: ControlPlaneFixture, endpointId: string) =>
  fx.until('the notification is deferred', () => fx.logs.audits({ endpointId, action: 'connection.defer' }).length > 0, { between: () => Promise.resolve() });

export const stateOf = async (fx: ControlPlaneFixture, member: Member, endpointId: string) =>
  (await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).find((c) => c.endpointId === endpointId)?.state;

/** An onboarded member with a VPC tagged for the proxy, its own endpoint created, accepted and the control plane idle. */
export async function memberWithTaggedVpc(fx: ControlPlaneFixture, label: string): Promise<{ member: Member; vpc: SpokeVpc }> {
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
export function handOff(fx: ControlPlaneFixture, member: Member, vpc: SpokeVpc, endpointId: string): CloudEvent {
  const { region, hub } = fx.cp;
  return endpointCreatedEvent({ senderAccountId: fx.cp.cloud.world.hubAccountId, accountId: member.accountId, region, vpcId: vpc.vpcId, vpcEndpointId: endpointId, serviceId: hub.serviceId });
}

/**
 * The rollout's order of events: an endpoint created as an account pass creates it, its Connect notification deferred
 * by acceptance, then the pass's hand-off, until the endpoint is available and the bus idle (the copy back and
 * decided). Returns the endpoint, its owner and the DescribeAccount calls made meanwhile.
 */
export async function deferredThenHandedOff(fx: ControlPlaneFixture, label: string): Promise<{ member: Member; endpointId: string; organizationReads: number }> {
  const { member, vpc } = await memberWithTaggedVpc(fx, label);
  const readsBefore = describeAccountCalls(fx);
  const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);
  await deferred(fx, endpointId);
  const refused = fx.putOnHubBus(handOff(fx, member, vpc, endpointId));
  if (refused !== undefined) throw new Error(`the hub bus refused the hand-off: ${refused}`);
  await fx.until('the connection is available', async () => (await stateOf(fx, member, endpointId)) === 'available');
  // The copy comes back (idle waits for its timer) and finds nothing to decide.
  await fx.cp.idle();
  return { member, endpointId, organizationReads: describeAccountCalls(fx) - readsBefore };
}
