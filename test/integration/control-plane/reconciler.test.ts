/**
 * The reconciler, invoked as an operator would (`{ "dryRun": true }`, or for named accounts): it computes the plan
 * with the same core decisions as the event handlers, returns it, and applies it unless dry run. Runs are
 * restricted to the test's own accounts so tests sharing the control plane cannot see each other's drift.
 */
import { DisableAWSServiceAccessCommand, EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';
import type { ReconcilePlan } from '../../../functions/converge/organization';
import { onboardedMember, setSpokeRole, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { connectionsOf, isAllowedPrincipal, removePrincipalByHand } from '../support/hub-views';
import { createVpc, deleteEndpointByHand, liveEndpointsOf, securityGroupsOf, tagVpc, type SpokeVpc } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

const reconcile = async (input: { dryRun?: boolean; accountIds: string[] }) => (await fx.cp.reconcile(input)) as ReconcilePlan;
const allowed = (accountId: string) => isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, accountId);

/** A member whose tagged VPC has an available endpoint, onboarded through events. */
async function onboardedVpc(label: string): Promise<{ member: Member; vpc: SpokeVpc; endpointId: string }> {
  const member = await onboardedMember(fx, label);
  const vpc = await createVpc(member.ec2, { name: label, azIds: SUPPORTED_AZ_IDS });
  await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
  let endpointId = '';
  await fx.until(`the endpoint of ${label} is available`, async () => {
    endpointId = (await liveEndpointsOf(member.ec2, vpc.vpcId)).find((e) => String(e.State) === 'available')?.VpcEndpointId ?? '';
    return endpointId !== '';
  });
  await fx.cp.idle();
  return { member, vpc, endpointId };
}

describe('the reconciler', () => {
  it('warns in its plan and the audit trail when RAM sharing with the organization is off, and still applies the share', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'ram-sharing-off');
    await fx.organizations.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    let plan: ReconcilePlan;
    try {
      // Act
      plan = await reconcile({ dryRun: false, accountIds: [member.accountId] });
    } finally {
      await fx.organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    }

    // Assess
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([{ step: 'resource share', reason: expect.stringContaining('RAM sharing with AWS Organizations is not enabled') as string }]);
    const warnings = fx.logs.audits({ correlationId: plan.correlationId }).filter((record) => record.decision === 'warning');
    expect(warnings).toEqual([
      expect.objectContaining({ action: 'resource-share.organization-sharing', scope: { accountId: 'organization' }, reason: plan.warnings?.[0]?.reason }),
    ]);
    // Once it is on again, the next run has nothing to say.
    expect((await reconcile({ dryRun: true, accountIds: [member.accountId] })).warnings).toBeUndefined();
  });

  it('returns the plan of a dry run and changes nothing', async () => {
    // Prepare: drift on both sides, made by hand, in two accounts (one account with both kinds: see the next test).
    const { member, vpc, endpointId } = await onboardedVpc('dry-run');
    await deleteEndpointByHand(member.ec2, endpointId);
    const other = await onboardedMember(fx, 'dry-run-principal');
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, other.accountId);
    await fx.cp.idle();

    // Act
    const plan = await reconcile({ dryRun: true, accountIds: [member.accountId, other.accountId] });

    // Assess: the plan names the repairs...
    expect(plan.dryRun).toBe(true);
    expect(plan.errors).toEqual([]);
    expect(plan.actions.map((action) => [action.action, action.scope.accountId, action.scope.vpcId])).toEqual(
      expect.arrayContaining([
        ['endpoint-service.allow-principal', other.accountId, undefined],
        ['vpc.create-endpoint', member.accountId, vpc.vpcId],
      ]),
    );
    // ...and nothing happened.
    expect(await allowed(other.accountId)).toBe(false);
    expect(await liveEndpointsOf(member.ec2, vpc.vpcId)).toEqual([]);
    const dryRunRecords = fx.logs.audits({ correlationId: plan.correlationId });
    expect(dryRunRecords.map((record) => record.scope.accountId)).toEqual(expect.arrayContaining([member.accountId, other.accountId]));
    expect(dryRunRecords.every((record) => record.dryRun)).toBe(true);
  });

  it('plans a dry run for an account that lost both its principal and its endpoint, endpoint after principal', async () => {
    // Prepare: with its principal gone, the account cannot even see the service.
    const { member, vpc, endpointId } = await onboardedVpc('dry-run-both');
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, member.accountId);
    await deleteEndpointByHand(member.ec2, endpointId);
    await fx.cp.idle();

    // Act
    const plan = await reconcile({ dryRun: true, accountIds: [member.accountId] });

    // Assess: the whole plan comes back, the endpoint planned as waiting for the principal...
    expect(plan.errors).toEqual([]);
    const lines = plan.actions.map((action) => [action.action, action.scope.accountId, action.scope.vpcId]);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['endpoint-service.allow-principal', member.accountId, undefined],
        ['vpc.create-endpoint', member.accountId, vpc.vpcId],
      ]),
    );
    const principalLine = lines.findIndex(([action]) => action === 'endpoint-service.allow-principal');
    expect(principalLine).toBeLessThan(lines.findIndex(([action]) => action === 'vpc.create-endpoint'));
    expect(plan.actions.find((action) => action.action === 'vpc.create-endpoint')?.details).toMatchObject({ awaitsPrincipal: true });
    expect(fx.logs.audits({ correlationId: plan.correlationId, decision: 'error' })).toEqual([]);
    // ...and nothing happened.
    expect(await allowed(member.accountId)).toBe(false);
    expect(await liveEndpointsOf(member.ec2, vpc.vpcId)).toEqual([]);
  });

  it('repairs drift when applied: a principal removed and an endpoint deleted by hand come back', async () => {
    // Prepare
    const { member, vpc, endpointId } = await onboardedVpc('drift');
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, member.accountId);
    await deleteEndpointByHand(member.ec2, endpointId);
    await fx.cp.idle();

    // Act
    const plan = await reconcile({ accountIds: [member.accountId] });
    await fx.until('the new endpoint is available', async () => (await liveEndpointsOf(member.ec2, vpc.vpcId)).some((e) => String(e.State) === 'available'));

    // Assess
    expect(plan.dryRun).toBe(false);
    expect(plan.errors).toEqual([]);
    expect(await allowed(member.accountId)).toBe(true);
    const live = await liveEndpointsOf(member.ec2, vpc.vpcId);
    expect(live).toHaveLength(1);
    expect(live[0]?.VpcEndpointId).not.toBe(endpointId);
    expect(await securityGroupsOf(member.ec2, vpc.vpcId)).toHaveLength(1);
    const replacement = live[0]?.VpcEndpointId ?? '';
    expect((await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).find((c) => c.endpointId === replacement)?.state).toBe('available');

    // Converged: a second run has nothing left to do.
    const again = await reconcile({ dryRun: true, accountIds: [member.accountId] });
    expect(again.actions).toEqual([]);
  });

  it('completes an onboarding that failed for a missing spoke role once the role exists', async () => {
    // Prepare: a member whose baseline StackSet has not deployed the spoke role yet.
    const member = await onboardedMember(fx, 'no-role');
    await setSpokeRole(fx, member.accountId, false);
    const vpc = await createVpc(member.ec2, { name: 'no-role', azIds: SUPPORTED_AZ_IDS });

    // Act
    await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    await fx.until('the tag event is dead-lettered', () => fx.cp.bus.deadLetters('vpc-onboarding').some((letter) => letter.body.includes(vpc.vpcId)));

    // Assess: every attempt is an audited error naming the role; the event ends in the dead-letter list.
    const roleArn = `arn:aws:iam::${member.accountId}:role/EgressProxySpokeRole`;
    const errors = fx.logs.audits({ accountId: member.accountId, vpcId: vpc.vpcId, action: 'vpc.converge', decision: 'error' });
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error.reason).toContain(`SpokeRoleError: cannot assume ${roleArn}`);
    const [letter] = fx.cp.bus.deadLetters('vpc-onboarding').filter((dead) => dead.body.includes(vpc.vpcId));
    expect(letter?.receiveCount).toBe(3);
    expect(await liveEndpointsOf(member.ec2, vpc.vpcId)).toEqual([]);

    // Act: the StackSet catches up; the next reconcile finishes the job.
    await setSpokeRole(fx, member.accountId, true);
    const plan = await reconcile({ accountIds: [member.accountId] });
    await fx.until('the endpoint is available', async () => (await liveEndpointsOf(member.ec2, vpc.vpcId)).some((e) => String(e.State) === 'available'));

    // Assess
    expect(plan.errors).toEqual([]);
    expect(plan.actions.map((action) => action.action)).toEqual(expect.arrayContaining(['vpc.create-security-group', 'vpc.create-endpoint']));
    expect(await liveEndpointsOf(member.ec2, vpc.vpcId)).toHaveLength(1);
  });
});
