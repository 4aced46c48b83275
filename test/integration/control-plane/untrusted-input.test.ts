/**
 * What the control plane must not trust: events are only hints (a forged tag event changes nothing), endpoints
 * made by hand are judged like any other connection, and malformed events end in the dead-letter list with
 * their reason instead of harming anything.
 */
import { CreateVpcEndpointCommand } from '@aws-sdk/client-ec2';
import type { QueueName } from '../../../events/routes';
import { sample, type SampleName } from '../../../events/samples';
import { createMember, createOutsideAccount, onboardedMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { endpointCreatedEvent, sampleEvent, vpcTagChangeEvent } from '../support/events';
import { connectionsOf } from '../support/hub-views';
import { createEndpointByHand, createVpc, liveEndpointsOf, securityGroupsOf, tagVpc, vpcTags } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

describe('a forged tag event', () => {
  it('claiming the proxy tag on an untagged VPC changes nothing', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'spoofed');
    const vpc = await createVpc(member.ec2, { name: 'spoofed', azIds: SUPPORTED_AZ_IDS });
    const tagsBefore = await vpcTags(member.ec2, vpc.vpcId);

    // Act: the event arrives on the hub bus exactly as a forwarded one would.
    const forged = vpcTagChangeEvent({
      accountId: member.accountId,
      region: fx.cp.region,
      vpcId: vpc.vpcId,
      tags: { 'egress-proxy': 'enabled', Name: 'spoofed' },
      changedKeys: ['egress-proxy'],
    });
    fx.putOnHubBus(forged);
    await fx.until('the forged event is handled', () => fx.logs.audits({ correlationId: forged.id }).length > 0);
    await fx.cp.idle();

    // Assess: the handler re-read the VPC and found no tag.
    expect(fx.logs.audits({ correlationId: forged.id }).map((r) => [r.action, r.decision, r.reason])).toEqual([
      ['vpc.converge', 'noop', 'VPC is not tagged egress-proxy=enabled; nothing of ours to remove'],
    ]);
    expect(await liveEndpointsOf(member.ec2, vpc.vpcId)).toEqual([]);
    expect(await securityGroupsOf(member.ec2, vpc.vpcId)).toEqual([]);
    expect(await vpcTags(member.ec2, vpc.vpcId)).toEqual(tagsBefore);
  });
});

describe('an endpoint created by hand', () => {
  it('cannot even be created from an account outside the organization', async () => {
    // Prepare: an outsider that tagged its VPC as members do.
    const outsider = await createOutsideAccount(fx, 'outsider');
    const vpc = await createVpc(outsider.ec2, { name: 'outsider', azIds: SUPPORTED_AZ_IDS });
    await tagVpc(outsider.ec2, vpc.vpcId, 'egress-proxy', 'enabled');

    // Act / Assess: the service refuses principals it does not allow.
    await expect(
      outsider.ec2.send(
        new CreateVpcEndpointCommand({
          VpcEndpointType: 'Interface',
          VpcId: vpc.vpcId,
          ServiceName: fx.cp.hub.serviceName,
          SubnetIds: vpc.subnets.map((subnet) => subnet.subnetId),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidServiceName' });
    expect(await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, outsider.accountId)).toEqual([]);
  });

  it("in a member's untagged VPC is rejected by connection acceptance", async () => {
    // Prepare
    const member = await onboardedMember(fx, 'by-hand');
    const vpc = await createVpc(member.ec2, { name: 'by-hand', azIds: SUPPORTED_AZ_IDS });

    // Act: the service's Connect notification triggers connection acceptance.
    const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);
    await fx.until('the connection is decided', async () =>
      (await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).some((c) => c.state !== 'pendingAcceptance'),
    );

    // Assess
    expect(await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toEqual([
      { endpointId, ownerAccountId: member.accountId, state: 'rejected' },
    ]);
    const [decision] = fx.logs.audits({ endpointId, action: 'connection.reject' });
    expect(decision?.decision).toBe('reject');
    expect(decision?.reason).toContain('egress-proxy=enabled');
    expect(decision?.before).toEqual({ state: 'pendingAcceptance' });
  });
});

describe('a forged Endpoint Created hand-off', () => {
  it("from a member account, claiming its untagged VPC's endpoint is in scope and tagged, is not trusted", async () => {
    // Prepare: an endpoint made by hand in an untagged VPC, awaiting acceptance.
    const member = await onboardedMember(fx, 'forged-hand-off');
    const vpc = await createVpc(member.ec2, { name: 'forged-hand-off', azIds: SUPPORTED_AZ_IDS });
    const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);

    // Act: the member puts a hand-off on the hub bus (which admits the organization) carrying the claims the control
    // plane's own hand-offs carry; EventBridge stamps the member's account on it. Put at once, it usually shares a
    // batch with the service's Connect notification, where a trusted claim would have decided the connection.
    const forged = endpointCreatedEvent({
      senderAccountId: member.accountId,
      accountId: member.accountId,
      region: fx.cp.region,
      vpcId: vpc.vpcId,
      vpcEndpointId: endpointId,
      serviceId: fx.cp.hub.serviceId,
    });
    fx.putOnHubBus(forged);
    await fx.until('the connection is decided', async () =>
      (await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).some((c) => c.state !== 'pendingAcceptance'),
    );
    await fx.cp.idle();

    // Assess: the VPC's tags were read, not taken from the event, and the connection rejected.
    expect(await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toEqual([
      { endpointId, ownerAccountId: member.accountId, state: 'rejected' },
    ]);
    expect(fx.logs.audits({ endpointId, action: 'connection.accept' })).toEqual([]);
    expect(fx.logs.audits({ endpointId, action: 'connection.reject' })[0]?.reason).toContain('is not tagged egress-proxy=enabled');
    expect(fx.cp.bus.deadLetters('connection-acceptance').filter((letter) => letter.body.includes(forged.id))).toEqual([]);
  });
});

describe('malformed events', () => {
  let member: Promise<Member> | undefined;
  const sender = () => (member ??= createMember(fx, 'malformed-sender'));

  // The SNS sample (an envelope without TopicArn) cannot travel the bus: SNS itself always sets the topic.
  const cases: [SampleName, QueueName, RegExp][] = [
    ['organizations/malformed-account-joined-organization-no-account', 'account-onboarding', /AccountJoinedOrganization carries no 12-digit account id/],
    ['organizations/malformed-create-account-result-missing-account-id', 'account-onboarding', /CreateAccountResult carries no 12-digit account id/],
    ['organizations/malformed-remove-account-bad-account-id', 'account-onboarding', /RemoveAccountFromOrganization carries no 12-digit account id/],
    ['tags/malformed-vpc-tag-no-resources', 'vpc-onboarding', /resources: expected the ARN of the changed resource/],
    ['tags/malformed-vpc-tag-arn-in-other-account', 'vpc-onboarding', /is not in the event's account/],
    ['control-plane/malformed-endpoint-created-no-endpoint', 'connection-acceptance', /detail\.vpcEndpointId/],
  ];

  it.each(cases)('%s is dead-lettered from %s with its reason logged', async (name, queue, reason) => {
    // Prepare: tag changes come from a member (the hub bus admits no one else); the others from their own senders.
    const event = sampleEvent(name);
    if (event.source === 'aws.tag') event.account = (await sender()).accountId;

    // Act
    expect(fx.putOnHubBus(event)).toBeUndefined();
    await fx.until(`${name} is dead-lettered`, () => fx.cp.bus.deadLetters(queue).some((letter) => letter.body.includes(event.id)));

    // Assess: every attempt failed on parsing, and the log names the reason for that very message.
    const letter = fx.cp.bus.deadLetters(queue).find((dead) => dead.body.includes(event.id));
    expect(letter?.receiveCount).toBe(3);
    const reports = fx.logs.records().filter((record) => record.message === 'malformed record' && record.messageId === letter?.messageId);
    expect(reports).toHaveLength(3);
    for (const report of reports) expect(String(report.reason)).toMatch(reason);
    expect(fx.logs.audits({ correlationId: event.id })).toEqual([]);
  });

  it('a malformed manual reconciler input is refused before anything runs', async () => {
    const runsBefore = fx.logs.records().filter((record) => record.message === 'reconcile plan').length;
    await expect(fx.cp.bus.invokeScheduledFunction(sample('reconciler/malformed-manual-input'))).rejects.toThrow(/reconciler input/);
    expect(fx.logs.records().filter((record) => record.message === 'reconcile plan')).toHaveLength(runsBefore);
  });
});
