/**
 * The discovery share reaches members only if RAM sharing with the organization is enabled: without it RAM treats
 * the principals as outside the organization (invitations, or refusals for a share that allows no external
 * principals), and nothing in the spoke accounts accepts an invitation. A reconcile tells the operator.
 */
import { ListAWSServiceAccessForOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { checkShareReachesMembers } from '../../../functions/converge/share-reach';
import type { ReconcilePlan } from '../../../functions/converge/reconcile-plan';
import { logger } from '../../../functions/shared/logger';
import { awsError, testRuntime } from './harness';

const orgMock = mockClient(OrganizationsClient);
const SHARE_ARN = 'arn:aws:ram:eu-west-2:222222222222:resource-share/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';

const emptyPlan = (dryRun = false): ReconcilePlan => ({ correlationId: 'run-1', dryRun, accounts: { total: 0, inScope: 0 }, actions: [], errors: [] });

function auditWarnings(): { action: string; reason: string; decision: string }[] {
  return jest
    .mocked(logger.warn)
    .mock.calls.map(([, payload]) => (payload as { audit?: { action: string; reason: string; decision: string } } | undefined)?.audit)
    .filter((record): record is { action: string; reason: string; decision: string } => record !== undefined);
}

beforeEach(() => {
  orgMock.reset();
  jest.spyOn(logger, 'warn');
});
afterEach(() => jest.restoreAllMocks());

describe('checkShareReachesMembers', () => {
  it('says nothing when RAM has trusted access in the organization (a later page of principals counts too)', async () => {
    orgMock
      .on(ListAWSServiceAccessForOrganizationCommand)
      .resolvesOnce({ EnabledServicePrincipals: [{ ServicePrincipal: 'config.amazonaws.com' }], NextToken: 'more' })
      .resolvesOnce({ EnabledServicePrincipals: [{ ServicePrincipal: 'ram.amazonaws.com' }] });
    const plan = emptyPlan();

    await checkShareReachesMembers(testRuntime({ RAM_SHARE_ARN: SHARE_ARN }), plan);

    expect(plan.warnings).toBeUndefined();
    expect(auditWarnings()).toEqual([]);
    expect(orgMock.commandCalls(ListAWSServiceAccessForOrganizationCommand)[1]?.args[0].input).toMatchObject({ NextToken: 'more' });
  });

  it('warns in the plan and the audit trail when sharing with the organization is not enabled, with the fix', async () => {
    orgMock.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [{ ServicePrincipal: 'config.amazonaws.com' }] });
    const plan = emptyPlan(true);

    await checkShareReachesMembers(testRuntime({ RAM_SHARE_ARN: SHARE_ARN }), plan);

    expect(plan.warnings).toEqual([{ step: 'resource share', reason: expect.stringContaining('aws ram enable-sharing-with-aws-organization') as string }]);
    expect(plan.errors).toEqual([]);
    expect(auditWarnings()).toEqual([
      expect.objectContaining({ action: 'resource-share.organization-sharing', decision: 'warning', reason: plan.warnings?.[0]?.reason }),
    ]);
  });

  it('warns, naming the permission, when the Organizations read role may not ask', async () => {
    orgMock.on(ListAWSServiceAccessForOrganizationCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const plan = emptyPlan();

    await checkShareReachesMembers(testRuntime({ RAM_SHARE_ARN: SHARE_ARN }), plan);

    expect(plan.warnings?.[0]?.reason).toContain('organizations:ListAWSServiceAccessForOrganization');
    expect(plan.errors).toEqual([]);
  });

  it('lets any other failure through, to be recorded as the step\'s error', async () => {
    orgMock.on(ListAWSServiceAccessForOrganizationCommand).rejects(awsError('ServiceException', 'try again'));

    await expect(checkShareReachesMembers(testRuntime({ RAM_SHARE_ARN: SHARE_ARN }), emptyPlan())).rejects.toThrow('try again');
  });

  it('asks nothing when there is no share to reach anyone', async () => {
    const plan = emptyPlan();

    await checkShareReachesMembers(testRuntime(), plan);

    expect(orgMock.commandCalls(ListAWSServiceAccessForOrganizationCommand)).toEqual([]);
    expect(plan.warnings).toBeUndefined();
  });
});
