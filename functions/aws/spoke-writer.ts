import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcEndpointCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  ModifyVpcEndpointCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { MANAGED_BY_TAG } from '../core/managed-tags';
import type { EndpointFacts } from '../core/vpc-plan';
import { awsErrorCode } from '../shared/errors';
import { endpointFacts } from './spoke-vpc';

/** Writes in the spoke account. Every create carries the managed tag: it is how deletes find only our resources. */

const managedTags = [{ Key: MANAGED_BY_TAG.key, Value: MANAGED_BY_TAG.value }];

/** One group per VPC, named after it, so a concurrent creator gets `InvalidGroup.Duplicate` and reuses ours. */
export function securityGroupName(vpcId: string): string {
  return `egress-proxy-endpoint-${vpcId}`;
}

export async function createSecurityGroup(ec2: EC2Client, vpcId: string): Promise<string> {
  const groupName = securityGroupName(vpcId);
  try {
    const { GroupId } = await ec2.send(
      new CreateSecurityGroupCommand({
        VpcId: vpcId,
        GroupName: groupName,
        Description: 'Egress proxy interface endpoint (managed by the egress control plane)',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [...managedTags, { Key: 'Name', Value: groupName }] }],
      }),
    );
    if (GroupId === undefined) throw new Error(`CreateSecurityGroup in ${vpcId} returned no GroupId`);
    return GroupId;
  } catch (error) {
    if (awsErrorCode(error) !== 'InvalidGroup.Duplicate') throw error;
    const { SecurityGroups } = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: [groupName] },
        ],
      }),
    );
    const existing = SecurityGroups?.[0]?.GroupId;
    if (existing === undefined) throw error;
    return existing;
  }
}

function proxyPermission(port: number, cidrs: readonly string[]): IpPermission[] {
  const v4 = cidrs.filter((c) => !c.includes(':'));
  const v6 = cidrs.filter((c) => c.includes(':'));
  return [
    {
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      ...(v4.length > 0 ? { IpRanges: v4.map((CidrIp) => ({ CidrIp, Description: 'VPC CIDR to the egress proxy' })) } : {}),
      ...(v6.length > 0 ? { Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6, Description: 'VPC CIDR to the egress proxy' })) } : {}),
    },
  ];
}

export async function authorizeProxyIngress(ec2: EC2Client, groupId: string, port: number, cidrs: readonly string[]): Promise<void> {
  if (cidrs.length === 0) return;
  try {
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: proxyPermission(port, cidrs) }));
  } catch (error) {
    // A concurrent run added the same rule: the desired state holds.
    if (awsErrorCode(error) !== 'InvalidPermission.Duplicate') throw error;
  }
}

export async function revokeProxyIngress(ec2: EC2Client, groupId: string, port: number, cidrs: readonly string[]): Promise<void> {
  if (cidrs.length === 0) return;
  try {
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: proxyPermission(port, cidrs) }));
  } catch (error) {
    if (awsErrorCode(error) !== 'InvalidPermission.NotFound') throw error;
  }
}

export async function createEndpoint(
  ec2: EC2Client,
  input: {
    vpcId: string;
    serviceName: string;
    subnetIds: readonly string[];
    securityGroupId: string;
    privateDnsEnabled: boolean;
    clientToken: string;
  },
): Promise<EndpointFacts> {
  const { VpcEndpoint } = await ec2.send(
    new CreateVpcEndpointCommand({
      VpcEndpointType: 'Interface',
      VpcId: input.vpcId,
      ServiceName: input.serviceName,
      SubnetIds: [...input.subnetIds],
      SecurityGroupIds: [input.securityGroupId],
      PrivateDnsEnabled: input.privateDnsEnabled,
      ClientToken: input.clientToken,
      TagSpecifications: [{ ResourceType: 'vpc-endpoint', Tags: [...managedTags, { Key: 'Name', Value: 'egress-proxy' }] }],
    }),
  );
  const facts = VpcEndpoint === undefined ? undefined : endpointFacts(VpcEndpoint);
  if (facts === undefined) throw new Error(`CreateVpcEndpoint in ${input.vpcId} returned no endpoint`);
  return facts;
}

export async function addEndpointSubnets(ec2: EC2Client, endpointId: string, subnetIds: readonly string[]): Promise<void> {
  if (subnetIds.length === 0) return;
  await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: endpointId, AddSubnetIds: [...subnetIds] }));
}

export async function deleteEndpoints(ec2: EC2Client, endpointIds: readonly string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  const { Unsuccessful } = await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [...endpointIds] }));
  const failures = (Unsuccessful ?? []).filter((u) => u.Error?.Code !== 'InvalidVpcEndpoint.NotFound');
  if (failures.length > 0) {
    const detail = failures.map((u) => `${u.ResourceId ?? '?'}: ${u.Error?.Code ?? ''} ${u.Error?.Message ?? ''}`).join('; ');
    throw new Error(`DeleteVpcEndpoints failed for ${detail}`);
  }
}

/** How long to wait for deleted endpoints to release their security group: well inside the functions' timeouts. */
export const ENDPOINT_DELETION_WAIT = { attempts: 30, intervalMs: 1000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls until none of the endpoints is left short of `deleted` (EC2 shows `deleting` while the network interfaces go
 * away, and the security group stays in use until then). Throws at the bound, so the caller's record is retried
 * rather than failing on DependencyViolation. Polls before the first sleep: an endpoint often goes at once.
 */
export async function waitForEndpointsDeleted(
  ec2: EC2Client,
  endpointIds: readonly string[],
  wait: { attempts: number; intervalMs: number; sleep?: (ms: number) => Promise<void> } = ENDPOINT_DELETION_WAIT,
): Promise<void> {
  if (endpointIds.length === 0) return;
  let remaining: string[] = [...endpointIds];
  for (let attempt = 1; ; attempt++) {
    remaining = await endpointsNotYetDeleted(ec2, remaining);
    if (remaining.length === 0) return;
    if (attempt >= wait.attempts) break;
    await (wait.sleep ?? sleep)(wait.intervalMs);
  }
  throw new Error(
    `VPC endpoints ${remaining.join(', ')} still not deleted after ${wait.attempts} checks ${wait.intervalMs} ms apart`,
  );
}

async function endpointsNotYetDeleted(ec2: EC2Client, endpointIds: readonly string[]): Promise<string[]> {
  // A filter, not VpcEndpointIds: an id that is already gone must read as deleted, not as InvalidVpcEndpointId.NotFound.
  const { VpcEndpoints } = await ec2.send(
    new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-id', Values: [...endpointIds] }] }),
  );
  return (VpcEndpoints ?? [])
    .filter((e) => e.VpcEndpointId !== undefined && String(e.State ?? '').toLowerCase() !== 'deleted')
    .map((e) => e.VpcEndpointId ?? '')
    .sort();
}

/**
 * Deleting the group fails with DependencyViolation while an endpoint's network interfaces are still going away
 * (callers wait with `waitForEndpointsDeleted` first); should it still happen, the error propagates so the message
 * is retried.
 */
export async function deleteSecurityGroup(ec2: EC2Client, groupId: string): Promise<void> {
  try {
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
  } catch (error) {
    if (awsErrorCode(error) !== 'InvalidGroup.NotFound') throw error;
  }
}

export async function tagVpc(ec2: EC2Client, vpcId: string, tags: Record<string, string>): Promise<void> {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: entries.map(([Key, Value]) => ({ Key, Value })) }));
}

export async function untagVpc(ec2: EC2Client, vpcId: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: keys.map((Key) => ({ Key })) }));
}
