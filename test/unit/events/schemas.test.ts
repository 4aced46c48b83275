/**
 * Schema behaviour beyond the samples: unknown fields pass, defensive places for account ids, readable
 * one-line reasons, queue message bodies, and the hand-off entry VPC onboarding sends.
 */
import { z } from 'zod';
import {
  endpointCreatedEntry,
  formatZodError,
  MalformedEventError,
  parseAccountOnboardingMessage,
  parseConnectionAcceptanceMessage,
  parseConnectionNotification,
  parseEndpointCreatedEvent,
  parseOrganizationsEvent,
  parseReconcilerInput,
  parseTagChangeEvent,
  parseVpcOnboardingMessage,
} from '../../../events/schemas';
import { sample, type SampleName } from '../../../events/samples';

type Json = Record<string, unknown>;

function event(name: SampleName): Json & { detail: Json } {
  return sample(name) as Json & { detail: Json };
}

describe('formatZodError', () => {
  it('writes each issue as path: message on one line', () => {
    // Prepare
    const schema = z.object({ a: z.object({ b: z.array(z.string()) }), c: z.number() });

    // Act
    const { error } = schema.safeParse({ a: { b: ['x', 2] }, c: 'no' });

    // Assess
    expect(error && formatZodError(error)).toBe(
      'a.b[1]: Invalid input: expected string, received number; c: Invalid input: expected number, received string',
    );
  });
});

describe('unknown fields', () => {
  it('are accepted at every level of every kind', () => {
    const org = event('organizations/create-account-result-succeeded');
    org.newTopLevel = 1;
    org.detail.addendum = { reason: 'new CloudTrail field' };
    (org.detail.serviceEventDetails as { createAccountStatus: Json }).createAccountStatus.govCloudAccountId = '123';
    expect(parseOrganizationsEvent(org)).toMatchObject({ kind: 'account', accountId: '444444444444' });

    const tag = event('tags/vpc-proxy-tag-added');
    tag.detail['tag-policy-compliant'] = 'false';
    tag.detail.somethingNew = [1, 2];
    expect(parseTagChangeEvent(tag)).toMatchObject({ kind: 'vpc' });

    const sns = event('sns/connection-notification');
    sns.MessageAttributes = { a: { Type: 'String', Value: 'b' } };
    expect(parseConnectionNotification(sns)).toMatchObject({ kind: 'connections' });

    expect(parseReconcilerInput({ dryRun: true, note: 'from the runbook' }, 'r')).toMatchObject({ dryRun: true });
  });
});

describe('Organizations events', () => {
  it.each<[string, Json]>([
    ['serviceEventDetails.account.accountId', { account: { accountId: '888888888888' } }],
    ['serviceEventDetails.accountJoinedOrganization.accountId', { accountJoinedOrganization: { accountId: '888888888888' } }],
  ])('finds the AccountJoinedOrganization account id in %s', (_place, details) => {
    const joined = event('organizations/account-joined-organization');
    joined.detail.serviceEventDetails = details;
    expect(parseOrganizationsEvent(joined)).toMatchObject({ accountId: '888888888888', claimedChange: 'joined' });
  });

  it('finds the AccountJoinedOrganization account in an account ARN of resources', () => {
    const joined = event('organizations/account-joined-organization');
    joined.detail.serviceEventDetails = { joinedMethod: 'Invited' };
    joined.resources = ['arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/888888888888'];
    expect(parseOrganizationsEvent(joined)).toMatchObject({ accountId: '888888888888' });
  });

  it('falls back to the caller identity of AcceptHandshake when the parties are missing', () => {
    const accept = event('organizations/accept-handshake');
    accept.detail.responseElements = null;
    expect(parseOrganizationsEvent(accept)).toMatchObject({ accountId: '555555555555' });
  });

  it('ignores accepted handshakes that are not invitations', () => {
    const accept = event('organizations/accept-handshake');
    (accept.detail.responseElements as { handshake: Json }).handshake.action = 'ENABLE_ALL_FEATURES';
    expect(parseOrganizationsEvent(accept)).toEqual({
      kind: 'ignored',
      eventId: accept.id,
      reason: 'handshake ENABLE_ALL_FEATURES is not an invitation',
    });
  });

  it('rejects an event from another source with the field named', () => {
    const other = event('organizations/close-account');
    other.source = 'aws.ec2';
    expect(() => parseOrganizationsEvent(other)).toThrow('source: Invalid input: expected "aws.organizations"');
  });

  it('rejects a CreateAccountResult without its status', () => {
    const result = event('organizations/create-account-result-succeeded');
    result.detail.serviceEventDetails = {};
    expect(() => parseOrganizationsEvent(result)).toThrow('detail.serviceEventDetails.createAccountStatus: missing');
  });
});

describe('tag change events', () => {
  it('honours a configured proxy tag key', () => {
    const tag = event('tags/vpc-proxy-tag-added');
    tag.detail['changed-tag-keys'] = ['needs-proxy'];
    expect(parseTagChangeEvent(tag, { proxyTagKey: 'needs-proxy' })).toMatchObject({ kind: 'vpc' });
    expect(parseTagChangeEvent(tag)).toMatchObject({ kind: 'ignored' });
  });

  it('rejects a VPC ARN from another region than the event', () => {
    const tag = event('tags/vpc-proxy-tag-added');
    tag.resources = ['arn:aws:ec2:us-east-1:333333333333:vpc/vpc-0a1b2c3d4e5f60718'];
    expect(() => parseTagChangeEvent(tag)).toThrow("is not in the event's account 333333333333 and region eu-west-2");
  });
});

describe('queue message bodies', () => {
  it('reject a body that is not JSON', () => {
    expect(() => parseAccountOnboardingMessage('{not json')).toThrow(MalformedEventError);
    expect(() => parseVpcOnboardingMessage('')).toThrow('malformed VPC onboarding message: body is not JSON');
  });

  it("read a VPC onboarding message as the pipe writes it, and refuse the bare event the pipe never sends", () => {
    const tag = sample('tags/vpc-proxy-tag-added');
    expect(parseVpcOnboardingMessage(JSON.stringify({ event: tag }))).toMatchObject({ kind: 'vpc', vpcId: 'vpc-0a1b2c3d4e5f60718' });
    expect(() => parseVpcOnboardingMessage(JSON.stringify(tag))).toThrow(`expected the pipe's {"event": <event>}`);
    // What a bare <$.body> template would make of it: a string, not the event.
    const notThePipes = [JSON.stringify({ event: JSON.stringify(tag) }), 'null', '[]', '{"event": null}', '{"event": []}', '"text"'];
    for (const body of notThePipes) expect(() => parseVpcOnboardingMessage(body)).toThrow(`malformed VPC onboarding message: expected the pipe's`);
  });

  it('tell the two acceptance triggers apart, and reject anything else', () => {
    expect(parseConnectionAcceptanceMessage(JSON.stringify(sample('sns/connection-notification')))).toMatchObject({
      kind: 'connections',
    });
    expect(parseConnectionAcceptanceMessage(JSON.stringify(sample('control-plane/endpoint-created')))).toMatchObject({
      kind: 'endpoint',
    });
    expect(() => parseConnectionAcceptanceMessage('{"hello":"world"}')).toThrow('neither an SNS notification');
  });

  it('read hints from the local cloud notification format too', () => {
    const notification = event('sns/connection-notification');
    notification.Message = JSON.stringify({
      EventType: 'Connect',
      ServiceId: 'vpce-svc-0fedcba9876543210',
      EndpointId: 'vpce-0123456789abcdef0',
      EndpointOwner: '333333333333',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
    });
    expect(parseConnectionNotification(notification)).toMatchObject({
      serviceId: 'vpce-svc-0fedcba9876543210',
      vpcEndpointId: 'vpce-0123456789abcdef0',
      endpointOwnerId: '333333333333',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
    });
  });

  it('accept a notification whose message is not JSON, without hints', () => {
    const notification = event('sns/connection-notification');
    notification.Message = 'connection event';
    expect(parseConnectionNotification(notification)).toEqual({
      kind: 'connections',
      topicArn: notification.TopicArn,
      eventId: notification.MessageId,
    });
  });
});

describe('the Endpoint Created hand-off', () => {
  const detail = {
    accountId: '333333333333',
    region: 'eu-west-2',
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    vpcEndpointId: 'vpce-0123456789abcdef0',
    serviceId: 'vpce-svc-0fedcba9876543210',
  };

  it('builds a PutEvents entry that the acceptance parser reads back', () => {
    // Act
    const entry = endpointCreatedEntry(detail, 'egress-control-plane');
    const delivered = {
      version: '0',
      id: 'f3b1c2d4-0000-4000-8000-000000000001',
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '222222222222',
      time: '2026-11-21T10:30:40Z',
      region: 'eu-west-2',
      resources: entry.Resources,
      detail: JSON.parse(entry.Detail) as unknown,
    };

    // Assess
    expect(entry).toMatchObject({ Source: 'egress-control-plane', DetailType: 'Endpoint Created', EventBusName: 'egress-control-plane' });
    expect(parseEndpointCreatedEvent(delivered)).toEqual({ kind: 'endpoint', ...detail, eventId: delivered.id, senderAccountId: '222222222222' });
  });

  it('carries what the creating step read, and refuses a claim that is not in scope and tagged', () => {
    const decided = { ownerInScope: true, vpcTagged: true, ownerAncestorIds: ['ou-ab12-cdef3456', 'r-ab12'] } as const;
    const entry = endpointCreatedEntry({ ...detail, decided: { ...decided, ownerAncestorIds: [...decided.ownerAncestorIds] } }, 'egress-control-plane');
    const delivered = (body: unknown) => ({
      version: '0',
      id: 'f3b1c2d4-0000-4000-8000-000000000002',
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '333333333333',
      time: '2026-11-21T10:30:40Z',
      region: 'eu-west-2',
      resources: entry.Resources,
      detail: body,
    });

    expect(parseEndpointCreatedEvent(delivered(JSON.parse(entry.Detail)))).toMatchObject({ decided, senderAccountId: '333333333333' });
    expect(() => parseEndpointCreatedEvent(delivered({ ...detail, decided: { ownerInScope: false, vpcTagged: true } }))).toThrow(/decided\.ownerInScope/);
    expect(() => parseEndpointCreatedEvent(delivered({ ...detail, decided: { ownerInScope: true, vpcTagged: false } }))).toThrow(/decided\.vpcTagged/);
  });

  it('refuses to build an entry with a bad id', () => {
    expect(() => endpointCreatedEntry({ ...detail, vpcEndpointId: 'endpoint-1' }, 'bus')).toThrow('vpcEndpointId: expected a VPC endpoint id');
  });
});

describe('reconciler input', () => {
  it('treats an empty or missing payload as a manual run that applies', () => {
    expect(parseReconcilerInput(undefined, 'req')).toEqual({ kind: 'organization', trigger: 'manual', dryRun: false, fanOut: false, eventId: 'req' });
    expect(parseReconcilerInput({}, 'req')).toMatchObject({ dryRun: false });
  });

  it('rejects an empty account list', () => {
    expect(() => parseReconcilerInput({ accountIds: [] }, 'req')).toThrow('accountIds');
  });
});
