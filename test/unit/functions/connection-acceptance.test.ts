import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RejectVpcEndpointConnectionsCommand,
  type State,
} from '@aws-sdk/client-ec2';
import { DescribeAccountCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { sample } from '../../../events/samples';
import { DEFER_SECONDS } from '../../../functions/core/deferral';
import { connectionAcceptanceHandler } from '../../../functions/handlers/connection-acceptance';
import { wallClock } from '../../../functions/shared/wall-clock';
import { awsError, HUB_SERVICE_ID, lambdaContext, sqsEvent, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const stsMock = mockClient(STSClient);
const sqsMock = mockClient(SQSClient);

const SPOKE = '333333333333';
const STRANGER = '999999999999';
const TAGGED_ENDPOINT = 'vpce-0123456789abcdef0'; // named by both samples
const UNTAGGED_ENDPOINT = 'vpce-0aaaaaaaaaaaaaaa1';
const FOREIGN_ENDPOINT = 'vpce-0bbbbbbbbbbbbbbb2';
const pending = 'pendingAcceptance' as State;

beforeEach(() => {
  ec2Mock.reset();
  orgMock.reset();
  stsMock.reset();
  sqsMock.reset();
  orgMock
    .on(DescribeAccountCommand, { AccountId: SPOKE })
    .resolves({ Account: { Id: SPOKE, State: 'ACTIVE' } })
    .on(DescribeAccountCommand, { AccountId: STRANGER })
    .rejects(awsError('AccountNotFoundException'))
    .on(ListParentsCommand)
    .resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
  ec2Mock
    .on(DescribeVpcEndpointConnectionsCommand)
    .resolves({
      VpcEndpointConnections: [
        { VpcEndpointId: TAGGED_ENDPOINT, VpcEndpointOwner: SPOKE, VpcEndpointState: pending },
        { VpcEndpointId: UNTAGGED_ENDPOINT, VpcEndpointOwner: SPOKE, VpcEndpointState: pending },
        { VpcEndpointId: FOREIGN_ENDPOINT, VpcEndpointOwner: STRANGER, VpcEndpointState: pending },
      ],
    })
    .on(DescribeVpcEndpointsCommand)
    .resolves({
      VpcEndpoints: [
        { VpcEndpointId: TAGGED_ENDPOINT, VpcId: 'vpc-0000000000000000a' },
        { VpcEndpointId: UNTAGGED_ENDPOINT, VpcId: 'vpc-0000000000000000b' },
      ],
    })
    .on(DescribeVpcsCommand)
    .resolves({
      Vpcs: [
        { VpcId: 'vpc-0000000000000000a', Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] },
        { VpcId: 'vpc-0000000000000000b', Tags: [{ Key: 'Name', Value: 'hand-made' }] },
      ],
    })
    .on(AcceptVpcEndpointConnectionsCommand)
    .resolves({ Unsuccessful: [] })
    .on(RejectVpcEndpointConnectionsCommand)
    .resolves({ Unsuccessful: [] });
});

describe('connection acceptance handler', () => {
  it('decides every pending connection and makes one Accept and one Reject call for the batch', async () => {
    // Prepare
    const handler = connectionAcceptanceHandler(testRuntime());
    const event = sqsEvent([sample('control-plane/endpoint-created'), sample('sns/connection-notification')]);

    // Act
    const response = await handler(event, lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointConnectionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointConnectionsCommand, {
      Filters: [
        { Name: 'service-id', Values: [HUB_SERVICE_ID] },
        { Name: 'vpc-endpoint-state', Values: ['pendingAcceptance'] },
      ],
      MaxResults: 1000,
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [{ Name: 'vpc-endpoint-id', Values: [TAGGED_ENDPOINT, UNTAGGED_ENDPOINT] }],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(AcceptVpcEndpointConnectionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { ServiceId: HUB_SERVICE_ID, VpcEndpointIds: [TAGGED_ENDPOINT] });
    expect(ec2Mock).toHaveReceivedCommandTimes(RejectVpcEndpointConnectionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, {
      ServiceId: HUB_SERVICE_ID,
      VpcEndpointIds: [UNTAGGED_ENDPOINT, FOREIGN_ENDPOINT].sort(),
    });
    // The stranger's VPC is never read: its account is not ours to look into.
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('fails the records naming an endpoint EC2 reported as Unsuccessful, and a malformed record', async () => {
    ec2Mock.on(AcceptVpcEndpointConnectionsCommand).resolves({
      Unsuccessful: [{ ResourceId: TAGGED_ENDPOINT, Error: { Code: 'InvalidVpcEndpointId.NotFound', Message: 'gone' } }],
    });
    const handler = connectionAcceptanceHandler(testRuntime());
    const handOffForRejected = sample('control-plane/endpoint-created') as { detail: { vpcEndpointId: string } };
    handOffForRejected.detail.vpcEndpointId = UNTAGGED_ENDPOINT;
    const event = sqsEvent([
      sample('control-plane/endpoint-created'),
      sample('sns/malformed-notification-no-topic'),
      sample('sns/connection-notification'),
      handOffForRejected,
    ]);

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });

  it('leaves connections pending when the owner cannot be read, and fails the triggers', async () => {
    stsMock.on(AssumeRoleCommand).rejects(awsError('AccessDenied'));
    const handler = connectionAcceptanceHandler(testRuntime());

    await expect(handler(sqsEvent([sample('control-plane/endpoint-created')]), lambdaContext)).rejects.toThrow('All records failed');

    expect(ec2Mock).not.toHaveReceivedCommand(AcceptVpcEndpointConnectionsCommand);
    // The stranger's connection is still rejected: that decision needs no spoke read.
    expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, { VpcEndpointIds: [FOREIGN_ENDPOINT] });
  });

  describe('a hand-off carrying what the creating step read', () => {
    const handOff = (account: string, vpcEndpointId = TAGGED_ENDPOINT) => {
      const event = sample('control-plane/endpoint-created') as { account: string; id: string; detail: Record<string, unknown> };
      return {
        ...event,
        id: `${event.id.slice(0, -4)}${vpcEndpointId.slice(-4)}`,
        account,
        detail: { ...event.detail, vpcEndpointId, decided: { ownerInScope: true, vpcTagged: true, ownerAncestorIds: ['r-ab12'] } },
      };
    };
    const filteredConnections = () =>
      ec2Mock.on(DescribeVpcEndpointConnectionsCommand).callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
        const named = input.Filters?.find((f) => f.Name === 'vpc-endpoint-id')?.Values;
        const all = [
          { VpcEndpointId: TAGGED_ENDPOINT, VpcEndpointOwner: SPOKE, VpcEndpointState: pending },
          { VpcEndpointId: UNTAGGED_ENDPOINT, VpcEndpointOwner: SPOKE, VpcEndpointState: pending },
          { VpcEndpointId: FOREIGN_ENDPOINT, VpcEndpointOwner: STRANGER, VpcEndpointState: pending },
        ];
        return { VpcEndpointConnections: named === undefined ? all : all.filter((c) => named.includes(c.VpcEndpointId)) };
      });

    it("from the control plane's own account is trusted: only the named connection, no Organizations or spoke read", async () => {
      // Prepare: the function runs in 222222222222 (its ARN); EventBridge stamped that account on the hand-off.
      filteredConnections();
      const handler = connectionAcceptanceHandler(testRuntime());

      // Act
      const response = await handler(sqsEvent([handOff('222222222222')]), lambdaContext);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointConnectionsCommand, {
        Filters: expect.arrayContaining([{ Name: 'vpc-endpoint-id', Values: [TAGGED_ENDPOINT] }]) as unknown,
      });
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
      expect(ec2Mock).not.toHaveReceivedCommand(RejectVpcEndpointConnectionsCommand);
      expect(orgMock.calls()).toHaveLength(0);
      expect(stsMock.calls()).toHaveLength(0);
      expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcsCommand);
    });

    it('from a member account is not trusted: membership and VPC tags are re-read, every pending connection decided', async () => {
      // Prepare: a forged hand-off claims the untagged VPC's endpoint is in scope and tagged.
      filteredConnections();
      const handler = connectionAcceptanceHandler(testRuntime());

      // Act
      const response = await handler(sqsEvent([handOff(SPOKE, UNTAGGED_ENDPOINT)]), lambdaContext);

      // Assess: the claim changed nothing; the truth was read and the untagged VPC's endpoint rejected.
      expect(response.batchItemFailures).toEqual([]);
      expect(orgMock).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: SPOKE });
      expect(ec2Mock).toHaveReceivedCommand(DescribeVpcsCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
      expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, { VpcEndpointIds: expect.arrayContaining([UNTAGGED_ENDPOINT, FOREIGN_ENDPOINT]) as unknown });
    });

    it("with the service's notification about the same endpoint, still decides only that connection, on trust", async () => {
      filteredConnections();
      const handler = connectionAcceptanceHandler(testRuntime());

      // The sample notification names TAGGED_ENDPOINT, as the hand-off does.
      const response = await handler(sqsEvent([handOff('222222222222'), sample('sns/connection-notification')]), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
      expect(ec2Mock).not.toHaveReceivedCommand(RejectVpcEndpointConnectionsCommand);
      expect(orgMock.calls()).toHaveLength(0);
      expect(stsMock.calls()).toHaveLength(0);
    });

    it('a notification alone asks about the endpoint it names, re-read since nothing vouches for it', async () => {
      filteredConnections();
      const handler = connectionAcceptanceHandler(testRuntime());

      const response = await handler(sqsEvent([sample('sns/connection-notification')]), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(orgMock).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: SPOKE });
      expect(orgMock).not.toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: STRANGER });
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
      expect(ec2Mock).not.toHaveReceivedCommand(RejectVpcEndpointConnectionsCommand);
    });

    it('next to a notification naming no endpoint, the pass sweeps everything but still takes the carried owner on trust', async () => {
      filteredConnections();
      const handler = connectionAcceptanceHandler(testRuntime());
      const bare = sample('sns/connection-notification') as { Message: string };
      const { endpointId: _named, ...message } = JSON.parse(bare.Message) as Record<string, string>;

      const response = await handler(sqsEvent([handOff('222222222222'), { ...bare, Message: JSON.stringify(message) }]), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      // The owner's scope came with the hand-off; the stranger's was read.
      expect(orgMock).not.toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: SPOKE });
      expect(orgMock).toHaveReceivedCommandWith(DescribeAccountCommand, { AccountId: STRANGER });
      // The untagged endpoint was not named, so the owner's VPCs were read for it.
      expect(ec2Mock).toHaveReceivedCommand(DescribeVpcsCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, { VpcEndpointIds: expect.arrayContaining([UNTAGGED_ENDPOINT, FOREIGN_ENDPOINT]) as unknown });
    });
  });

  describe('a Connect notification queued soon after its connection was created, without its hand-off', () => {
    const QUEUE_URL = 'https://sqs.eu-west-2.amazonaws.com/222222222222/EgressProxy-connection-acceptance';
    const CREATED = Date.parse('2026-11-30T12:00:00Z');
    const copyMark = { DeferredFrom: { stringValue: 'original-1', stringListValues: [], binaryListValues: [], dataType: 'String' } };
    /** Records as SQS delivers them: each stamped `queuedAfterSeconds` after the creation; a returned copy is marked. */
    const batch = (records: readonly { body: unknown; queuedAfterSeconds?: number | string; copy?: boolean }[]) => {
      const event = sqsEvent(records.map((r) => r.body));
      event.Records.forEach((record, i) => {
        const { queuedAfterSeconds = 4, copy = false } = records[i] ?? {};
        record.attributes.SentTimestamp = typeof queuedAfterSeconds === 'string' ? queuedAfterSeconds : String(CREATED + queuedAfterSeconds * 1000);
        if (copy) record.messageAttributes = copyMark;
      });
      return event;
    };
    const notification = (queuedAfterSeconds: number | string = 4, copy = false) => batch([{ body: sample('sns/connection-notification'), queuedAfterSeconds, copy }]);

    beforeEach(() => {
      ec2Mock.on(DescribeVpcEndpointConnectionsCommand).resolves({
        VpcEndpointConnections: [{ VpcEndpointId: TAGGED_ENDPOINT, VpcEndpointOwner: SPOKE, VpcEndpointState: pending, CreationTimestamp: new Date(CREATED) }],
      });
      sqsMock.on(SendMessageCommand).resolves({ MessageId: 'copy-1', MD5OfMessageBody: 'unchecked by the mock' });
    });

    it('goes back to its queue as a marked copy for the rest of DEFER_SECONDS, and reads nothing else', async () => {
      const event = notification(4);

      const response = await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(event, lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, {
        QueueUrl: QUEUE_URL,
        MessageBody: event.Records[0]?.body,
        DelaySeconds: DEFER_SECONDS - 4,
        MessageAttributes: { DeferredFrom: { DataType: 'String', StringValue: event.Records[0]?.messageId } },
      });
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointConnectionsCommand, 1);
      expect(orgMock).not.toHaveReceivedCommand(DescribeAccountCommand);
      expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
      expect(ec2Mock).not.toHaveReceivedCommand(AcceptVpcEndpointConnectionsCommand);
    });

    it('fails the record when SQS does not take the copy, so the notification is delivered again', async () => {
      sqsMock.on(SendMessageCommand).rejects(awsError('InternalError'));

      const handler = connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }));

      await expect(handler(notification(), lambdaContext)).rejects.toThrow('All records failed');
      expect(orgMock).not.toHaveReceivedCommand(DescribeAccountCommand);
    });

    it('is timed by its queue stamp alone: a connection long created when the batch runs is deferred all the same', async () => {
      // The handler's clock says the connection is 400 s old; the notification entered the queue 1 s after its creation.
      jest.spyOn(wallClock, 'now').mockReturnValue(CREATED + 400_000);

      await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(notification(1), lambdaContext);

      jest.restoreAllMocks();
      expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: DEFER_SECONDS - 1 });
      expect(orgMock).not.toHaveReceivedCommand(DescribeAccountCommand);
    });

    it('is timed by the earliest of duplicate notifications in the batch', async () => {
      const body = sample('sns/connection-notification');

      await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(batch([{ body, queuedAfterSeconds: 40 }, { body, queuedAfterSeconds: 4 }]), lambdaContext);

      expect(sqsMock).toHaveReceivedCommandTimes(SendMessageCommand, 1);
      expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { DelaySeconds: DEFER_SECONDS - 4 });
    });

    it.each([['empty', ''], ['zero', '0'], ['not a number', 'soon']])('is decided at once when its SentTimestamp is unusable (%s)', async (_label, stamp) => {
      const response = await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(notification(stamp), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
    });

    it('is decided at once when a returned copy names the endpoint too, whatever a duplicate original says', async () => {
      const body = sample('sns/connection-notification');

      const response = await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(batch([{ body }, { body, copy: true }]), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
      expect(ec2Mock).toHaveReceivedCommandTimes(AcceptVpcEndpointConnectionsCommand, 1);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
    });

    it('is decided at once when it is the copy coming back, never deferred twice', async () => {
      const response = await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(notification(4, true), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
      expect(orgMock).toHaveReceivedCommand(DescribeAccountCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
    });

    it('is decided at once when it was queued DEFER_SECONDS after the creation (its hand-off would be ahead of it)', async () => {
      const response = await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(notification(DEFER_SECONDS), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
    });

    it('is decided at once when a trusted hand-off in the batch carries the endpoint', async () => {
      const event = sample('control-plane/endpoint-created') as { detail: Record<string, unknown> };
      // From the function's own account (lambdaContext's ARN), with what the creating step read.
      const handOff = { ...event, account: '222222222222', detail: { ...event.detail, decided: { ownerInScope: true, vpcTagged: true } } };

      const response = await connectionAcceptanceHandler(testRuntime({ ACCEPTANCE_QUEUE_URL: QUEUE_URL }))(batch([{ body: sample('sns/connection-notification') }, { body: handOff }]), lambdaContext);

      expect(response.batchItemFailures).toEqual([]);
      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
    });

    it('is decided at once without ACCEPTANCE_QUEUE_URL', async () => {
      await connectionAcceptanceHandler(testRuntime())(notification(), lambdaContext);

      expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
      expect(ec2Mock).toHaveReceivedCommandWith(AcceptVpcEndpointConnectionsCommand, { VpcEndpointIds: [TAGGED_ENDPOINT] });
    });
  });
});
