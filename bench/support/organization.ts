/**
 * Builds the benchmark's organization fast (throttling off): member accounts through the emulator's admin
 * endpoints, then in each account k VPCs (tagged for the proxy when `proxyTag` is given) with one subnet in each of
 * two AZs. The fixture's EC2 calls are pre-built query requests over keep-alive HTTP: an SDK client per account would
 * cost more CPU than the rollout under measurement.
 */
import { Agent } from 'node:http';
import { mapSettled } from '../../functions/converge/bounded';
import { adminPost } from './cloud-process';
import { ec2Query } from './ec2-query';

export interface OrganizationShape {
  readonly accounts: number;
  readonly vpcsPerAccount: number;
  readonly region: string;
  /** Tag every VPC with it at creation; without it the VPCs are created untagged (a spoke tags them later). */
  readonly proxyTag?: { key: string; value: string };
}

const BUILD_CONCURRENCY = 16;

export async function buildOrganization(url: string, shape: OrganizationShape): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: BUILD_CONCURRENCY });
  const accountIds: string[] = [];
  try {
    const results = await mapSettled(Array.from({ length: shape.accounts }, (_, i) => i), BUILD_CONCURRENCY, async () => {
      const { id } = (await adminPost(url, '/_local/accounts')) as { id: string };
      await adminPost(url, `/_local/accounts/${id}/join-organization`);
      accountIds.push(id);
      await createVpcs((params) => ec2Query(url, agent, id, shape.region, params), shape);
    });
    const failures = results.filter((r) => r.status === 'rejected');
    if (failures.length > 0) throw new Error(`building the organization failed for ${failures.length} accounts: ${String(failures[0]?.reason)}`);
  } finally {
    agent.destroy();
  }
  return accountIds.sort();
}

type Query = (params: Record<string, string>) => Promise<string>;

async function createVpcs(ec2: Query, shape: OrganizationShape): Promise<void> {
  const tag = shape.proxyTag;
  for (let v = 0; v < shape.vpcsPerAccount; v++) {
    const vpcXml = await ec2({
      Action: 'CreateVpc',
      CidrBlock: `10.${v % 256}.0.0/16`,
      ...(tag === undefined
        ? {}
        : { 'TagSpecification.1.ResourceType': 'vpc', 'TagSpecification.1.Tag.1.Key': tag.key, 'TagSpecification.1.Tag.1.Value': tag.value }),
    });
    const vpcId = /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/.exec(vpcXml)?.[1];
    if (vpcId === undefined) throw new Error(`CreateVpc returned no vpcId: ${vpcXml.slice(0, 200)}`);
    // Two of the region's three AZs: the hub service supports two, so at least one subnet is usable.
    for (const [i, zone] of ['a', 'b'].entries()) {
      await ec2({ Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: `10.${v % 256}.${i}.0/24`, AvailabilityZone: `${shape.region}${zone}` });
    }
  }
}
