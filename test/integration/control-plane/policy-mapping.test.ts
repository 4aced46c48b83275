/**
 * Per-spoke egress policy, the control plane's half: a VPC's policy tag reaches the endpoint mapping the fleet reads,
 * end to end on the local cloud (tag events through the spoke and hub buses, the real handlers, the mapping publisher,
 * S3 over HTTP), and the fleet's own decision code gives each spoke its own answer from what was published.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { CompiledPolicy } from '../../../squid-config/policy/decide';
import { shardKey } from '../../../squid-config/policy/store';
import { onboardedMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { PolicyStoreView } from '../support/policy-store-view';
import { createVpc, liveEndpointsOf, tagVpc, untagVpc } from '../support/spoke';
import { waitFor } from '../support/wait';

const PROXY_TAG = 'egress-proxy';
const POLICY_TAG = 'egress-proxy-policy';

let fx: ControlPlaneFixture;
let store: PolicyStoreView;

beforeAll(async () => {
  // One VPC per onboarding invocation, so VPCs of one account converge (and write its shard) concurrently.
  fx = await startControlPlaneFixture({ queueSettings: { 'vpc-onboarding': { batchSize: 1 } } });
  store = new PolicyStoreView(fx);
});

afterAll(async () => {
  store?.destroy();
  await fx?.stop();
});

/** A VPC of `member` tagged for the proxy (and with `policy` as its policy tag, if given), once its endpoint exists. */
async function proxiedVpc(member: Member, name: string, cidrPrefix: string, policy?: string): Promise<{ vpcId: string; endpointId: string }> {
  const vpc = await createVpc(member.ec2, { name, cidrPrefix, azIds: [...SUPPORTED_AZ_IDS] });
  if (policy !== undefined) await tagVpc(member.ec2, vpc.vpcId, POLICY_TAG, policy);
  await tagVpc(member.ec2, vpc.vpcId, PROXY_TAG, 'enabled');
  const [endpoint] = await waitFor(`an endpoint in ${vpc.vpcId}`, () => liveEndpointsOf(member.ec2, vpc.vpcId), (live) => live.length === 1, {
    between: () => fx.cp.idle(),
  });
  return { vpcId: vpc.vpcId, endpointId: endpoint?.VpcEndpointId ?? '' };
}

function mappedAs(endpointId: string, accept: (entry: { policyTag: string | null } | undefined) => boolean) {
  return waitFor(
    `the published mapping of ${endpointId}`,
    async () => (await store.mapping())?.endpoints[endpointId],
    accept,
    { between: () => fx.cp.idle() },
  );
}

describe('the endpoint mapping the fleet reads', () => {
  it("maps a tagged VPC's endpoint to its account, VPC, policy tag and OU chain, and audits it", async () => {
    // Prepare
    const member = await onboardedMember(fx, 'mapped');

    // Act
    const { vpcId, endpointId } = await proxiedVpc(member, 'mapped', '10.20', 'payments');
    const entry = await mappedAs(endpointId, (e) => e !== undefined);

    // Assess
    expect(entry).toEqual({ accountId: member.accountId, vpcId, policyTag: 'payments', ancestorIds: [expect.stringMatching(/^r-/) as string] });
    expect(fx.logs.audits({ action: 'policy.mapping', decision: 'create', accountId: member.accountId, endpointId })).toHaveLength(1);
    expect(fx.logs.audits({ action: 'policy.mapping-publish', decision: 'update' }).length).toBeGreaterThan(0);
  });

  it('follows a change of the policy tag alone, and the fleet then decides with the new policy', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'retagged');
    const { endpointId } = await proxiedVpc(member, 'retagged', '10.21', 'payments');
    await mappedAs(endpointId, (e) => e?.policyTag === 'payments');

    // Act: only the policy tag changes (the proxy tag is untouched).
    await tagVpc(member.ec2, (await store.shard(member.accountId))?.endpoints[endpointId]?.vpcId ?? '', POLICY_TAG, 'observability');
    await mappedAs(endpointId, (e) => e?.policyTag === 'observability');

    // Assess
    const policy = new CompiledPolicy({ bundle: await store.bundle(), mapping: await store.mapping(), fallbackBaseline: [] });
    expect(policy.decide(endpointId, 'intake.datadoghq.com')).toMatchObject({ allowed: true, policy: 'observability' });
    expect(policy.decide(endpointId, 'api.stripe.com')).toMatchObject({ allowed: false, reason: 'not_in_policy' });
    expect(fx.logs.audits({ action: 'policy.mapping', decision: 'update', endpointId })).toEqual([
      expect.objectContaining({ before: { vpcId: expect.any(String) as string, policyTag: 'payments' }, after: expect.objectContaining({ policyTag: 'observability' }) as object }),
    ]);
  });

  it('gives two spokes asking for the same host different answers, from the same published documents', async () => {
    // Prepare
    const payments = await proxiedVpc(await onboardedMember(fx, 'team-a'), 'team-a', '10.30', 'payments');
    const analytics = await proxiedVpc(await onboardedMember(fx, 'team-b'), 'team-b', '10.30', 'observability');
    await mappedAs(payments.endpointId, (e) => e !== undefined);
    await mappedAs(analytics.endpointId, (e) => e !== undefined);

    // Act
    const policy = new CompiledPolicy({ bundle: await store.bundle(), mapping: await store.mapping(), fallbackBaseline: [] });

    // Assess: same CIDR (10.30.0.0/16) in both VPCs; the endpoint id tells them apart.
    expect(policy.decide(payments.endpointId, 'api.stripe.com')).toMatchObject({ allowed: true, policy: 'payments' });
    expect(policy.decide(analytics.endpointId, 'api.stripe.com')).toMatchObject({ allowed: false, reason: 'not_in_policy' });
  });

  it('maps a VPC naming an unknown policy as tagged, warns in the audit trail, and the fleet gives it the baseline only', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'typo');

    // Act
    const { endpointId } = await proxiedVpc(member, 'typo', '10.22', 'payments,paymnets');
    await mappedAs(endpointId, (e) => e?.policyTag === 'payments,paymnets');

    // Assess
    const warnings = fx.logs.audits({ action: 'policy.mapping', decision: 'warning', endpointId });
    expect(warnings[0]?.reason).toMatch(/unknown policy "paymnets": the baseline only applies/);
    const policy = new CompiledPolicy({ bundle: await store.bundle(), mapping: await store.mapping(), fallbackBaseline: [] });
    expect(policy.decide(endpointId, 'api.stripe.com')).toMatchObject({ allowed: false, reason: 'unknown_policy' });
    expect(policy.decide(endpointId, 'github.com')).toMatchObject({ allowed: true, policy: 'baseline' });
  });

  it('lands every VPC of an account in its shard when they are onboarded at the same moment', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'concurrent');
    const vpcs = await Promise.all(['a', 'b', 'c'].map((suffix, i) => createVpc(member.ec2, { name: `concurrent-${suffix}`, cidrPrefix: `10.${40 + i}`, azIds: [...SUPPORTED_AZ_IDS] })));

    // Act: three tag events at once; batch size 1 makes three invocations write the one shard together.
    await Promise.all(vpcs.map((vpc) => tagVpc(member.ec2, vpc.vpcId, PROXY_TAG, 'enabled')));
    const shard = await waitFor(`three endpoints in the shard of ${member.accountId}`, () => store.shard(member.accountId), (s) => Object.keys(s?.endpoints ?? {}).length === 3, {
      between: () => fx.cp.idle(),
    });

    // Assess
    expect(Object.values(shard?.endpoints ?? {}).map((e) => e.vpcId).sort()).toEqual(vpcs.map((v) => v.vpcId).sort());
  });

  it('drops an endpoint from the mapping when its VPC is untagged', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'untagged');
    const { vpcId, endpointId } = await proxiedVpc(member, 'untagged', '10.23');
    await mappedAs(endpointId, (e) => e !== undefined);

    // Act
    await untagVpc(member.ec2, vpcId, PROXY_TAG);

    // Assess: the entry is gone, and with it the account's shard (an account without endpoints has none).
    await mappedAs(endpointId, (e) => e === undefined);
    expect(fx.logs.audits({ action: 'policy.mapping', decision: 'delete', endpointId })).toHaveLength(1);
    expect(await store.shard(member.accountId)).toBeUndefined();
  });

  it("drops an account's endpoints from the mapping when the account leaves the organization", async () => {
    // Prepare
    const member = await onboardedMember(fx, 'leaving');
    const { endpointId } = await proxiedVpc(member, 'leaving', '10.24', 'payments');
    await mappedAs(endpointId, (e) => e !== undefined);

    // Act
    await fx.org.removeAccount(member.accountId);

    // Assess
    await mappedAs(endpointId, (e) => e === undefined);
    expect(await store.shard(member.accountId)).toBeUndefined();
  });

  it('is repaired by the reconciler when a shard is deleted behind its back', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'drift');
    const { endpointId } = await proxiedVpc(member, 'drift', '10.25', 'payments');
    await mappedAs(endpointId, (e) => e !== undefined);
    await store.s3.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: shardKey(member.accountId) }));

    // Act
    const plan = (await fx.cp.reconcile({ dryRun: false, accountIds: [member.accountId] })) as { actions: { action: string }[] };
    await fx.cp.idle();

    // Assess
    expect(plan.actions.map((a) => a.action)).toContain('policy.mapping.add');
    expect((await store.shard(member.accountId))?.endpoints[endpointId]).toEqual({ vpcId: expect.any(String) as string, policyTag: 'payments' });
  });

  it('fails the publish loudly on a malformed shard, keeping what the last good mapping had for that account', async () => {
    // Prepare
    const member = await onboardedMember(fx, 'corrupt');
    const { endpointId } = await proxiedVpc(member, 'corrupt', '10.26', 'payments');
    await mappedAs(endpointId, (e) => e?.policyTag === 'payments');
    const deadBefore = fx.cp.bus.deadLetters('mapping-publish').length;

    // Act: a hand-edited shard, then any publish.
    await store.overwrite(shardKey(member.accountId), '{"schemaVersion":1,"accountId":"not-an-account"}');
    await proxiedVpc(await onboardedMember(fx, 'bystander'), 'bystander', '10.27');

    // Assess
    await waitFor('a failed publish dead-lettered', () => Promise.resolve(fx.cp.bus.deadLetters('mapping-publish').length), (n) => n > deadBefore, { between: () => fx.cp.idle() });
    expect((await store.mapping())?.endpoints[endpointId]).toMatchObject({ accountId: member.accountId, policyTag: 'payments' });
    expect(fx.logs.audits({ action: 'policy.mapping-publish', decision: 'error' })[0]?.reason).toMatch(new RegExp(`malformed shard.*${member.accountId}`));
  });
});
