/**
 * A hub-side change that failed must not be reported as applied: the reconcile's plan (what `egress reconcile --json`
 * prints) and the audit trail list a principal or share change only once the call that makes it succeeded.
 */
import {
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifyVpcEndpointServicePermissionsCommand,
} from '@aws-sdk/client-ec2';
import {
  ListAWSServiceAccessForOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssociateResourceShareCommand, GetResourceShareAssociationsCommand, RAMClient } from '@aws-sdk/client-ram';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { reconcileOrganization } from '../../../functions/converge/organization';
import { logger } from '../../../functions/shared/logger';
import { awsError, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const ramMock = mockClient(RAMClient);
const stsMock = mockClient(STSClient);
const SHARE_ARN = 'arn:aws:ram:eu-west-2:222222222222:resource-share/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const MEMBERS = ['333333333333', '444444444444', '555555555555'];

beforeEach(() => {
  for (const mock of [ec2Mock, orgMock, ramMock, stsMock]) mock.reset();
  orgMock
    .on(ListRootsCommand)
    .resolves({ Roots: [{ Id: 'r-ab12' }] })
    .on(ListAccountsForParentCommand)
    .resolves({ Accounts: MEMBERS.map((Id) => ({ Id, State: 'ACTIVE' })) })
    .on(ListOrganizationalUnitsForParentCommand)
    .resolves({ OrganizationalUnits: [] })
    .on(ListAWSServiceAccessForOrganizationCommand)
    .resolves({ EnabledServicePrincipals: [{ ServicePrincipal: 'ram.amazonaws.com' }] });
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
  ec2Mock
    .on(DescribeVpcEndpointServicePermissionsCommand)
    .resolves({ AllowedPrincipals: [] })
    .on(ModifyVpcEndpointServicePermissionsCommand)
    .resolves({ ReturnValue: true })
    .on(DescribeVpcEndpointConnectionsCommand)
    .resolves({ VpcEndpointConnections: [] })
    .on(DescribeVpcsCommand)
    .resolves({ Vpcs: [] });
  ramMock.on(GetResourceShareAssociationsCommand).resolves({ resourceShareAssociations: [] });
});

function audited(action: string): unknown[] {
  return jest.mocked(logger.info).mock.calls.filter(([, payload]) => (payload as { audit?: { action: string } })?.audit?.action === action);
}

describe('hub-side steps of a reconcile', () => {
  beforeEach(() => jest.spyOn(logger, 'info'));
  afterEach(() => jest.restoreAllMocks());

  it('reports the share changes only when AssociateResourceShare succeeded', async () => {
    // Prepare
    ramMock.on(AssociateResourceShareCommand).rejects(awsError('OperationNotPermittedException', 'sharing with the organization is not enabled'));

    // Act
    const plan = await reconcileOrganization(testRuntime({ RAM_SHARE_ARN: SHARE_ARN }), { dryRun: false, correlationId: 'run-1' });

    // Assess
    expect(plan.actions.filter((a) => a.action.startsWith('resource-share.'))).toEqual([]);
    expect(audited('resource-share.principal')).toEqual([]);
    expect(plan.errors).toEqual([{ scope: { accountId: 'organization' }, error: expect.stringContaining('OperationNotPermittedException') as string }]);
  });

  it('reports the principal changes only when ModifyVpcEndpointServicePermissions succeeded', async () => {
    // Prepare
    ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).rejects(awsError('InternalError', 'try again'));

    // Act
    const plan = await reconcileOrganization(testRuntime(), { dryRun: false, correlationId: 'run-2' });

    // Assess
    expect(plan.actions.filter((a) => a.action.startsWith('endpoint-service.'))).toEqual([]);
    expect(audited('endpoint-service.allowed-principal')).toEqual([]);
    expect(plan.errors[0]?.error).toContain('InternalError');
  });

  it('still lists the planned changes in a dry run, which makes no call', async () => {
    const plan = await reconcileOrganization(testRuntime({ RAM_SHARE_ARN: SHARE_ARN }), { dryRun: true, correlationId: 'run-3' });
    expect(plan.actions.filter((a) => a.action === 'resource-share.associate')).toHaveLength(3);
    expect(plan.actions.filter((a) => a.action === 'endpoint-service.allow-principal')).toHaveLength(3);
    expect(ramMock).not.toHaveReceivedCommand(AssociateResourceShareCommand);
  });
});
