import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeAccountCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { sample } from '../../../events/samples';
import { accountReconcilerHandler } from '../../../functions/handlers/account-reconciler';
import { awsError, lambdaContext, sqsEvent, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const stsMock = mockClient(STSClient);
const eventsMock = mockClient(EventBridgeClient);

const FIRST = '333333333333';
const SECOND = '444444444444';
/** The harness's function runs in the hub account, which publishes the sample's work items. */
const inHubAccount = lambdaContext;
const roleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/EgressProxySpokeRole`;

/** A work item of the run in the sample, for `accountId`. */
function workItem(accountId: string, id: string): unknown {
  const event = sample('fan-out/account-reconcile-requested') as { id: string; detail: { accountId: string } };
  event.id = id;
  event.detail.accountId = accountId;
  return event;
}

beforeEach(() => {
  ec2Mock.reset();
  orgMock.reset();
  stsMock.reset();
  eventsMock.reset();
  orgMock
    .on(DescribeAccountCommand)
    .resolves({ Account: { State: 'ACTIVE' } })
    .on(ListParentsCommand)
    .resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
  // Accounts without VPCs: the pass is the role, the membership and the VPC listing.
  ec2Mock.onAnyCommand().resolves({}).on(DescribeVpcsCommand).resolves({ Vpcs: [] });
});

describe('account reconciler handler', () => {
  it('assumes the spoke role in the partition it runs in', async () => {
    // Prepare
    const handler = accountReconcilerHandler(testRuntime({ PARTITION: 'aws-us-gov' }));
    // Act
    await handler(sqsEvent([workItem(FIRST, 'a')]), lambdaContext);
    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([
      `arn:aws-us-gov:iam::${FIRST}:role/EgressProxySpokeRole`,
    ]);
  });

  it('converges each account of the batch once, however many work items name it', async () => {
    // Prepare: the first account twice (a continuation or a retried run published it again).
    const handler = accountReconcilerHandler(testRuntime());
    const event = sqsEvent([workItem(FIRST, 'a'), workItem(SECOND, 'b'), workItem(FIRST, 'c')]);

    // Act
    const response = await handler(event, lambdaContext);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn).sort()).toEqual([roleArn(FIRST), roleArn(SECOND)]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcsCommand, 2);
    // Nothing awaits acceptance, so nothing is handed off.
    expect(eventsMock).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it("fails every work item of an account whose pass failed, and only those", async () => {
    stsMock.on(AssumeRoleCommand, { RoleArn: roleArn(SECOND) }).rejects(awsError('AccessDenied', 'not authorized'));
    const handler = accountReconcilerHandler(testRuntime());
    const event = sqsEvent([workItem(SECOND, 'a'), workItem(FIRST, 'b'), workItem(SECOND, 'c')]);

    const response = await handler(event, lambdaContext);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm2' }] });
  });

  it("takes the run's scope decision from the control plane's own work items, without reading Organizations", async () => {
    const handler = accountReconcilerHandler(testRuntime());

    const response = await handler(sqsEvent([workItem(FIRST, 'a'), workItem(SECOND, 'b')]), inHubAccount);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(orgMock).not.toHaveReceivedCommand(DescribeAccountCommand);
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('re-reads membership for a work item another account put on the bus, and skips an account out of scope', async () => {
    orgMock.on(DescribeAccountCommand, { AccountId: SECOND }).rejects(awsError('AccountNotFoundException'));
    const handler = accountReconcilerHandler(testRuntime());
    const spoofed = { ...(workItem(SECOND, 'a') as object), account: FIRST };

    const response = await handler(sqsEvent([spoofed, workItem(FIRST, 'b')]), inHubAccount);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(orgMock.commandCalls(DescribeAccountCommand).map((call) => call.args[0].input.AccountId)).toEqual([SECOND]);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn)).toEqual([roleArn(FIRST)]);
  });

  it('fails a malformed work item alone', async () => {
    const handler = accountReconcilerHandler(testRuntime());
    const event = sqsEvent([sample('fan-out/malformed-account-reconcile-requested-bad-account'), workItem(FIRST, 'b')]);

    const response = await handler(event, lambdaContext);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });
});
