import {
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  EC2Client,
  ModifyVpcEndpointServicePermissionsCommand,
  RejectVpcEndpointConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeAccountCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssociateResourceShareCommand, DisassociateResourceShareCommand, GetResourceShareAssociationsCommand, RAMClient } from '@aws-sdk/client-ram';
import { mockClient } from 'aws-sdk-client-mock';
import { sample } from '../../../events/samples';
import { accountOnboardingHandler } from '../../../functions/handlers/account-onboarding';
import { awsError, HUB_SERVICE_ID, lambdaContext, sqsEvent, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const ramMock = mockClient(RAMClient);

const JOINED = '444444444444'; // account-joined-organization and create-account-result-succeeded
const REMOVED = '333333333333'; // remove-account-from-organization
const SHARE = 'arn:aws:ram:eu-west-2:222222222222:resource-share/abc';

beforeEach(() => {
  ec2Mock.reset();
  orgMock.reset();
  ramMock.reset();
  orgMock
    .on(DescribeAccountCommand, { AccountId: JOINED })
    .resolves({ Account: { Id: JOINED, State: 'ACTIVE' } })
    .on(DescribeAccountCommand, { AccountId: REMOVED })
    .rejects(awsError('AccountNotFoundException'))
    .on(ListParentsCommand)
    .resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
  ec2Mock
    .on(DescribeVpcEndpointServicePermissionsCommand)
    .resolves({ AllowedPrincipals: [{ Principal: `arn:aws:iam::${REMOVED}:root` }] })
    .on(ModifyVpcEndpointServicePermissionsCommand)
    .resolves({ ReturnValue: true })
    .on(DescribeVpcEndpointConnectionsCommand)
    .resolves({ VpcEndpointConnections: [{ VpcEndpointId: 'vpce-0b1', VpcEndpointOwner: REMOVED }] })
    .on(RejectVpcEndpointConnectionsCommand)
    .resolves({ Unsuccessful: [] });
  ramMock.on(GetResourceShareAssociationsCommand).resolves({
    resourceShareAssociations: [{ associatedEntity: REMOVED, status: 'ASSOCIATED' }],
  });
});

describe('account onboarding handler', () => {
  it('converges a batch with one permission change, one share change and one reject call', async () => {
    // Prepare
    const handler = accountOnboardingHandler(testRuntime({ RAM_SHARE_ARN: SHARE }));
    const event = sqsEvent([
      sample('organizations/account-joined-organization'),
      sample('organizations/create-account-result-succeeded'),
      sample('organizations/remove-account-from-organization'),
    ]);

    // Act
    const response = await handler(event, lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyVpcEndpointServicePermissionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyVpcEndpointServicePermissionsCommand, {
      ServiceId: HUB_SERVICE_ID,
      AddAllowedPrincipals: [`arn:aws:iam::${JOINED}:root`],
      RemoveAllowedPrincipals: [`arn:aws:iam::${REMOVED}:root`],
    });
    expect(orgMock).toHaveReceivedCommandTimes(DescribeAccountCommand, 2);
    expect(ramMock).toHaveReceivedCommandWith(AssociateResourceShareCommand, { resourceShareArn: SHARE, principals: [JOINED] });
    expect(ramMock).toHaveReceivedCommandWith(DisassociateResourceShareCommand, { resourceShareArn: SHARE, principals: [REMOVED] });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointConnectionsCommand, {
      Filters: [
        { Name: 'service-id', Values: [HUB_SERVICE_ID] },
        { Name: 'vpc-endpoint-state', Values: ['pendingAcceptance', 'pending', 'available'] },
        { Name: 'vpc-endpoint-owner', Values: [REMOVED] },
      ],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(RejectVpcEndpointConnectionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, { ServiceId: HUB_SERVICE_ID, VpcEndpointIds: ['vpce-0b1'] });
  });

  it('fails a malformed record alone and converges the rest', async () => {
    const handler = accountOnboardingHandler(testRuntime());
    const event = sqsEvent([sample('organizations/malformed-remove-account-bad-account-id'), 'not json', sample('organizations/account-joined-organization')]);

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }]);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyVpcEndpointServicePermissionsCommand, { AddAllowedPrincipals: [`arn:aws:iam::${JOINED}:root`] });
  });

  it('fails every record behind a batched permission change that failed, and ignores events that ask for nothing', async () => {
    ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).rejects(awsError('RequestLimitExceeded'));
    const handler = accountOnboardingHandler(testRuntime());
    const event = sqsEvent([
      sample('organizations/account-joined-organization'),
      sample('organizations/create-account-result-failed'),
      sample('organizations/remove-account-from-organization'),
    ]);

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm2' }]);
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyVpcEndpointServicePermissionsCommand, 1);
    // Nothing is rejected on behalf of an account whose principal change failed: the retry does it all again.
    expect(ec2Mock).not.toHaveReceivedCommand(RejectVpcEndpointConnectionsCommand);
  });

  it('makes no hub call when every account is already converged', async () => {
    ec2Mock.on(DescribeVpcEndpointServicePermissionsCommand).resolves({ AllowedPrincipals: [{ Principal: `arn:aws:iam::${JOINED}:root` }] });
    const handler = accountOnboardingHandler(testRuntime());

    const response = await handler(sqsEvent([sample('organizations/account-joined-organization')]), lambdaContext);

    expect(response.batchItemFailures).toEqual([]);
    expect(ec2Mock).not.toHaveReceivedCommand(ModifyVpcEndpointServicePermissionsCommand);
  });

  it('fails only the records of an account whose rejection was unsuccessful', async () => {
    ec2Mock.on(RejectVpcEndpointConnectionsCommand).resolves({
      Unsuccessful: [{ ResourceId: 'vpce-0b1', Error: { Code: 'InvalidState', Message: 'busy' } }],
    });
    const handler = accountOnboardingHandler(testRuntime());
    const event = sqsEvent([sample('organizations/account-joined-organization'), sample('organizations/remove-account-from-organization')]);

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });

  it('fails the records of an account Organizations could not be read for', async () => {
    orgMock.on(DescribeAccountCommand, { AccountId: REMOVED }).rejects(awsError('TooManyRequestsException'));
    const handler = accountOnboardingHandler(testRuntime());
    const event = sqsEvent([sample('organizations/account-joined-organization'), sample('organizations/remove-account-from-organization')]);

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyVpcEndpointServicePermissionsCommand, { AddAllowedPrincipals: [`arn:aws:iam::${JOINED}:root`] });
  });
});
