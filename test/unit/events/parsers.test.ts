/**
 * The parsers' decisions one by one: which input is read as which scope, which is ignored and why, and which is
 * rejected with which message (the message is the dead-letter reason an operator reads).
 */
import type { z } from 'zod';
import { CONTROL_PLANE_SOURCE, RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE } from '../../../events/patterns';
import {
  accountIdSchema,
  accountReconcileRequestedEntry,
  endpointCreatedEntry,
  formatZodError,
  isSnsNotification,
  MalformedEventError,
  parseAccountOnboardingMessage,
  parseAccountReconcileMessage,
  parseAccountReconcileRequestedEvent,
  parseConnectionAcceptanceMessage,
  parseConnectionNotification,
  parseEndpointCreatedEvent,
  parseOrganizationsEvent,
  parseReconcileContinuationEvent,
  parseReconcilerInput,
  parseTagChangeEvent,
  reconcileContinuationEntry,
  regionSchema,
  serviceIdSchema,
  vpcEndpointIdSchema,
  vpcIdSchema,
} from '../../../events/schemas';
import { endpointMappingChangedEntry, parseEndpointMappingChangedEvent } from '../../../events/schemas/endpoint-mapping-changed';
import { sample, type SampleName } from '../../../events/samples';

type Json = Record<string, unknown>;

function event(name: SampleName): Json & { detail: Json } {
  return sample(name) as Json & { detail: Json };
}

/** The message of the MalformedEventError that `parse` throws. */
function rejection(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    if (error instanceof MalformedEventError) return error.message;
    throw error;
  }
  throw new Error('expected a MalformedEventError, but the input was accepted');
}

describe('ids and regions: each schema takes exactly its form', () => {
  it.each<[string, z.ZodType, string[], string[]]>([
    ['account ids', accountIdSchema, ['123456789012'], ['x123456789012', '1234567890123', '12345678901']],
    ['regions', regionSchema, ['eu-west-2', 'us-gov-west-1', 'eu-west-10'], ['xeu-west-2', 'eu-west-2x', '1eu-west-2', 'euwest-2']],
    ['VPC ids', vpcIdSchema, ['vpc-0a1b2c3d', 'vpc-0a1b2c3d4e5f60718'], ['xvpc-0a1b2c3d', 'vpc-0a1b2c3d4e5f607189a', 'vpc-0a1b2c3']],
    ['endpoint ids', vpcEndpointIdSchema, ['vpce-0123456789abcdef0'], ['xvpce-0123456789abcdef0', 'vpce-0123456789abcdef012']],
    ['service ids', serviceIdSchema, ['vpce-svc-0fedcba9876543210'], ['xvpce-svc-0fedcba9876543210', 'vpce-svc-0fedcba9876543210abc']],
  ])('%s', (_, schema, accepted, rejected) => {
    // Act
    const results = [...accepted, ...rejected].map((value) => schema.safeParse(value).success);

    // Assess
    expect(results).toEqual([...accepted.map(() => true), ...rejected.map(() => false)]);
  });

  it.each<[z.ZodType, string, string]>([
    [accountIdSchema, '1', 'expected a 12-digit account id'],
    [regionSchema, 'Europe', 'expected an AWS region such as eu-west-2'],
    [vpcIdSchema, 'vpc-1', 'expected a VPC id such as vpc-0abc12345def67890'],
    [vpcEndpointIdSchema, 'vpce-1', 'expected a VPC endpoint id such as vpce-0abc12345def67890'],
    [serviceIdSchema, 'vpce-svc-1', 'expected an endpoint service id such as vpce-svc-0abc12345def67890'],
  ])('says what was expected instead of %j', (schema, value, message) => {
    // Act
    const { error } = schema.safeParse(value);

    // Assess
    expect(error && formatZodError(error)).toBe(`(root): ${message}`);
  });
});

describe('MalformedEventError', () => {
  it('is named for the logs and says what was malformed and why', () => {
    // Act
    const error = new MalformedEventError('tag change event', 'detail: missing');

    // Assess
    expect(error.name).toBe('MalformedEventError');
    expect(error.message).toBe('malformed tag change event: detail: missing');
  });
});

describe('Organizations events: which account', () => {
  it('prefers the invited ACCOUNT party of a handshake over the caller and the recipient', () => {
    // Prepare
    const accept = event('organizations/accept-handshake');
    (accept.detail.responseElements as { handshake: Json }).handshake.parties = [
      { id: 'o-a1b2c3d4e5', type: 'ORGANIZATION' },
      { id: '888888888888', type: 'ACCOUNT' },
    ];

    // Act
    const scope = parseOrganizationsEvent(accept);

    // Assess
    expect(scope).toMatchObject({ kind: 'account', accountId: '888888888888', trigger: 'AcceptHandshake', claimedChange: 'joined' });
  });

  it('falls back to the caller of AcceptHandshake when the handshake is null, and to the recipient without a caller', () => {
    // Prepare
    const nullHandshake = event('organizations/accept-handshake');
    nullHandshake.detail.responseElements = { handshake: null };
    const noCaller = event('organizations/accept-handshake');
    noCaller.detail.responseElements = null;
    delete noCaller.detail.userIdentity;

    // Act
    const scopes = [parseOrganizationsEvent(nullHandshake), parseOrganizationsEvent(noCaller)];

    // Assess
    expect(scopes).toMatchObject([{ accountId: '555555555555' }, { accountId: '111111111111' }]);
  });

  it('reads LeaveOrganization from its recipient when the caller is missing', () => {
    // Prepare
    const leave = event('organizations/leave-organization');
    delete leave.detail.userIdentity;
    leave.detail.recipientAccountId = '666666666666';

    // Act
    const scope = parseOrganizationsEvent(leave);

    // Assess
    expect(scope).toMatchObject({ kind: 'account', accountId: '666666666666', claimedChange: 'left' });
  });

  it('reads AccountJoinedOrganization from the request parameters', () => {
    // Prepare
    const joined = event('organizations/account-joined-organization');
    joined.detail.serviceEventDetails = { joinedMethod: 'Invited' };
    joined.detail.requestParameters = { accountId: '888888888888' };

    // Act
    const scope = parseOrganizationsEvent(joined);

    // Assess
    expect(scope).toMatchObject({ accountId: '888888888888' });
  });

  it('reads the account ARN of resources in any partition, skipping other ARNs', () => {
    // Prepare
    const joined = event('organizations/account-joined-organization');
    joined.detail.serviceEventDetails = { joinedMethod: 'Invited' };
    joined.resources = [
      'arn:aws-us-gov:organizations::111111111111:organization/o-a1b2c3d4e5',
      'arn:aws-us-gov:organizations::111111111111:account/o-a1b2c3d4e5/888888888888',
    ];

    // Act
    const scope = parseOrganizationsEvent(joined);

    // Assess
    expect(scope).toMatchObject({ accountId: '888888888888' });
  });

  it.each([
    ['with text before it', 'xarn:aws:organizations::111111111111:account/o-a1b2c3d4e5/888888888888'],
    ['with a 13-digit account', 'arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/8888888888889'],
  ])('does not read an account ARN %s', (_, arn) => {
    // Prepare
    const joined = event('organizations/account-joined-organization');
    joined.detail.serviceEventDetails = { joinedMethod: 'Invited' };
    joined.resources = [arn];

    // Act / Assess
    expect(() => parseOrganizationsEvent(joined)).toThrow('AccountJoinedOrganization carries no 12-digit account id');
  });

  it('does not read a handshake in the response of another event', () => {
    // Prepare
    const remove = event('organizations/remove-account-from-organization');
    remove.detail.responseElements = { handshake: { action: 'ENABLE_ALL_FEATURES' } };

    // Act
    const scope = parseOrganizationsEvent(remove);

    // Assess
    expect(scope).toMatchObject({ kind: 'account', accountId: '333333333333', claimedChange: 'left' });
  });

  it('ignores an account creation still in progress, and a failed one without a reason', () => {
    // Prepare
    const inProgress = event('organizations/create-account-result-succeeded');
    (inProgress.detail.serviceEventDetails as { createAccountStatus: Json }).createAccountStatus.state = 'IN_PROGRESS';
    const failed = event('organizations/create-account-result-failed');
    delete (failed.detail.serviceEventDetails as { createAccountStatus: Json }).createAccountStatus.failureReason;

    // Act
    const scopes = [parseOrganizationsEvent(inProgress), parseOrganizationsEvent(failed)];

    // Assess
    expect(scopes).toEqual([
      { kind: 'ignored', eventId: inProgress.id, reason: 'account creation IN_PROGRESS' },
      { kind: 'ignored', eventId: failed.id, reason: 'account creation FAILED' },
    ]);
  });
});

describe('Organizations events: what is rejected, and the reason', () => {
  const KIND = 'malformed Organizations event';

  it('names every place it looked for the account id', () => {
    // Prepare
    const joined = event('organizations/account-joined-organization');
    joined.detail.serviceEventDetails = { joinedMethod: 'Invited' };
    const accept = event('organizations/accept-handshake');
    accept.detail.responseElements = null;
    delete accept.detail.userIdentity;
    delete accept.detail.recipientAccountId;
    const leave = event('organizations/leave-organization');
    delete leave.detail.userIdentity;
    delete leave.detail.recipientAccountId;
    const close = event('organizations/close-account');
    close.detail.requestParameters = null;

    // Act
    const messages = [joined, accept, leave, close].map((input) => rejection(() => parseOrganizationsEvent(input)));

    // Assess
    expect(messages).toEqual([
      `${KIND}: AccountJoinedOrganization carries no 12-digit account id (looked in detail.serviceEventDetails.accountId, ` +
        'detail.serviceEventDetails.account.id, detail.serviceEventDetails.account.accountId, ' +
        'detail.serviceEventDetails.accountJoinedOrganization.accountId, detail.requestParameters.accountId, resources[] account ARN)',
      `${KIND}: AcceptHandshake carries no 12-digit account id (looked in detail.responseElements.handshake.parties[type=ACCOUNT].id, ` +
        'detail.userIdentity.accountId, detail.recipientAccountId)',
      `${KIND}: LeaveOrganization carries no 12-digit account id (looked in detail.userIdentity.accountId, detail.recipientAccountId)`,
      `${KIND}: CloseAccount carries no 12-digit account id (looked in detail.requestParameters.accountId)`,
    ]);
  });

  it.each<[string, (org: Json & { detail: Json }) => void, SampleName, string]>([
    [
      'an event from another service',
      (org) => (org.detail.eventSource = 'ec2.amazonaws.com'),
      'organizations/close-account',
      'detail.eventSource: Invalid input: expected "organizations.amazonaws.com"',
    ],
    [
      'a caller account that is not text',
      (org) => (org.detail.userIdentity = { accountId: 666666666666 }),
      'organizations/leave-organization',
      'detail.userIdentity.accountId: Invalid input: expected string, received number',
    ],
    [
      'an account creation in an unknown state',
      (org) => ((org.detail.serviceEventDetails as { createAccountStatus: Json }).createAccountStatus.state = 'PAUSED'),
      'organizations/create-account-result-succeeded',
      'detail.serviceEventDetails.createAccountStatus.state: Invalid option: expected one of "IN_PROGRESS"|"SUCCEEDED"|"FAILED"',
    ],
    [
      'a CreateAccountResult whose details are null',
      (org) => (org.detail.serviceEventDetails = null),
      'organizations/create-account-result-succeeded',
      'detail.serviceEventDetails.createAccountStatus: missing',
    ],
    [
      'a handshake that is not an object',
      (org) => (org.detail.responseElements = { handshake: 'h-1' }),
      'organizations/accept-handshake',
      'detail.responseElements.handshake: Invalid input: expected object, received string',
    ],
    [
      'handshake parties that are not a list',
      (org) => ((org.detail.responseElements as { handshake: Json }).handshake.parties = 'ACCOUNT'),
      'organizations/accept-handshake',
      'detail.responseElements.handshake.parties: Invalid input: expected array, received string',
    ],
    [
      'a handshake party without a text id',
      (org) => ((org.detail.responseElements as { handshake: Json }).handshake.parties = [{ id: 555555555555, type: 'ACCOUNT' }]),
      'organizations/accept-handshake',
      'detail.responseElements.handshake.parties.0.id: Invalid input: expected string, received number',
    ],
  ])('rejects %s', (_, change, name, reason) => {
    // Prepare
    const org = event(name);
    change(org);

    // Act
    const message = rejection(() => parseOrganizationsEvent(org));

    // Assess
    expect(message).toBe(`${KIND}: ${reason}`);
  });
});

describe('tag change events', () => {
  it('reads a change of several tags that includes the proxy tag', () => {
    // Prepare
    const tag = event('tags/vpc-proxy-tag-added');
    tag.detail['changed-tag-keys'] = ['CostCentre', 'egress-proxy'];

    // Act
    const scope = parseTagChangeEvent(tag);

    // Assess
    expect(scope).toMatchObject({ kind: 'vpc', vpcId: 'vpc-0a1b2c3d4e5f60718', changedTagKeys: ['CostCentre', 'egress-proxy'] });
  });

  it('reads a VPC ARN of another partition', () => {
    // Prepare
    const tag = event('tags/vpc-proxy-tag-added');
    tag.region = 'cn-north-1';
    tag.resources = ['arn:aws-cn:ec2:cn-north-1:333333333333:vpc/vpc-0a1b2c3d4e5f60718'];

    // Act
    const scope = parseTagChangeEvent(tag);

    // Assess
    expect(scope).toMatchObject({ kind: 'vpc', region: 'cn-north-1', vpcId: 'vpc-0a1b2c3d4e5f60718' });
  });

  it('ignores a tag change of another service, and names every changed key that is not the proxy tag', () => {
    // Prepare
    const rds = event('tags/vpc-proxy-tag-added');
    rds.detail.service = 'rds';
    const other = event('tags/vpc-proxy-tag-added');
    other.detail['changed-tag-keys'] = ['CostCentre', 'Owner'];

    // Act
    const scopes = [parseTagChangeEvent(rds), parseTagChangeEvent(other)];

    // Assess
    expect(scopes).toEqual([
      { kind: 'ignored', eventId: rds.id, reason: 'tag change on rds vpc, not a VPC' },
      { kind: 'ignored', eventId: other.id, reason: 'changed tags CostCentre, Owner include neither egress-proxy nor egress-proxy-policy' },
    ]);
  });

  it.each<[string, (tag: Json & { detail: Json }) => void, string]>([
    ['no changed tag keys', (tag) => delete tag.detail['changed-tag-keys'], 'detail.changed-tag-keys: Invalid input: expected array, received undefined'],
    ['an empty list of changed tag keys', (tag) => (tag.detail['changed-tag-keys'] = []), 'detail.changed-tag-keys: Too small: expected array to have >=1 items'],
    [
      'a resource that only contains a VPC ARN',
      (tag) => (tag.resources = ['xarn:aws:ec2:eu-west-2:333333333333:vpc/vpc-0a1b2c3d4e5f60718']),
      'resources: no VPC ARN in ["xarn:aws:ec2:eu-west-2:333333333333:vpc/vpc-0a1b2c3d4e5f60718"]',
    ],
    [
      'a VPC ARN followed by a line break',
      (tag) => (tag.resources = ['arn:aws:ec2:eu-west-2:333333333333:vpc/vpc-0a1b2c3d4e5f60718\nx']),
      'resources: no VPC ARN in ["arn:aws:ec2:eu-west-2:333333333333:vpc/vpc-0a1b2c3d4e5f60718\\nx"]',
    ],
    [
      'a VPC ARN with a bad VPC id',
      (tag) => (tag.resources = ['arn:aws:ec2:eu-west-2:333333333333:vpc/default']),
      'resources[0]: expected a VPC id such as vpc-0abc12345def67890',
    ],
  ])('rejects %s', (_, change, reason) => {
    // Prepare
    const tag = event('tags/vpc-proxy-tag-added');
    change(tag);

    // Act
    const message = rejection(() => parseTagChangeEvent(tag));

    // Assess
    expect(message).toBe(`malformed tag change event: ${reason}`);
  });
});

describe('connection notifications', () => {
  it('tells an SNS notification from anything else', () => {
    // Act / Assess
    expect(isSnsNotification(sample('sns/connection-notification'))).toBe(true);
    expect([undefined, null, 42, 'Notification', { Type: 'SubscriptionConfirmation' }].map(isSnsNotification)).toEqual([false, false, false, false, false]);
  });

  it('reads a topic ARN of another partition', () => {
    // Prepare
    const notification = event('sns/connection-notification');
    notification.TopicArn = 'arn:aws-cn:sns:cn-north-1:222222222222:egress-endpoint-connections';

    // Act
    const scope = parseConnectionNotification(notification);

    // Assess
    expect(scope).toMatchObject({ kind: 'connections', topicArn: 'arn:aws-cn:sns:cn-north-1:222222222222:egress-endpoint-connections' });
  });

  it.each(['xarn:aws:sns:eu-west-2:222222222222:topic', 'arn:aws:sns:eu-west-2:222222222222:topic\nx', 'arn:aws:sqs:eu-west-2:222222222222:queue'])(
    'rejects the topic ARN %j',
    (topicArn) => {
      // Prepare
      const notification = event('sns/connection-notification');
      notification.TopicArn = topicArn;

      // Act
      const message = rejection(() => parseConnectionNotification(notification));

      // Assess
      expect(message).toBe('malformed SNS notification: TopicArn: expected an SNS topic ARN');
    },
  );

  it('takes hints from lists and past null fields, owners only under an owner key, and only from text', () => {
    // Prepare
    const notification = event('sns/connection-notification');
    notification.Message = JSON.stringify({
      Note: null,
      Count: 1,
      ServiceAccount: '222222222222',
      OwnerNumber: 444444444444,
      Endpoints: [{ VpcId: 'vpc-0a1b2c3d4e5f60718' }],
      EndpointOwners: ['333333333333'],
    });

    // Act
    const scope = parseConnectionNotification(notification);

    // Assess
    expect(scope).toEqual({
      kind: 'connections',
      topicArn: notification.TopicArn,
      eventId: notification.MessageId,
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      endpointOwnerId: '333333333333',
    });
  });

  it('takes only whole ids as hints, not ids inside longer text', () => {
    // Prepare
    const notification = event('sns/connection-notification');
    notification.Message = JSON.stringify({
      a: 'service xvpce-svc-0fedcba9876543210',
      b: 'vpce-svc-0fedcba9876543210/x',
      c: 'endpoint xvpce-0123456789abcdef0',
      d: 'vpce-0123456789abcdef0/x',
      e: 'in xvpc-0a1b2c3d4e5f60718',
      f: 'vpc-0a1b2c3d4e5f60718/x',
      OwnerText: 'owner 333333333333',
      Owner: '3333333333334',
    });

    // Act
    const scope = parseConnectionNotification(notification);

    // Assess
    expect(scope).toEqual({ kind: 'connections', topicArn: notification.TopicArn, eventId: notification.MessageId });
  });
});

describe('queue message bodies', () => {
  it.each<[string, (body: string) => unknown, string]>([
    ['account onboarding', parseAccountOnboardingMessage, 'account onboarding message'],
    ['account reconcile', parseAccountReconcileMessage, 'account reconcile message'],
    ['connection acceptance', parseConnectionAcceptanceMessage, 'connection acceptance message'],
  ])('name the %s queue when a body is not JSON', (_, parse, kind) => {
    // Act
    const message = rejection(() => parse('{not json'));

    // Assess
    expect(message).toMatch(new RegExp(`^malformed ${kind}: body is not JSON \\(`));
  });

  it('read an account reconcile work item', () => {
    // Act
    const scope = parseAccountReconcileMessage(JSON.stringify(sample('fan-out/account-reconcile-requested')));

    // Assess
    expect(scope).toEqual({
      kind: 'account-reconcile',
      accountId: '333333333333',
      runId: '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064',
      eventId: '7b2e4c6d-1f3a-4b5c-8d9e-0a1b2c3d4e5f',
      senderAccountId: '222222222222',
    });
  });

  it.each(['null', '42', '"Notification"', '[]'])('reject the acceptance body %s as neither trigger', (body) => {
    // Act
    const message = rejection(() => parseConnectionAcceptanceMessage(body));

    // Assess
    expect(message).toBe(
      'malformed connection acceptance message: neither an SNS notification (Type: Notification) nor an EventBridge event (detail-type)',
    );
  });
});

describe('control plane events: source and detail type are checked', () => {
  it.each<[string, SampleName, (input: unknown) => unknown]>([
    ['Endpoint Created', 'control-plane/endpoint-created', parseEndpointCreatedEvent],
    ['Account Reconcile Requested', 'fan-out/account-reconcile-requested', parseAccountReconcileRequestedEvent],
    ['Reconcile Continuation Requested', 'reconciler/continuation-requested', parseReconcileContinuationEvent],
  ])('rejects a %s event from another source or with another detail type', (detailType, name, parse) => {
    // Prepare
    const otherSource = event(name);
    otherSource.source = 'aws.ec2';
    const otherType = event(name);
    otherType['detail-type'] = 'Something Else';

    // Act
    const messages = [rejection(() => parse(otherSource)), rejection(() => parse(otherType))];

    // Assess
    expect(messages).toEqual([
      `malformed ${detailType} event: source: Invalid input: expected "egress-control-plane"`,
      `malformed ${detailType} event: detail-type: Invalid input: expected "${detailType}"`,
    ]);
  });
});

describe('Endpoint Mapping Changed: which account', () => {
  /** The control plane's event as EventBridge delivers it (built from another control-plane sample's envelope). */
  function mappingChanged(detail: Json = { accountId: '333333333333' }): Json & { detail: Json } {
    return { ...event('control-plane/endpoint-created'), 'detail-type': 'Endpoint Mapping Changed', resources: [], detail };
  }

  it('reads the account whose shard changed, the event id and the sending account; other detail fields are tolerated', () => {
    const input: Json = { ...mappingChanged({ accountId: '333333333333', note: 'added later' }), account: '222222222222' };
    expect(parseEndpointMappingChangedEvent(input)).toEqual({ eventId: input['id'], accountId: '333333333333', senderAccountId: '222222222222' });
  });

  it('rejects a bad account id, another source and another detail type, saying which', () => {
    // Prepare
    const otherSource = { ...mappingChanged(), source: 'aws.ec2' };
    const otherType = { ...mappingChanged(), 'detail-type': 'Endpoint Created' };

    // Act
    const messages = [
      rejection(() => parseEndpointMappingChangedEvent(mappingChanged({ accountId: '42' }))),
      rejection(() => parseEndpointMappingChangedEvent(otherSource)),
      rejection(() => parseEndpointMappingChangedEvent(otherType)),
    ];

    // Assess
    expect(messages).toEqual([
      'malformed Endpoint Mapping Changed event: detail.accountId: expected a 12-digit account id',
      'malformed Endpoint Mapping Changed event: source: Invalid input: expected "egress-control-plane"',
      'malformed Endpoint Mapping Changed event: detail-type: Invalid input: expected "Endpoint Mapping Changed"',
    ]);
  });

  it('builds its PutEvents entry, which names no resource, and refuses a bad account id', () => {
    expect(endpointMappingChangedEntry({ accountId: '333333333333' }, 'hub-bus')).toEqual({
      Source: 'egress-control-plane',
      DetailType: 'Endpoint Mapping Changed',
      Detail: '{"accountId":"333333333333"}',
      EventBusName: 'hub-bus',
      Resources: [],
    });
    expect(rejection(() => endpointMappingChangedEntry({ accountId: '42' }, 'hub-bus'))).toBe(
      'malformed Endpoint Mapping Changed detail: accountId: expected a 12-digit account id',
    );
  });
});

describe('PutEvents entries of the control plane', () => {
  const bus = 'egress-control-plane';

  it('names the endpoint by its ARN in the Endpoint Created entry', () => {
    // Act
    const entry = endpointCreatedEntry(
      { accountId: '333333333333', region: 'eu-west-2', vpcId: 'vpc-0a1b2c3d4e5f60718', vpcEndpointId: 'vpce-0123456789abcdef0' },
      bus,
    );

    // Assess
    expect(entry.Resources).toEqual(['arn:aws:ec2:eu-west-2:333333333333:vpc-endpoint/vpce-0123456789abcdef0']);
  });

  it('builds the fan-out work item and the continuation, which name no resource', () => {
    // Act
    const workItem = accountReconcileRequestedEntry({ runId: 'run-1', accountId: '333333333333' }, bus);
    const continuation = reconcileContinuationEntry({ runId: 'run-1', afterAccountId: '333333333333' }, bus);

    // Assess
    expect(workItem).toEqual({
      Source: 'egress-control-plane',
      DetailType: 'Account Reconcile Requested',
      Detail: '{"runId":"run-1","accountId":"333333333333"}',
      EventBusName: bus,
      Resources: [],
    });
    expect(continuation).toEqual({
      Source: 'egress-control-plane',
      DetailType: 'Reconcile Continuation Requested',
      Detail: '{"runId":"run-1","afterAccountId":"333333333333"}',
      EventBusName: bus,
      Resources: [],
    });
  });

  it('refuses to build an entry with a bad detail, naming the detail type', () => {
    // Act
    const messages = [
      rejection(() => accountReconcileRequestedEntry({ runId: 'run-1', accountId: '42' }, bus)),
      rejection(() => reconcileContinuationEntry({ runId: '', afterAccountId: '333333333333' }, bus)),
    ];

    // Assess
    expect(messages).toEqual([
      'malformed Account Reconcile Requested detail: accountId: expected a 12-digit account id',
      'malformed Reconcile Continuation Requested detail: runId: Too small: expected string to have >=1 characters',
    ]);
  });
});

describe('reconciler input', () => {
  it('treats a null payload as a manual run that applies', () => {
    // Act
    const scope = parseReconcilerInput(null, 'req');

    // Assess
    expect(scope).toEqual({ kind: 'organization', trigger: 'manual', dryRun: false, fanOut: false, eventId: 'req' });
  });

  it('accepts a fan-out that applies, and refuses one combined with a dry run or with accounts', () => {
    // Act
    const applying = parseReconcilerInput({ fanOut: true, dryRun: false }, 'req');
    const messages = [
      rejection(() => parseReconcilerInput({ fanOut: true, dryRun: true }, 'req')),
      rejection(() => parseReconcilerInput({ fanOut: true, accountIds: ['333333333333'] }, 'req')),
    ];

    // Assess
    expect(applying).toEqual({ kind: 'organization', trigger: 'manual', dryRun: false, fanOut: true, eventId: 'req' });
    const reason = 'malformed reconciler input: fanOut: applies the whole organization, so it cannot be combined with dryRun or accountIds';
    expect(messages).toEqual([reason, reason]);
  });

  it('names the field of a bad manual payload', () => {
    // Act
    const message = rejection(() => parseReconcilerInput({ dryRun: 'yes' }, 'req'));

    // Assess
    expect(message).toBe('malformed reconciler input: dryRun: Invalid input: expected boolean, received string');
  });

  it('rejects a scheduled event of another detail type', () => {
    // Prepare
    const scheduled = event('reconciler/scheduled-event');
    scheduled['detail-type'] = 'Something Else';

    // Act
    const message = rejection(() => parseReconcilerInput(scheduled, 'req'));

    // Assess
    expect(message).toBe('malformed scheduled event: detail-type: Invalid input: expected "Scheduled Event"');
  });

  it('reads as a continuation only an event with both the control plane source and the continuation detail type', () => {
    // Prepare: each carries one of the two, and the manual payload's dryRun
    const sourceOnly = { source: CONTROL_PLANE_SOURCE, 'detail-type': 'Account Reconcile Requested', dryRun: true };
    const typeOnly = { source: 'aws.ec2', 'detail-type': RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE, dryRun: true };

    // Act
    const scopes = [parseReconcilerInput(sourceOnly, 'req'), parseReconcilerInput(typeOnly, 'req')];

    // Assess
    expect(scopes).toMatchObject([
      { trigger: 'manual', dryRun: true },
      { trigger: 'manual', dryRun: true },
    ]);
  });
});

describe('fan-out events: what a work item and a continuation carry', () => {
  function workItem(detail: Json): Json {
    return { ...event('fan-out/account-reconcile-requested'), detail };
  }
  function continuation(detail: Json): Json {
    return { ...event('reconciler/continuation-requested'), detail };
  }
  const RUN = '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064';

  it("reads a work item's ancestors as the run read them, and leaves the field out when the run sent none", () => {
    // Act
    const withAncestors = parseAccountReconcileRequestedEvent(workItem({ runId: RUN, accountId: '333333333333', ancestorIds: ['ou-ab12-cdef3456', 'r-ab12'] }));
    const without = parseAccountReconcileRequestedEvent(workItem({ runId: RUN, accountId: '333333333333' }));

    // Assess: the consumer tells "the run read no parents" from "the run read these" by the field's presence.
    expect(withAncestors).toMatchObject({ accountId: '333333333333', runId: RUN, ancestorIds: ['ou-ab12-cdef3456', 'r-ab12'] });
    expect(without).not.toHaveProperty('ancestorIds');
  });

  it("reads a continuation's retry count, 1 to 20, and leaves it out of a first continuation", () => {
    // Act
    const first = parseReconcileContinuationEvent(continuation({ runId: RUN, afterAccountId: '444444444444' }));
    const retried = [1, 2, 20].map((retries) => parseReconcileContinuationEvent(continuation({ runId: RUN, afterAccountId: '444444444444', retries })).retries);
    const refused = [0, 21, 1.5].map((retries) => rejection(() => parseReconcileContinuationEvent(continuation({ runId: RUN, afterAccountId: '444444444444', retries }))));

    // Assess
    expect(first).not.toHaveProperty('retries');
    expect(retried).toEqual([1, 2, 20]);
    expect(refused).toEqual([
      'malformed Reconcile Continuation Requested event: detail.retries: Too small: expected number to be >=1',
      'malformed Reconcile Continuation Requested event: detail.retries: Too big: expected number to be <=20',
      'malformed Reconcile Continuation Requested event: detail.retries: Invalid input: expected int, received number',
    ]);
  });

  it('hands the retry count of a continuation to the reconciler, and none for a first continuation', () => {
    // Act
    const retried = parseReconcilerInput(continuation({ runId: RUN, afterAccountId: '444444444444', retries: 2 }), 'req');
    const first = parseReconcilerInput(continuation({ runId: RUN, afterAccountId: '444444444444' }), 'req');

    // Assess
    expect(retried).toMatchObject({ trigger: 'continuation', continuation: { runId: RUN, afterAccountId: '444444444444', senderAccountId: '222222222222', retries: 2 } });
    expect(first).toMatchObject({ trigger: 'continuation' });
    expect(first).not.toHaveProperty('continuation.retries');
  });

  it('accepts only whole OU and root ids as ancestors, saying what an ancestor id looks like', () => {
    // Act
    const messages = ['x-ou-ab12-cdef3456', 'ou-ab12-cdef3456/x', 'r-ab12 '].map((id) =>
      rejection(() => parseAccountReconcileRequestedEvent(workItem({ runId: RUN, accountId: '333333333333', ancestorIds: [id] }))),
    );

    // Assess
    expect(messages).toEqual(Array(3).fill('malformed Account Reconcile Requested event: detail.ancestorIds[0]: expected an OU or root id'));
  });
});

describe('the Endpoint Created hand-off: what it claims', () => {
  it('carries no owner ancestors when the creating step read none', () => {
    // Prepare
    const handOff = event('control-plane/endpoint-created');
    handOff.detail = { ...handOff.detail, decided: { ownerInScope: true, vpcTagged: true } };

    // Act
    const scope = parseEndpointCreatedEvent(handOff);

    // Assess
    expect(scope.decided).toStrictEqual({ ownerInScope: true, vpcTagged: true });
  });
});
