/**
 * VPC onboarding end to end: a spoke team tags (or untags) its VPC through the SDK; the tag event travels the
 * spoke -> hub forwarding rule to the VPC onboarding queue; the real handler converges the VPC in the spoke
 * account and hands the endpoint to connection acceptance.
 */
import { ENDPOINT_ID_TAG_KEY, MANAGED_BY_TAG, PROXY_URL_TAG_KEY } from '../../../functions/core/managed-tags';
import { onboardedMember } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, UNSUPPORTED_AZ_ID, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { connectionsOf } from '../support/hub-views';
import {
  addSecondaryCidr,
  createEndpointByHand,
  createVpc,
  ingressCidrs,
  liveEndpointsOf,
  securityGroupsOf,
  tagVpc,
  untagVpc,
  vpcTags,
} from '../support/spoke';
import { waitFor } from '../support/wait';

const TAG_KEY = 'egress-proxy';
const TAG_VALUE = 'enabled';
const PROXY_PORT = 3128;

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

const isManaged = (tags: { Key?: string; Value?: string }[] | undefined) =>
  (tags ?? []).some((tag) => tag.Key === MANAGED_BY_TAG.key && tag.Value === MANAGED_BY_TAG.value);

async function availableEndpoint(ec2: Parameters<typeof liveEndpointsOf>[0], vpcId: string) {
  const endpoints = await waitFor(
    `the endpoint of ${vpcId} is available`,
    () => liveEndpointsOf(ec2, vpcId),
    (live) => live.some((endpoint) => String(endpoint.State) === 'available'),
    { between: () => fx.cp.idle() },
  );
  return endpoints;
}

describe('a VPC tagged for the proxy', () => {
  it('gets one security group for every CIDR, one endpoint in the supported AZs, write-back tags, and an accepted, available endpoint', async () => {
    // Prepare: subnets in both supported AZs and in the unsupported one, and a secondary CIDR block.
    const member = await onboardedMember(fx, 'tagged');
    const vpc = await createVpc(member.ec2, { name: 'tagged', cidrPrefix: '10.10', azIds: [...SUPPORTED_AZ_IDS, UNSUPPORTED_AZ_ID] });
    await addSecondaryCidr(member.ec2, vpc.vpcId, '10.11.0.0/16');

    // Act
    await tagVpc(member.ec2, vpc.vpcId, TAG_KEY, TAG_VALUE);
    const endpoints = await availableEndpoint(member.ec2, vpc.vpcId);

    // Assess: exactly one endpoint, in one subnet per supported AZ; the unsupported AZ's subnet skipped.
    expect(endpoints).toHaveLength(1);
    const [endpoint] = endpoints;
    const supportedSubnets = vpc.subnets.filter((subnet) => subnet.azId !== UNSUPPORTED_AZ_ID).map((subnet) => subnet.subnetId);
    expect([...(endpoint?.SubnetIds ?? [])].sort()).toEqual([...supportedSubnets].sort());
    expect(endpoint?.ServiceName).toBe(fx.cp.hub.serviceName);
    expect(isManaged(endpoint?.Tags)).toBe(true);
    // The hub service has no private DNS name: private DNS stays off, with a warning in the audit trail.
    expect(endpoint?.PrivateDnsEnabled).toBe(false);

    const groups = await securityGroupsOf(member.ec2, vpc.vpcId);
    expect(groups).toHaveLength(1);
    const [group] = groups;
    expect(isManaged(group?.Tags)).toBe(true);
    expect(ingressCidrs(group ?? {}, PROXY_PORT)).toEqual(['10.10.0.0/16', '10.11.0.0/16']);
    expect(endpoint?.Groups?.map((g) => g.GroupId)).toEqual([group?.GroupId]);

    const tags = await vpcTags(member.ec2, vpc.vpcId);
    const endpointId = endpoint?.VpcEndpointId ?? '';
    expect(tags[ENDPOINT_ID_TAG_KEY]).toBe(endpointId);
    expect(tags[PROXY_URL_TAG_KEY]).toBe(`http://${endpoint?.DnsEntries?.[0]?.DnsName}:${PROXY_PORT}`);

    expect(await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toEqual([
      { endpointId, ownerAccountId: member.accountId, state: 'available' },
    ]);

    // Every decision about this VPC has its audit record.
    const decisions = fx.logs.audits({ accountId: member.accountId }).map((record) => `${record.action}:${record.decision}`);
    expect(decisions).toEqual(
      expect.arrayContaining([
        'vpc.converge:warning',
        'vpc.security-group:create',
        'vpc.endpoint:create',
        'vpc.write-back-tags:update',
        'connection.accept:accept',
      ]),
    );
    expect(fx.logs.audits({ accountId: member.accountId, action: 'vpc.converge', decision: 'warning' })[0]?.reason).toBe(
      'private DNS off: the service has no private DNS name',
    );
    expect(fx.cp.bus.deadLetters().filter((letter) => letter.body.includes(vpc.vpcId))).toEqual([]);
  });

  it('loses only what the control plane created when the tag is removed', async () => {
    // Prepare: an onboarded VPC that also holds an endpoint and a group its team made by hand.
    const member = await onboardedMember(fx, 'untag');
    const vpc = await createVpc(member.ec2, { name: 'untag', azIds: SUPPORTED_AZ_IDS });
    await tagVpc(member.ec2, vpc.vpcId, TAG_KEY, TAG_VALUE);
    const [managed] = await availableEndpoint(member.ec2, vpc.vpcId);
    const byHand = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);

    await fx.cp.idle();
    const retries: string[] = [];
    const stopWatching = fx.cp.bus.onActivity((activity) => {
      if (activity.type === 'retry') retries.push(activity.reason);
    });

    // Act
    await untagVpc(member.ec2, vpc.vpcId, TAG_KEY);
    await fx.until('the managed endpoint is deleted', async () =>
      (await liveEndpointsOf(member.ec2, vpc.vpcId)).every((endpoint) => endpoint.VpcEndpointId !== managed?.VpcEndpointId),
    );
    await fx.cp.idle();
    stopWatching();

    // Assess: the local cloud keeps the endpoint `deleting` for a while, and its security group in use meanwhile (as
    // AWS does). The group still went on the first attempt: the handler waited for the endpoint to be `deleted`
    // instead of meeting DependencyViolation and leaning on an SQS retry.
    expect(fx.logs.audits({ accountId: member.accountId, vpcId: vpc.vpcId, decision: 'error' }).map((record) => record.reason)).toEqual([]);
    expect(retries).toEqual([]);
    expect((await liveEndpointsOf(member.ec2, vpc.vpcId)).map((endpoint) => endpoint.VpcEndpointId)).toEqual([byHand.endpointId]);
    expect((await securityGroupsOf(member.ec2, vpc.vpcId)).map((group) => group.GroupId)).toEqual([byHand.groupId]);
    const tags = await vpcTags(member.ec2, vpc.vpcId);
    expect(Object.keys(tags).filter((key) => key.startsWith('egress-proxy'))).toEqual([]);
    const deletions = fx.logs.audits({ accountId: member.accountId, vpcId: vpc.vpcId, decision: 'delete' });
    expect(deletions.map((record) => record.action).sort()).toEqual(['policy.mapping', 'vpc.endpoint', 'vpc.security-group', 'vpc.write-back-tags']);
    expect(deletions.find((record) => record.action === 'vpc.endpoint')?.scope.endpointId).toBe(managed?.VpcEndpointId);
    expect(fx.cp.bus.deadLetters().filter((letter) => letter.body.includes(vpc.vpcId))).toEqual([]);
  });

  it('gets a new endpoint when it is tagged again after the tag was removed', async () => {
    // Prepare: onboarded, then offboarded (endpoint and group deleted).
    const member = await onboardedMember(fx, 'retag');
    const vpc = await createVpc(member.ec2, { name: 'retag', azIds: SUPPORTED_AZ_IDS });
    await tagVpc(member.ec2, vpc.vpcId, TAG_KEY, TAG_VALUE);
    const [first] = await availableEndpoint(member.ec2, vpc.vpcId);
    await untagVpc(member.ec2, vpc.vpcId, TAG_KEY);
    await fx.until('the endpoint is deleted', async () => (await liveEndpointsOf(member.ec2, vpc.vpcId)).length === 0);

    // Act
    await tagVpc(member.ec2, vpc.vpcId, TAG_KEY, TAG_VALUE);
    const endpoints = await availableEndpoint(member.ec2, vpc.vpcId);

    // Assess
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0]?.VpcEndpointId).not.toBe(first?.VpcEndpointId);
    expect(await securityGroupsOf(member.ec2, vpc.vpcId)).toHaveLength(1);
    expect((await vpcTags(member.ec2, vpc.vpcId))[ENDPOINT_ID_TAG_KEY]).toBe(endpoints[0]?.VpcEndpointId);
  });

  it('is refused with a clear audit error, and its event dead-lettered, when none of its subnets is in a supported AZ', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'no-az');
    const vpc = await createVpc(member.ec2, { name: 'no-az', azIds: [UNSUPPORTED_AZ_ID] });

    // Act
    await tagVpc(member.ec2, vpc.vpcId, TAG_KEY, TAG_VALUE);
    await fx.until('the tag event is dead-lettered', () => fx.cp.bus.deadLetters('vpc-onboarding').some((letter) => letter.body.includes(vpc.vpcId)));

    // Assess: each attempt says why; nothing was created.
    const errors = fx.logs.audits({ accountId: member.accountId, vpcId: vpc.vpcId, decision: 'error' });
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.reason).toContain(`no subnet of ${vpc.vpcId} is in an AZ the service supports`);
    expect(errors[0]?.reason).toContain(`AZ ${UNSUPPORTED_AZ_ID} is not supported by the service`);
    const [letter] = fx.cp.bus.deadLetters('vpc-onboarding').filter((dead) => dead.body.includes(vpc.vpcId));
    expect(letter?.receiveCount).toBe(3);
    expect(await liveEndpointsOf(member.ec2, vpc.vpcId)).toEqual([]);
    expect(await securityGroupsOf(member.ec2, vpc.vpcId)).toEqual([]);
  });
});
