/** What the fan-out tests share: members with tagged VPCs whose endpoints were lost, and the organization-wide check. */
import { randomUUID } from 'node:crypto';
import { ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE, CONTROL_PLANE_SOURCE } from '../../../events/patterns';
import type { CloudEvent } from '../../../local/cloud/api';
import { onboardedMember, type Member } from '../support/accounts';
import { SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { createVpc, deleteEndpointByHand, liveEndpointsOf, tagVpc, type SpokeVpc } from '../support/spoke';

export interface DriftedMember extends Member {
  tagged: SpokeVpc[];
  untagged: SpokeVpc[];
}

/**
 * An onboarded member whose tagged VPCs got their endpoints through the events, then lost them (deleted by hand):
 * only a reconcile brings them back, since no event names them any more.
 */
export async function driftedMember(fx: ControlPlaneFixture, label: string, taggedVpcs: number, untaggedVpcs = 0): Promise<DriftedMember> {
  const member = await onboardedMember(fx, label);
  const tagged: SpokeVpc[] = [];
  for (let i = 0; i < taggedVpcs; i++) {
    const vpc = await createVpc(member.ec2, { name: `${label}-${i}`, cidrPrefix: `10.${i}`, azIds: SUPPORTED_AZ_IDS });
    await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    tagged.push(vpc);
  }
  const untagged: SpokeVpc[] = [];
  for (let i = 0; i < untaggedVpcs; i++) {
    untagged.push(await createVpc(member.ec2, { name: `${label}-untagged-${i}`, cidrPrefix: `10.${100 + i}`, azIds: SUPPORTED_AZ_IDS }));
  }
  for (const vpc of tagged) {
    await fx.until(`the endpoint of ${vpc.vpcId} is available`, async () => (await availableEndpoints(member, vpc)).length === 1);
  }
  await fx.cp.idle();
  for (const vpc of tagged) {
    for (const endpoint of await liveEndpointsOf(member.ec2, vpc.vpcId)) await deleteEndpointByHand(member.ec2, endpoint.VpcEndpointId ?? '');
  }
  await fx.cp.idle();
  return { ...member, tagged, untagged };
}

export async function availableEndpoints(member: Member, vpc: SpokeVpc) {
  return (await liveEndpointsOf(member.ec2, vpc.vpcId)).filter((endpoint) => String(endpoint.State) === 'available');
}

/** Every tagged VPC has exactly one live endpoint and it is available; untagged VPCs have none. */
export async function converged(members: readonly DriftedMember[]): Promise<boolean> {
  for (const member of members) {
    for (const vpc of member.tagged) {
      const live = await liveEndpointsOf(member.ec2, vpc.vpcId);
      if (live.length !== 1 || String(live[0]?.State) !== 'available') return false;
    }
    for (const vpc of member.untagged) if ((await liveEndpointsOf(member.ec2, vpc.vpcId)).length > 0) return false;
  }
  return true;
}

/** A work item as the reconciler publishes it (for duplicates: a retried run or an overlapping one). */
export function workItem(fx: ControlPlaneFixture, runId: string, accountId: string): CloudEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE,
    source: CONTROL_PLANE_SOURCE,
    account: fx.cp.cloud.world.hubAccountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: fx.cp.region,
    resources: [],
    detail: { runId, accountId },
  };
}
