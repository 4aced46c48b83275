/**
 * The story `npm start` tells: an organization onboarding to the egress proxy without anyone touching the
 * hub. Every step is what a person does in their own account; the control plane reacts to the events.
 */
import {
  CreateSecurityGroupCommand,
  CreateVpcEndpointCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import type { LocalControlPlane } from '../runner/control-plane';
import type { AuditCapture } from './audit-capture';
import { decideForTeams, readPublishedPolicy } from './policy-step';
import { renderTable, type Column } from '../../cli/table';
import { narrate } from './report';
import { askThroughSquid, printSquidAnswers, reached, refused } from './squid-step';
import { OrganizationAdmin, createVpcWithSubnets, ec2As, endpointsOf, tagVpc, untagVpc } from './tenant';

const TAG_KEY = 'egress-proxy';
const TAG_VALUE = 'enabled';
const POLICY_TAG_KEY = 'egress-proxy-policy';
/** Hosts both teams ask for: one only payments' policy lists, one only observability's, one in the baseline. */
const CONTESTED_HOSTS = ['api.stripe.com', 'intake.datadoghq.com', 'github.com'];

interface Tenant {
  name: string;
  accountId: string;
  ec2: EC2Client;
  vpcIds: string[];
}

export interface ScenarioResult {
  /** Facts the story promises; the demo exits non-zero if any does not hold. */
  checks: { description: string; held: boolean }[];
}

export async function playScenario(cp: LocalControlPlane, audit: AuditCapture, print: (line: string) => void): Promise<ScenarioResult> {
  const at = { endpoint: cp.cloud.url, region: cp.region };
  const org = new OrganizationAdmin(cp.cloud.world.managementAccountId, cp.cloud.url);
  const tenants: Tenant[] = [];
  const checks: ScenarioResult['checks'] = [];
  const check = (description: string, held: boolean) => {
    checks.push({ description, held });
    print(`    ${held ? 'ok  ' : 'FAIL'} ${description}`);
  };
  let stepNumber = 0;
  const step = async (title: string, action: () => Promise<void>) => {
    stepNumber += 1;
    print(`\n${stepNumber}. ${title}`);
    await action();
    await settle(cp);
    narrate(audit.drain(), print);
  };

  try {
    await step('First rollout: the reconciler fans out over the organization as it is (management and hub accounts), as its schedule does', async () => {
      const summary = await cp.reconcile({ fanOut: true });
      print(`    fan-out: ${summarizePlan(summary)}`);
    });

    await step('Two teams get new accounts from the management account (CreateAccount)', async () => {
      for (const name of ['payments', 'analytics']) {
        const accountId = await org.createAccount(name);
        tenants.push({ name, accountId, ec2: ec2As(accountId, at), vpcIds: [] });
        print(`    created account ${accountId} (${name})`);
      }
    });
    const [payments, analytics] = tenants as [Tenant, Tenant];
    check('both new accounts are allowed principals of the endpoint service', await allowedPrincipalsInclude(cp, [payments.accountId, analytics.accountId]));

    await step(`payments tags its VPC ${TAG_KEY}=${TAG_VALUE} and ${POLICY_TAG_KEY}=payments; analytics builds a VPC but does not tag it`, async () => {
      payments.vpcIds.push(await createVpcWithSubnets(payments.ec2, '10.10', 'payments-prod'));
      analytics.vpcIds.push(await createVpcWithSubnets(analytics.ec2, '10.10', 'analytics-dev'));
      await tagVpc(payments.ec2, payments.vpcIds[0] ?? '', POLICY_TAG_KEY, 'payments');
      await tagVpc(payments.ec2, payments.vpcIds[0] ?? '', TAG_KEY, TAG_VALUE);
      print(`    tagged ${payments.vpcIds[0]}; left ${analytics.vpcIds[0]} (same CIDR, 10.10.0.0/16) untagged`);
    });
    await waitForEndpointState(cp, payments, 'available');
    const paymentsEndpoints = await endpointsOf(payments.ec2, payments.vpcIds[0] ?? '');
    check('the tagged VPC has exactly one available endpoint', paymentsEndpoints.length === 1 && stateOf(paymentsEndpoints[0]) === 'available');
    check('the untagged VPC has no endpoint', (await endpointsOf(analytics.ec2, analytics.vpcIds[0] ?? '')).length === 0);

    await step('An account outside the organization tags a VPC and tries to create an endpoint by hand', async () => {
      const outsider = await createOutsideAccount(cp);
      const ec2 = ec2As(outsider, at);
      const vpcId = await createVpcWithSubnets(ec2, '10.30', 'outsider');
      await tagVpc(ec2, vpcId, TAG_KEY, TAG_VALUE);
      const attempt = await tryCreateEndpoint(ec2, vpcId, cp.hub.serviceName);
      print(`    outsider ${outsider}: CreateVpcEndpoint -> ${attempt}`);
      check('the outsider cannot reach the service', attempt !== 'created');
      tenants.push({ name: 'outsider', accountId: outsider, ec2, vpcIds: [vpcId] });
    });

    await step(`analytics tags its VPC too, choosing the observability policy (${POLICY_TAG_KEY}=observability)`, async () => {
      await tagVpc(analytics.ec2, analytics.vpcIds[0] ?? '', POLICY_TAG_KEY, 'observability');
      await tagVpc(analytics.ec2, analytics.vpcIds[0] ?? '', TAG_KEY, TAG_VALUE);
      await settle(cp);
      await waitForEndpointState(cp, analytics, 'available');
    });

    const teams = await Promise.all([payments, analytics].map(async (tenant) => ({
      team: tenant.name,
      endpointId: (await endpointsOf(tenant.ec2, tenant.vpcIds[0] ?? '')).find((e) => stateOf(e) === 'available')?.VpcEndpointId ?? '',
    })));
    await step('Both teams ask the proxy for the same hosts: each gets the answer of its own policy', async () => {
      const published = await readPublishedPolicy(cp);
      for (const { team, endpointId, host, decision } of decideForTeams(published, teams, CONTESTED_HOSTS)) {
        const verdict = decision.allowed ? `allowed by ${decision.policy}` : `denied (${decision.reason})`;
        print(`    ${team.padEnd(9)} ${endpointId}  ${host.padEnd(22)} ${verdict}`);
      }
      const answers = decideForTeams(published, teams, ['api.stripe.com']).map((a) => a.decision.allowed);
      check('payments may reach api.stripe.com and analytics may not (same CIDR, told apart by the endpoint id)', answers[0] === true && answers[1] === false);
      const throughSquid = await askThroughSquid(cp, teams, CONTESTED_HOSTS);
      if (throughSquid.kind === 'skipped') {
        print(`    real Squid: skipped: ${throughSquid.reason}`);
        return;
      }
      printSquidAnswers(throughSquid, print);
      const stripe = (team: string) => throughSquid.answers.find((answer) => answer.team === team && answer.host === 'api.stripe.com');
      const [paymentsStripe, analyticsStripe] = [stripe('payments'), stripe('analytics')];
      check(
        'through Squid, payments gets api.stripe.com (HTTP and a TLS tunnel) and analytics does not, from the same client address',
        paymentsStripe !== undefined && reached(paymentsStripe) && analyticsStripe !== undefined && refused(analyticsStripe),
      );
    });

    await step('analytics leaves the organization', async () => {
      print(`    removing ${analytics.accountId} from the organization`);
      await org.removeAccount(analytics.accountId);
    });
    check('the departed account is no longer an allowed principal', !(await allowedPrincipalsInclude(cp, [analytics.accountId])));
    check("the departed account's connection is rejected", (await connectionStates(cp, analytics.accountId)).every((state) => state === 'rejected'));

    await step(`payments removes the ${TAG_KEY} tag from its VPC`, async () => {
      await untagVpc(payments.ec2, payments.vpcIds[0] ?? '', TAG_KEY);
    });
    await waitForNoEndpoints(cp, payments);
    check('the untagged VPC lost the endpoint the control plane had created', (await endpointsOf(payments.ec2, payments.vpcIds[0] ?? '')).length === 0);

    await step('The scheduled reconciler runs a dry run over the whole organization', async () => {
      const plan = await cp.reconcile({ dryRun: true });
      print(`    plan: ${summarizePlan(plan)}`);
    });

    print('\nFinal state (STATE: the endpoint\'s state / the hub\'s view of its connection)');
    print(await stateTable(cp, tenants));
    return { checks };
  } finally {
    org.destroy();
    for (const tenant of tenants) tenant.ec2.destroy();
  }
}

/**
 * The SDK's enum spells endpoint states in PascalCase, but EC2 answers `available`, `pendingAcceptance`...
 * (as the CLI shows): compare the wire value.
 */
function stateOf(endpoint: VpcEndpoint | undefined): string {
  return String(endpoint?.State ?? '');
}

async function settle(cp: LocalControlPlane): Promise<void> {
  // Events and state changes in the local cloud are asynchronous (delivery, pending -> available): a few
  // rounds of "drain the queues, let emulated time pass" reach a fixed point.
  for (let round = 0; round < 3; round++) {
    await cp.idle();
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await cp.idle();
}

async function waitFor(cp: LocalControlPlane, what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(cp);
  }
}

const waitForEndpointState = (cp: LocalControlPlane, tenant: Tenant, state: string) =>
  waitFor(cp, `${tenant.name}'s endpoint to be ${state}`, async () =>
    (await endpointsOf(tenant.ec2, tenant.vpcIds[0] ?? '')).some((endpoint) => stateOf(endpoint) === state),
  );

const waitForNoEndpoints = (cp: LocalControlPlane, tenant: Tenant) =>
  waitFor(cp, `${tenant.name}'s endpoints to be deleted`, async () =>
    (await endpointsOf(tenant.ec2, tenant.vpcIds[0] ?? '')).every((endpoint) => ['deleted', 'deleting'].includes(stateOf(endpoint))),
  );

async function createOutsideAccount(cp: LocalControlPlane): Promise<string> {
  const response = await fetch(`${cp.cloud.url}/_local/accounts`, { method: 'POST', body: JSON.stringify({ name: 'outsider' }) });
  if (!response.ok) throw new Error(`creating an outside account failed: ${response.status}`);
  const account = (await response.json()) as { id: string };
  return account.id;
}

async function tryCreateEndpoint(ec2: EC2Client, vpcId: string, serviceName: string): Promise<string> {
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'by-hand', Description: 'by hand' }));
  try {
    await ec2.send(
      new CreateVpcEndpointCommand({
        VpcEndpointType: 'Interface',
        VpcId: vpcId,
        ServiceName: serviceName,
        SubnetIds: Subnets.slice(0, 1).map((subnet) => subnet.SubnetId ?? ''),
        ...(GroupId ? { SecurityGroupIds: [GroupId] } : {}),
      }),
    );
    return 'created';
  } catch (err) {
    return `refused (${(err as Error).name})`;
  }
}

function hubEc2(cp: LocalControlPlane): EC2Client {
  return ec2As(cp.cloud.world.hubAccountId, { endpoint: cp.cloud.url, region: cp.region });
}

async function allowedPrincipalsInclude(cp: LocalControlPlane, accountIds: string[]): Promise<boolean> {
  const ec2 = hubEc2(cp);
  try {
    const { AllowedPrincipals = [] } = await ec2.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: cp.hub.serviceId }));
    const principals = new Set(AllowedPrincipals.map((principal) => principal.Principal));
    return accountIds.every((accountId) => principals.has(`arn:aws:iam::${accountId}:root`));
  } finally {
    ec2.destroy();
  }
}

async function connectionStates(cp: LocalControlPlane, accountId: string): Promise<string[]> {
  const ec2 = hubEc2(cp);
  try {
    const { VpcEndpointConnections = [] } = await ec2.send(
      new DescribeVpcEndpointConnectionsCommand({ Filters: [{ Name: 'vpc-endpoint-owner', Values: [accountId] }] }),
    );
    return VpcEndpointConnections.map((connection) => connection.VpcEndpointState ?? 'unknown');
  } finally {
    ec2.destroy();
  }
}

function summarizePlan(plan: unknown): string {
  const fanOut = plan as { fanOut?: boolean; published?: number; accounts?: { inScope?: number }; hubActions?: Record<string, number> } | undefined;
  if (fanOut?.fanOut === true) {
    const hub = Object.entries(fanOut.hubActions ?? {}).map(([action, count]) => `${count} ${action}`);
    return `${fanOut.published ?? 0} of ${fanOut.accounts?.inScope ?? 0} in-scope account(s) queued for the account reconciler; hub: ${hub.join(', ') || 'no change'}`;
  }
  const actions = (plan as { actions?: unknown[] } | undefined)?.actions;
  if (Array.isArray(actions)) return actions.length === 0 ? 'nothing to change: the organization has converged' : `${actions.length} change(s)`;
  return JSON.stringify(plan).slice(0, 300);
}

interface FinalStateRow {
  readonly accountId: string;
  readonly team: string;
  readonly allowed: boolean;
  readonly vpcId: string;
  readonly tagged: boolean;
  readonly endpoints: string;
  readonly states: string;
}

/** Ids and states stay on the row's line; the rest moves under it on a narrow terminal (cli/table.ts). */
const FINAL_STATE_COLUMNS: Column<FinalStateRow>[] = [
  { header: 'ACCOUNT', value: (r) => r.accountId },
  { header: 'TEAM', value: (r) => r.team, priority: 2 },
  { header: 'PRINCIPAL', value: (r) => (r.allowed ? 'allowed' : 'no'), priority: 1 },
  { header: 'VPC', value: (r) => r.vpcId },
  { header: 'TAGGED', value: (r) => (r.tagged ? 'yes' : 'no'), priority: 3 },
  { header: 'ENDPOINT', value: (r) => r.endpoints },
  { header: 'STATE', value: (r) => r.states },
];

async function stateTable(cp: LocalControlPlane, tenants: Tenant[]): Promise<string> {
  const hub = hubEc2(cp);
  try {
    const { AllowedPrincipals = [] } = await hub.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: cp.hub.serviceId }));
    const allowed = new Set(AllowedPrincipals.map((principal) => principal.Principal));
    const { VpcEndpointConnections = [] } = await hub.send(new DescribeVpcEndpointConnectionsCommand({}));
    const connectionOf = new Map(VpcEndpointConnections.map((connection) => [connection.VpcEndpointId, connection.VpcEndpointState]));
    const rows: FinalStateRow[] = [];
    for (const tenant of tenants) {
      const { Vpcs = [] } = await tenant.ec2.send(new DescribeVpcsCommand({}));
      for (const vpc of Vpcs) {
        const tagged = vpc.Tags?.some((tag) => tag.Key === TAG_KEY && tag.Value === TAG_VALUE) ?? false;
        const endpoints = await endpointsOf(tenant.ec2, vpc.VpcId ?? '');
        const live = endpoints.filter((endpoint) => stateOf(endpoint) !== 'deleted');
        rows.push({
          accountId: tenant.accountId,
          team: tenant.name,
          allowed: allowed.has(`arn:aws:iam::${tenant.accountId}:root`),
          vpcId: vpc.VpcId ?? '',
          tagged,
          endpoints: live.map((endpoint) => endpoint.VpcEndpointId).join(', ') || '-',
          states: live.map((endpoint) => `${endpoint.State}/${connectionOf.get(endpoint.VpcEndpointId) ?? '-'}`).join(', ') || '-',
        });
      }
    }
    // The terminal's width, or 80 columns when the story goes to a file or a CI log.
    return renderTable(FINAL_STATE_COLUMNS, rows, process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80);
  } finally {
    hub.destroy();
  }
}
