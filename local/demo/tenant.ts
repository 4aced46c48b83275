/**
 * What people do in their own accounts during the demo, through the ordinary SDK and the local cloud's
 * account convention (a 12-digit access key id acts as that account).
 */
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  DescribeCreateAccountStatusCommand,
  OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';

export interface Endpointed {
  endpoint: string;
  region: string;
}

const credentialsOf = (accountId: string) => ({ accessKeyId: accountId, secretAccessKey: 'local' });

export function ec2As(accountId: string, at: Endpointed): EC2Client {
  return new EC2Client({ endpoint: at.endpoint, region: at.region, credentials: credentialsOf(accountId) });
}

/** The management account's view of the organization. */
export class OrganizationAdmin {
  private readonly client: OrganizationsClient;

  constructor(managementAccountId: string, endpoint: string) {
    this.client = new OrganizationsClient({ endpoint, region: 'us-east-1', credentials: credentialsOf(managementAccountId) });
  }

  /** CreateAccount is asynchronous: poll its status as AWS's own tooling does. */
  async createAccount(name: string, pollMs = 100): Promise<string> {
    const { CreateAccountStatus } = await this.client.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const requestId = CreateAccountStatus?.Id;
    if (!requestId) throw new Error('CreateAccount returned no request id');
    for (;;) {
      const { CreateAccountStatus: status } = await this.client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId }));
      if (status?.State === 'SUCCEEDED' && status.AccountId) return status.AccountId;
      if (status?.State === 'FAILED') throw new Error(`CreateAccount ${name} failed: ${status.FailureReason ?? 'unknown'}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async removeAccount(accountId: string): Promise<void> {
    await this.client.send(new RemoveAccountFromOrganizationCommand({ AccountId: accountId }));
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** A VPC with one subnet in each of the account's AZs, DNS hostnames on (private DNS needs them). */
export async function createVpcWithSubnets(ec2: EC2Client, cidrPrefix: string, name: string): Promise<string> {
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({ CidrBlock: `${cidrPrefix}.0.0/16`, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }] }),
  );
  const vpcId = Vpc?.VpcId;
  if (!vpcId) throw new Error('CreateVpc returned no VPC id');
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const { AvailabilityZones = [] } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  let third = 0;
  for (const zone of AvailabilityZones) {
    await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, AvailabilityZone: zone.ZoneName, CidrBlock: `${cidrPrefix}.${third}.0/24` }));
    third += 1;
  }
  return vpcId;
}

export async function tagVpc(ec2: EC2Client, vpcId: string, key: string, value: string): Promise<void> {
  await ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: key, Value: value }] }));
}

export async function untagVpc(ec2: EC2Client, vpcId: string, key: string): Promise<void> {
  await ec2.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: key }] }));
}

export async function endpointsOf(ec2: EC2Client, vpcId: string): Promise<VpcEndpoint[]> {
  const { VpcEndpoints = [] } = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return VpcEndpoints;
}
