/**
 * The operator CLI against the local cloud: its command functions run in this process with the environment the
 * local control plane sets (AWS_ENDPOINT_URL, HUB_SERVICE_ID, ...), exactly as `npx egress` would read it. Every run
 * is restricted to the test's own accounts with --account, so the tests sharing the control plane stay apart.
 */
import type { ReconcilePlan } from '../../../functions/converge/organization';
import type { StatusReport } from '../../../cli/status';
import { onboardedMember, setSpokeRole, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, UNSUPPORTED_AZ_ID, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { isAllowedPrincipal, removePrincipalByHand } from '../support/hub-views';
import { createVpc, deleteEndpointByHand, liveEndpointsOf, tagVpc, type SpokeVpc } from '../support/spoke';
import { egress, runEgress } from '../../support/egress-cli';
import { DisableAWSServiceAccessCommand, EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

const accountFlags = (...members: Member[]) => members.flatMap((m) => ['--account', m.accountId]);
const availableEndpoint = async (member: Member, vpcId: string) =>
  (await liveEndpointsOf(member.ec2, vpcId)).find((e) => String(e.State) === 'available')?.VpcEndpointId;

/** A member with a tagged VPC whose endpoint is available, and an untagged VPC, onboarded through events. */
async function memberWithVpcs(label: string): Promise<{ member: Member; tagged: SpokeVpc; untagged: SpokeVpc; endpointId: string }> {
  const member = await onboardedMember(fx, label);
  const tagged = await createVpc(member.ec2, { name: `${label}-tagged`, azIds: SUPPORTED_AZ_IDS });
  const untagged = await createVpc(member.ec2, { name: `${label}-untagged`, cidrPrefix: '10.9', azIds: SUPPORTED_AZ_IDS });
  await tagVpc(member.ec2, tagged.vpcId, 'egress-proxy', 'enabled');
  let endpointId: string | undefined;
  await fx.until(`the endpoint of ${label} is available`, async () => (endpointId = await availableEndpoint(member, tagged.vpcId)) !== undefined);
  await fx.cp.idle();
  return { member, tagged, untagged, endpointId: endpointId ?? '' };
}

describe('egress status', () => {
  it('shows a row per VPC with its tag, endpoint and connection state, and n/a for audit without Logs', async () => {
    // Prepare
    const { member, tagged, untagged, endpointId } = await memberWithVpcs('status');

    // Act
    const run = await egress('status', '--json', ...accountFlags(member));

    // Assess
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as StatusReport;
    expect(report.rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: member.accountId, inScope: true, allowedPrincipal: true, vpcId: tagged.vpcId, tagged: true, endpointId, connectionState: 'available', lastDecision: 'n/a' }),
        expect.objectContaining({ accountId: member.accountId, vpcId: untagged.vpcId, tagged: false }),
      ]),
    );
    expect(report.rows.find((r) => r.vpcId === untagged.vpcId)).not.toHaveProperty('endpointId');
    expect(run.stderr).toContain('last audit decision: n/a');
  });

  it("shows the last audit decision from the functions' log groups", async () => {
    // Prepare
    const { member, tagged } = await memberWithVpcs('status-audit');

    // Act
    const run = await egress('status', '--json', ...accountFlags(member), '--log-groups', '/aws/lambda/egress-vpc-onboarding,/aws/lambda/egress-account-onboarding');

    // Assess: the VPC's endpoint was created by VPC onboarding, whose audit record the local cloud's Logs holds
    const report = JSON.parse(run.stdout) as StatusReport;
    expect(run.stderr).not.toContain('last audit decision: n/a');
    expect(report.rows.find((r) => r.vpcId === tagged.vpcId)?.lastDecision).not.toMatch(/^(n\/a|-)$/);
  });

  it('prints a table for people', async () => {
    const { member, tagged, endpointId } = await memberWithVpcs('status-table');

    const run = await egress('status', ...accountFlags(member));

    const [header, , ...lines] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ACCOUNT\s+SCOPE\s+PRINCIPAL\s+VPC\s+TAGGED\s+ENDPOINT\s+CONNECTION\s+POLICIES\s+LAST AUDIT\s+NOTE$/);
    expect(lines.find((l) => l.includes(tagged.vpcId))).toMatch(new RegExp(`^${member.accountId}\\s+in\\s+allowed\\s+${tagged.vpcId}\\s+yes\\s+${endpointId}\\s+available\\s+baseline\\s+n/a`));
  });

  it('fits an 80-column terminal, the other columns under each row, and --json keeps every field', async () => {
    // Prepare
    const { member, tagged, endpointId } = await memberWithVpcs('status-narrow');

    // Act
    const narrow = await runEgress(['status', ...accountFlags(member)], process.env, { width: 80 });
    const json = await runEgress(['status', '--json', ...accountFlags(member)], process.env, { width: 80 });

    // Assess: no line is wider than the terminal; the row keeps its ids and state, the rest follows it
    const lines = narrow.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(80);
    const row = lines.findIndex((line) => line.includes(tagged.vpcId));
    expect(lines[row]).toMatch(new RegExp(`^${member.accountId}\\s+in\\s+${tagged.vpcId}\\s+${endpointId}\\s+available$`));
    expect(lines[row + 1]).toMatch(/^ {4}principal allowed, tagged yes, .*last audit n\/a$/);
    expect((JSON.parse(json.stdout) as StatusReport).rows.find((r) => r.vpcId === tagged.vpcId)).toMatchObject({ allowedPrincipal: true, tagged: true, lastDecision: 'n/a' });
  });

  it('names --org-read-role-arn when Organizations is denied without it', async () => {
    // Prepare: the control plane role is a member account's role: it may not read the organization itself
    const member = await onboardedMember(fx, 'status-no-org-role');

    // Act
    const run = await runEgress(['status', ...accountFlags(member)], { ...process.env, ORG_READ_ROLE_ARN: undefined });

    // Assess
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toMatch(/^egress: permission denied for organizations:\w+/m);
    expect(run.stderr).toContain('hint: Organizations is read in the management account: set --org-read-role-arn (or ORG_READ_ROLE_ARN)');
  });

  it('says why a tagged VPC has no endpoint when its only subnet is in an AZ the service does not support, and exits 1', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'status-no-az');
    const vpc = await createVpc(member.ec2, { name: 'status-no-az', azIds: [UNSUPPORTED_AZ_ID] });
    await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    await fx.cp.idle();

    // Act
    const run = await egress('status', '--json', ...accountFlags(member));
    const table = await egress('status', ...accountFlags(member));

    // Assess
    expect(run.exitCode).toBe(1);
    const row = (JSON.parse(run.stdout) as StatusReport).rows.find((r) => r.vpcId === vpc.vpcId);
    expect(row).toMatchObject({ tagged: true, missingEndpoint: { blocked: true, reason: expect.stringContaining(`no endpoint possible: no subnet of ${vpc.vpcId} is in an AZ the service supports`) as unknown } });
    expect(row).not.toHaveProperty('endpointId');
    expect(table.stdout).toContain(`AZ ${UNSUPPORTED_AZ_ID} is not supported by the service`);
  });

  it('reports an account whose spoke role cannot be assumed, and exits 1', async () => {
    const member = await onboardedMember(fx, 'status-no-role');
    await setSpokeRole(fx, member.accountId, false);

    const run = await egress('status', '--json', ...accountFlags(member));

    expect(run.exitCode).toBe(1);
    const [row] = (JSON.parse(run.stdout) as StatusReport).rows;
    expect(row).toMatchObject({ accountId: member.accountId, error: expect.stringContaining('cannot assume') as unknown });
  });
});

describe('egress plan and reconcile', () => {
  it('plan lists the drift and changes nothing; reconcile repairs it', async () => {
    // Prepare: an endpoint deleted by hand, and a principal removed by hand (from an account without VPCs: with its
    // principal gone, an account's VPCs cannot see the service and would be blocked).
    const { member, tagged, endpointId } = await memberWithVpcs('drift');
    await deleteEndpointByHand(member.ec2, endpointId);
    const other = await onboardedMember(fx, 'drift-principal');
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, other.accountId);
    await fx.cp.idle();

    // Act: plan
    const planned = await egress('plan', '--json', ...accountFlags(member, other));

    // Assess: the plan names both repairs, and nothing changed
    expect(planned.exitCode).toBe(0);
    const plan = JSON.parse(planned.stdout) as ReconcilePlan;
    expect(plan.dryRun).toBe(true);
    expect(plan.actions.map((a) => [a.action, a.scope.accountId, a.scope.vpcId])).toEqual(
      expect.arrayContaining([
        ['endpoint-service.allow-principal', other.accountId, undefined],
        ['vpc.create-endpoint', member.accountId, tagged.vpcId],
      ]),
    );
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, other.accountId)).toBe(false);
    expect(await liveEndpointsOf(member.ec2, tagged.vpcId)).toEqual([]);

    // Act: reconcile
    const applied = await egress('reconcile', ...accountFlags(member, other));

    // Assess: the repairs are made, reported in the table, with progress on stderr only
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toMatch(/change\(s\) applied, 0 error\(s\)/);
    expect(applied.stdout).toContain('vpc.create-endpoint');
    expect(applied.stderr).toMatch(/reconcile egress-cli-reconcile-\S+: \d+ change\(s\), 0 error\(s\)/);
    expect(applied.stderr).toContain('allowed principals...');
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, other.accountId)).toBe(true);
    await fx.until('the recreated endpoint is available', async () => (await availableEndpoint(member, tagged.vpcId)) !== undefined);

    // A second plan finds nothing left to do for the VPC.
    const after = JSON.parse((await egress('plan', '--json', ...accountFlags(member, other))).stdout) as ReconcilePlan;
    expect(after.actions.filter((a) => a.action.startsWith('vpc.') || a.action.startsWith('endpoint-service.'))).toEqual([]);
  });

  it('warns in plan and status when RAM sharing with the organization is off, so the discovery share reaches no one', async () => {
    // Prepare: the management account turns RAM's trusted access off.
    const member = await onboardedMember(fx, 'ram-off');
    await fx.organizations.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    try {
      // Act
      const plan = await egress('plan', ...accountFlags(member));
      const status = await egress('status', ...accountFlags(member));

      // Assess
      expect(plan.exitCode).toBe(0);
      expect(plan.stdout).toContain('Warnings:\n  resource share: RAM sharing with AWS Organizations is not enabled');
      expect(plan.stdout).toContain('aws ram enable-sharing-with-aws-organization');
      expect(status.exitCode).toBe(0);
      expect(status.stderr).toContain('discovery share: RAM sharing with AWS Organizations is not enabled');
    } finally {
      await fx.organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    }
    // With it on again, no warning.
    expect((await egress('plan', ...accountFlags(member))).stdout).not.toContain('Warnings:');
  });

  it('says why a plan for an account outside the organization is empty', async () => {
    // Act
    const text = await egress('plan', '--account', '999999999999');
    const json = await egress('plan', '--json', '--account', '999999999999');

    // Assess
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('Nothing would change: no requested account is in scope (see below).');
    expect(text.stdout).toContain('Not in scope, left alone:\n  999999999999: account 999999999999 is not a member of the organization');
    expect((JSON.parse(json.stdout) as ReconcilePlan).outOfScope).toEqual([{ accountId: '999999999999', reason: 'account 999999999999 is not a member of the organization' }]);
  });

  it('does not call a plan with errors complete, and prints each error whole', async () => {
    // Prepare: an account whose spoke role is gone
    const member = await onboardedMember(fx, 'plan-error');
    await setSpokeRole(fx, member.accountId, false);

    // Act
    const run = await egress('plan', ...accountFlags(member));

    // Assess
    expect(run.exitCode).toBe(1);
    expect(run.stdout).not.toContain('the organization matches the desired state');
    expect(run.stdout).toContain('0 change(s) planned, 1 error(s)');
    expect(run.stdout).toContain('Nothing would change where the reconcile could look, but 1 error(s) kept it from looking everywhere: see below.');
    expect(run.stdout).toMatch(new RegExp(`${member.accountId}\\s+-\\s+SpokeRoleError: cannot assume arn:aws:iam::${member.accountId}:role/EgressProxySpokeRole: AccessDenied: .*is not authorized to perform: sts:AssumeRole on resource: \\S+$`, 'm'));
  });

  it('says the resource share was skipped when RAM_SHARE_ARN is not set', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'plan-no-share');

    // Act
    const run = await runEgress(['plan', ...accountFlags(member)], { ...process.env, RAM_SHARE_ARN: undefined });

    // Assess
    expect(run.stdout).toContain('Skipped:\n  resource share: RAM_SHARE_ARN is not set, so no account is added to or removed from the share of the discovery parameters');
  });

  it('exits 2 naming the flag when the configuration is wrong', async () => {
    const run = await egress('plan', '--hub-service-id', 'not-a-service');

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('HUB_SERVICE_ID (--hub-service-id): must be an endpoint service id');
  });
});
