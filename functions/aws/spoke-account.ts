import type { EC2Client } from '@aws-sdk/client-ec2';
import { byVpc, serviceFacts, type AccountSnapshot } from '../core/account-snapshot';
import { hasTag } from '../core/managed-tags';
import { describeService, listManagedEndpoints, listManagedSecurityGroups, listSubnets, listVpcs } from './spoke-vpc';

/**
 * Reads one spoke account for the reconciler with account-wide, paginated describes (not a set per VPC): the VPCs,
 * our managed endpoints and security groups, and, only when some VPC carries the proxy tag, the subnets and the hub
 * service as the account sees it (nothing else plans with them). DNS attributes are per VPC and left to the caller.
 */
export async function readAccountSnapshot(
  ec2: EC2Client,
  accountId: string,
  settings: { serviceName: string; proxyPort: number; proxyTag: { key: string; value: string } },
): Promise<AccountSnapshot> {
  const vpcs = await listVpcs(ec2);
  if (vpcs.length === 0) {
    return { accountId, vpcs, subnetsByVpc: new Map(), endpointsByVpc: new Map(), securityGroupsByVpc: new Map(), service: undefined };
  }
  const anyTagged = vpcs.some((v) => hasTag(v.tags, settings.proxyTag.key, settings.proxyTag.value));
  const [endpoints, groups, subnets, service] = await Promise.all([
    listManagedEndpoints(ec2, settings.serviceName),
    listManagedSecurityGroups(ec2, settings.proxyPort),
    anyTagged ? listSubnets(ec2) : [],
    anyTagged ? describeService(ec2, settings.serviceName) : undefined,
  ]);
  return {
    accountId,
    vpcs,
    subnetsByVpc: byVpc(subnets),
    endpointsByVpc: byVpc(endpoints),
    securityGroupsByVpc: byVpc(groups),
    service: serviceFacts(service, subnets.map((s) => s.item)),
  };
}
