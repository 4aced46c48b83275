/**
 * One seed's organization, built through the SDK while the faults are on (so the driver's own clients retry more
 * than the handlers do: a failed setup call would only make the seed useless, not prove anything).
 * Members join by CreateAccount; each has 1-3 VPCs, some tagged; one account is excluded by configuration; on some
 * seeds a member leaves the organization and a tagged VPC is untagged while the control plane is still busy.
 */
import { CreateAccountCommand, DescribeCreateAccountStatusCommand, OrganizationsClient, RemoveAccountFromOrganizationCommand } from '@aws-sdk/client-organizations';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SUPPORTED_AZ_IDS } from '../../integration/support/control-plane-fixture';
import { createVpc, tagVpc, untagVpc } from '../../integration/support/spoke';

export const PROXY_TAG = { key: 'egress-proxy', value: 'enabled' } as const;

/** Attempts per call for the scenario's and the checker's clients (the handlers keep their configured 5). */
const DRIVER_MAX_ATTEMPTS = 10;

export interface ChaosVpc {
  accountId: string;
  vpcId: string;
  tagged: boolean;
}

export interface ChaosAccount {
  accountId: string;
  /** excluded: EXCLUDED_ACCOUNT_IDS; removed: left the organization during the run. */
  role: 'member' | 'excluded' | 'removed';
  vpcs: ChaosVpc[];
}

export interface Driver {
  endpoint: string;
  region: string;
  managementAccountId: string;
}

export class ScenarioClients {
  private readonly clients: { destroy(): void }[] = [];
  readonly organizations: OrganizationsClient;

  constructor(private readonly driver: Driver) {
    this.organizations = this.track(
      new OrganizationsClient({ endpoint: driver.endpoint, region: 'us-east-1', maxAttempts: DRIVER_MAX_ATTEMPTS, credentials: credentialsOf(driver.managementAccountId) }),
    );
  }

  ec2As(accountId: string): EC2Client {
    return this.track(new EC2Client({ endpoint: this.driver.endpoint, region: this.driver.region, maxAttempts: DRIVER_MAX_ATTEMPTS, credentials: credentialsOf(accountId) }));
  }

  destroy(): void {
    for (const client of this.clients) client.destroy();
  }

  private track<T extends { destroy(): void }>(client: T): T {
    this.clients.push(client);
    return client;
  }
}

const credentialsOf = (accountId: string) => ({ accessKeyId: accountId, secretAccessKey: 'local' });

/** CreateAccount is asynchronous: poll its status as AWS's own tooling does. */
export async function createAccount(organizations: OrganizationsClient, name: string): Promise<string> {
  const { CreateAccountStatus } = await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  const requestId = CreateAccountStatus?.Id;
  if (!requestId) throw new Error('CreateAccount returned no request id');
  for (;;) {
    const { CreateAccountStatus: status } = await organizations.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId }));
    if (status?.State === 'SUCCEEDED' && status.AccountId) return status.AccountId;
    if (status?.State === 'FAILED') throw new Error(`CreateAccount ${name} failed: ${status.FailureReason ?? 'unknown'}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ScenarioPlan {
  memberCount: number;
  /** Per VPC in creation order: tagged or not. */
  vpcsPerAccount: number[];
  tagged: boolean[][];
  /** Index of the member that leaves the organization, if any. */
  leaverIndex: number | undefined;
  /** Untag the first tagged VPC of the first staying member. */
  untagOne: boolean;
}

export function planScenario(random: () => number): ScenarioPlan {
  const memberCount = 4 + Math.floor(random() * 2);
  // The excluded account comes last.
  const vpcsPerAccount = Array.from({ length: memberCount + 1 }, () => 1 + Math.floor(random() * 3));
  const tagged = vpcsPerAccount.map((count) => Array.from({ length: count }, (_, index) => index === 0 || random() < 0.5));
  return {
    memberCount,
    vpcsPerAccount,
    tagged,
    leaverIndex: random() < 0.6 ? memberCount - 1 : undefined,
    untagOne: random() < 0.6,
  };
}

/** Creates the VPCs of an account and tags the chosen ones (each tag is an event for the control plane). */
export async function buildVpcs(ec2: EC2Client, accountId: string, tagged: readonly boolean[]): Promise<ChaosVpc[]> {
  const vpcs: ChaosVpc[] = [];
  for (const index of tagged.keys()) {
    const { vpcId } = await createVpc(ec2, { name: `chaos-${index}`, cidrPrefix: `10.${index}`, azIds: SUPPORTED_AZ_IDS });
    vpcs.push({ accountId, vpcId, tagged: false });
  }
  for (const [index, vpc] of vpcs.entries()) {
    if (!tagged[index]) continue;
    await tagVpc(ec2, vpc.vpcId, PROXY_TAG.key, PROXY_TAG.value);
    vpc.tagged = true;
  }
  return vpcs;
}

export async function untag(ec2: EC2Client, vpc: ChaosVpc): Promise<void> {
  await untagVpc(ec2, vpc.vpcId, PROXY_TAG.key);
  vpc.tagged = false;
}

export async function leaveOrganization(organizations: OrganizationsClient, account: ChaosAccount): Promise<void> {
  await organizations.send(new RemoveAccountFromOrganizationCommand({ AccountId: account.accountId }));
  account.role = 'removed';
}
