/**
 * Events repeat and race (EventBridge and SQS deliver at least once, unordered). The VPC onboarding queue is FIFO,
 * grouped by the sending account: repeats of one event are dropped by its deduplication, and distinct events for one
 * VPC run one invocation after another (one message per invocation here). Either way the VPC converges to exactly
 * one endpoint and one security group. (The guards against concurrent writers still matter: the account reconciler
 * and VPC onboarding can work on one account at once; the chaos suite covers that.)
 */
import { randomUUID } from 'node:crypto';
import { onboardedMember } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { vpcTagChangeEvent } from '../support/events';
import { connectionsOf } from '../support/hub-views';
import { createVpc, liveEndpointsOf, securityGroupsOf, tagVpc } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture({ queueSettings: { 'vpc-onboarding': { batchSize: 1, maxConcurrency: 10 } } });
});

afterAll(async () => {
  await fx?.stop();
});

const TAGS = { 'egress-proxy': 'enabled', Name: 'race' };

describe('duplicate and concurrent tag events', () => {
  it.each([
    ['the same event delivered five times at once', 'same' as const],
    ['five different events for the same VPC at once', 'distinct' as const],
  ])('%s create exactly one endpoint and one security group', async (_title, ids) => {
    // Prepare
    const member = await onboardedMember(fx, 'race');
    const vpc = await createVpc(member.ec2, { name: 'race', azIds: SUPPORTED_AZ_IDS });
    const before = fx.sent('vpc-onboarding');
    const deduplicatedBefore = fx.cp.bus.stats().queues['vpc-onboarding'].deduplicated;

    // Act: the real tag event, plus the extra deliveries, all in flight together.
    await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    const sharedId = randomUUID();
    const eventIds = Array.from({ length: 5 }, () => (ids === 'same' ? sharedId : randomUUID()));
    for (const id of eventIds) {
      fx.putOnHubBus(vpcTagChangeEvent({ accountId: member.accountId, region: fx.cp.region, vpcId: vpc.vpcId, tags: TAGS, changedKeys: ['egress-proxy'], id }));
    }
    await fx.drained('vpc-onboarding', before, eventIds.length + 1);
    await fx.until('the endpoint is available', async () => (await liveEndpointsOf(member.ec2, vpc.vpcId)).some((e) => String(e.State) === 'available'));

    // Assess
    const endpoints = await liveEndpointsOf(member.ec2, vpc.vpcId);
    expect(endpoints).toHaveLength(1);
    expect(await securityGroupsOf(member.ec2, vpc.vpcId)).toHaveLength(1);
    expect(await connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toEqual([
      { endpointId: endpoints[0]?.VpcEndpointId, ownerAccountId: member.accountId, state: 'available' },
    ]);
    // Repeats of one event were dropped by the queue; distinct events each ran, and none failed for good.
    expect(fx.cp.bus.stats().queues['vpc-onboarding'].deduplicated - deduplicatedBefore).toBe(ids === 'same' ? eventIds.length - 1 : 0);
    const converged = new Set(fx.logs.audits({ accountId: member.accountId, vpcId: vpc.vpcId, action: 'vpc.endpoint' }).map((r) => r.correlationId));
    expect(converged.size).toBeGreaterThan(1);
    expect(fx.cp.bus.deadLetters('vpc-onboarding').filter((letter) => letter.body.includes(vpc.vpcId))).toEqual([]);
  });
});
