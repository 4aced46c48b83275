/**
 * Per-spoke egress policy through the real Squid: the policy agent reads the bundle and the endpoint
 * mapping from the policy store (the local cloud's S3), and the policy helper decides every request
 * and every tunnel's SNI for the VPC endpoint it came through. One task, told as a story in order:
 * two spokes with the same client address, unknown and missing endpoint ids, a policy change picked
 * up without a restart, a malformed mapping refused, the agent dying, the store going away.
 */
import type { EndpointMapping, PolicyBundle } from '../../squid-config/policy/documents';
import { describeWithSquid } from './support/availability';
import { ALLOWLISTED_IP_ORIGIN, METRICS_HOSTS, PAYMENTS_HOSTS, PUBLIC_ORIGIN } from './support/fixture';
import type { LabNamespace } from '../../local/squid-lab/namespace';
import { LabPolicyStore } from '../../local/squid-lab/policy-store';
import { proxyConnect, proxyRequest } from '../../local/squid-lab/spoke-client';
import type { SquidInstance } from '../../local/squid-lab/squid-instance';
import { createTestNamespace, createWorkDir, startTestSquid } from './support/squid-world';
import { rmSync } from 'node:fs';

/** Two spoke VPCs whose workloads have the same address (overlapping CIDRs): only the endpoint tells them apart. */
const PAYMENTS_SPOKE = 'vpce-0aaaaaaaaaaaaaaaa';
const METRICS_SPOKE = 'vpce-0bbbbbbbbbbbbbbbb';
/** Not in the first mapping; mapped to payments by the policy change. */
const LATE_SPOKE = 'vpce-0cccccccccccccccc';
const UNKNOWN_SPOKE = 'vpce-0eeeeeeeeeeeeeeee';
/** Whose endpoints they are, as mapping() maps them (by position): the access log's account_id and vpc_id. */
const PAYMENTS_OWNER = { account_id: '111111111111', vpc_id: 'vpc-01111111111111111' };
const METRICS_OWNER = { account_id: '222222222222', vpc_id: 'vpc-02222222222222222' };
/** How long the test waits for a change to arrive; the product's budget is one minute (squid.conf). */
const PICKUP_LIMIT_MS = 90_000;

const BUNDLE: PolicyBundle = {
  schemaVersion: 1,
  source: { revision: 'test-revision-1', generatedAt: '2026-11-30T00:00:00Z' },
  baseline: ['.example.com', 'exact.example.net', ALLOWLISTED_IP_ORIGIN],
  policies: { payments: ['.payments.example.org'], metrics: ['.metrics.example.org'] },
  defaults: { accounts: {}, organizationalUnits: {} },
};

function mapping(generatedAt: string, endpoints: Record<string, string>): EndpointMapping {
  const entries = Object.entries(endpoints).map(([endpointId, policyTag], index): [string, EndpointMapping['endpoints'][string]] => {
    const digit = String(index + 1);
    return [endpointId, { accountId: digit.repeat(12), vpcId: `vpc-0${digit.repeat(16)}`, policyTag, ancestorIds: ['r-ab12'] }];
  });
  return { schemaVersion: 1, generatedAt, shards: {}, endpoints: Object.fromEntries(entries) };
}

describeWithSquid('per-spoke policy', { needNamespaces: true })('per-spoke policy from the policy store (real Squid)', () => {
  let workDir: string | undefined;
  let store: LabPolicyStore | undefined;
  let namespace: LabNamespace | undefined;
  let task: SquidInstance | undefined;

  beforeAll(async () => {
    workDir = createWorkDir();
    store = await LabPolicyStore.start(workDir);
    await store.publishBundle(BUNDLE);
    await store.publishMapping(mapping('2026-11-30T01:00:00Z', { [PAYMENTS_SPOKE]: 'payments', [METRICS_SPOKE]: 'metrics' }));
    namespace = await createTestNamespace('perspoke', workDir, [store.forward]);
    task = await startTestSquid({ namespace, workDir, proxyPort: 3128, healthPort: 3129, policyStoreEnvironment: store.agentEnvironment(), pollSeconds: 1 });
    await task.waitForAgentLine((line) => line.policy_agent === 'loaded');
  });

  afterAll(async () => {
    await task?.stop();
    await namespace?.destroy();
    await store?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  function squid(): SquidInstance {
    if (!task) throw new Error('squid not started');
    return task;
  }

  function policyStore(): LabPolicyStore {
    if (!store) throw new Error('store not started');
    return store;
  }

  async function decisionFor(url: string, endpointId: string | null): Promise<Record<string, unknown>> {
    const response = await proxyRequest(squid(), url, { endpointId });
    const entry = await squid().waitForLogLine((line) => line.url === url && line.vpce_id === (endpointId === null ? '-' : `%01${endpointId}`));
    return { status: response.status, ...entry };
  }

  test('the agent loaded the bundle and the mapping, and says so once', () => {
    const loaded = squid().agentLog().filter((line) => line.policy_agent === 'loaded');

    expect(loaded).toEqual([expect.objectContaining({ bundle_revision: 'test-revision-1', endpoints: 2, policies: 2 })]);
  });

  describe('two spokes with the same client address and different endpoints get their own policies', () => {
    // Each line also names whose endpoint it was (account_id, vpc_id), denials included: the saved query
    // "denied requests by account and VPC" reads them.
    test.each([
      [PAYMENTS_SPOKE, `http://${PAYMENTS_HOSTS[0]}/`, { status: 200, decision: 'allow', policy: 'payments', policies: 'payments', ...PAYMENTS_OWNER }],
      [METRICS_SPOKE, `http://${PAYMENTS_HOSTS[0]}/`, { status: 403, decision: 'deny', deny_reason: 'not_in_policy', policies: 'metrics', ...METRICS_OWNER }],
      [METRICS_SPOKE, `http://${METRICS_HOSTS[0]}/`, { status: 200, decision: 'allow', policy: 'metrics', policies: 'metrics', ...METRICS_OWNER }],
      [PAYMENTS_SPOKE, `http://${METRICS_HOSTS[0]}/`, { status: 403, decision: 'deny', deny_reason: 'not_in_policy', policies: 'payments', ...PAYMENTS_OWNER }],
      [METRICS_SPOKE, 'http://allowed.example.com/per-spoke', { status: 200, decision: 'allow', policy: 'baseline', policies: 'metrics', ...METRICS_OWNER }],
    ])('HTTP from %s to %s', async (endpointId, url, expected) => {
      // Act
      const entry = await decisionFor(url, endpointId);

      // Assess
      expect(entry).toMatchObject({ client_ip: '100.100.7.9', ...expected });
    });

    test('CONNECT: a tunnel for the spoke whose policy lists the host, none for the other', async () => {
      const authority = `${PAYMENTS_HOSTS[1]}:443`;

      const forPayments = await proxyConnect(squid(), authority, { endpointId: PAYMENTS_SPOKE });
      const forMetrics = await proxyConnect(squid(), authority, { endpointId: METRICS_SPOKE });

      expect(forPayments.throughTunnel).toBe(`banner ${PUBLIC_ORIGIN}:443 sni=${PAYMENTS_HOSTS[1]}\nprobe\n`);
      expect(forMetrics.throughTunnel).not.toContain('banner');
      const tunnelled = await squid().waitForLogLine((line) => line.url === authority && line.squid_status === 'TCP_TUNNEL');
      expect(tunnelled).toMatchObject({ vpce_id: `%01${PAYMENTS_SPOKE}`, decision: 'allow', policy: 'payments', ...PAYMENTS_OWNER });
      const refused = await squid().waitForLogLine((line) => line.url === authority && line.vpce_id === `%01${METRICS_SPOKE}`);
      expect(refused).toMatchObject({ decision: 'deny', rule: 'not_in_policy', deny_reason: 'not_in_policy', server_ip: '-', ...METRICS_OWNER });
    });

    test('the SNI is checked against the same spoke\'s policy: CONNECT to a baseline host carrying a payments SNI', async () => {
      const authority = 'allowed.example.com:443';

      const forPayments = await proxyConnect(squid(), authority, { endpointId: PAYMENTS_SPOKE, sni: PAYMENTS_HOSTS[2] });
      const forMetrics = await proxyConnect(squid(), authority, { endpointId: METRICS_SPOKE, sni: PAYMENTS_HOSTS[2] });

      expect(forPayments.throughTunnel).toContain(`sni=${PAYMENTS_HOSTS[2]}`);
      expect(forMetrics.throughTunnel).not.toContain('banner');
      const refused = await squid().waitForLogLine((line) => line.url === authority && line.vpce_id === `%01${METRICS_SPOKE}` && line.rule !== '-');
      expect(refused).toMatchObject({ decision: 'deny', rule: 'sni_not_in_policy', sni: PAYMENTS_HOSTS[2], deny_reason: 'not_in_policy', ...METRICS_OWNER });
    });
  });

  describe('connections the mapping cannot place get the baseline only', () => {
    test.each([
      ['an endpoint id the mapping does not know', UNKNOWN_SPOKE, 'unknown_endpoint'],
      ['no endpoint id TLV in the PROXY header', null, 'no_endpoint_id'],
    ])('%s', async (_case, endpointId, reason) => {
      const baseline = await decisionFor('http://allowed.example.com/baseline-only', endpointId);
      const named = await decisionFor(`http://${PAYMENTS_HOSTS[0]}/baseline-only`, endpointId);

      expect(baseline).toMatchObject({ status: 200, policy: 'baseline', policies: '-', account_id: '-', vpc_id: '-' });
      expect(named).toMatchObject({ status: 403, decision: 'deny', deny_reason: reason, policies: '-', account_id: '-', vpc_id: '-' });
    });
  });

  test('a new mapping in the store reaches requests without a restart (the time it took is printed)', async () => {
    // Prepare: the late spoke is unknown, and Squid has cached that answer.
    const url = `http://${PAYMENTS_HOSTS[3]}/pickup`;
    expect(await decisionFor(url, LATE_SPOKE)).toMatchObject({ status: 403, deny_reason: 'unknown_endpoint' });
    const loadsBefore = squid().agentLog().filter((line) => line.policy_agent === 'loaded').length;

    // Act
    const published = Date.now();
    await policyStore().publishMapping(mapping('2026-11-30T02:00:00Z', { [PAYMENTS_SPOKE]: 'payments', [METRICS_SPOKE]: 'metrics', [LATE_SPOKE]: 'payments' }));
    let status = 0;
    while (status !== 200 && Date.now() - published < PICKUP_LIMIT_MS) {
      status = (await proxyRequest(squid(), url, { endpointId: LATE_SPOKE })).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const allowedAfter = Date.now() - published;

    // Assess
    expect(status).toBe(200);
    const loaded = squid().agentLog().filter((line) => line.policy_agent === 'loaded');
    expect(loaded).toHaveLength(loadsBefore + 1);
    expect(loaded.at(-1)).toMatchObject({ mapping_generated_at: '2026-11-30T02:00:00Z', endpoints: 3 });
    const loadedAfter = Date.parse(String(loaded.at(-1)?.time)) - published;
    console.log(
      `policy pickup: the agent wrote the new snapshot ${(loadedAfter / 1000).toFixed(1)} s after the mapping was published ` +
        `(poll every 1 s in this test, 10 s in the image); the first allowed request came ${(allowedAfter / 1000).toFixed(1)} s after ` +
        '(Squid had cached the denial: negative_ttl=10, refreshed in the background after half of it)',
    );
  });

  test('a malformed mapping is refused with a log line naming the problem, and the last good one stays in force', async () => {
    // Act
    await policyStore().putText('mapping/endpoints.json', JSON.stringify({ ...mapping('2026-11-30T03:00:00Z', {}), endpoints: { [LATE_SPOKE]: { accountId: 'not-an-account' } } }));
    const refused = await squid().waitForAgentLine((line) => line.policy_agent === 'refused', 15_000);

    // Assess
    expect(refused).toMatchObject({ document: 'mapping/endpoints.json', problem: expect.stringContaining(`endpoints.${LATE_SPOKE}.accountId: expected a 12-digit account id`) as string });
    expect(refused.keeping).toContain('mapping 2026-11-30T02:00:00Z');
    // A host Squid has no cached answer for: decided now, on the snapshot still in force.
    expect(await decisionFor(`http://${PAYMENTS_HOSTS[4]}/after-refusal`, LATE_SPOKE)).toMatchObject({ status: 200, policy: 'payments' });
  });

  test('a policy agent that dies is restarted, and the snapshot stays in force meanwhile', async () => {
    const starts = () => squid().agentLog().filter((line) => line.policy_agent === 'started');
    const startsBefore = starts().length;

    squid().killPolicyAgent();

    await squid().waitForAgentLine((line) => line.policy_agent === 'exited');
    await squid().waitForAgentLine(() => starts().length > startsBefore, 15_000);
    // The new agent starts from the snapshot on disk, not from nothing.
    expect(starts().at(-1)?.keeping).toContain('mapping 2026-11-30T02:00:00Z');
    expect(await decisionFor(`http://${METRICS_HOSTS[1]}/after-restart`, METRICS_SPOKE)).toMatchObject({ status: 200, policy: 'metrics' });
  });

  test('when the store cannot be read the task keeps its last policy and says so once', async () => {
    // Act
    await policyStore().makeUnreachable();
    const unreachable = await squid().waitForAgentLine((line) => line.policy_agent === 'store_unreachable', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    // Assess
    expect(unreachable).toMatchObject({ keeping: expect.stringContaining('bundle test-revision-1') as string, since: expect.any(String) as string, error: expect.any(String) as string });
    expect(squid().agentLog().filter((line) => line.policy_agent === 'store_unreachable')).toHaveLength(1);
    // A host Squid has no cached answer for: decided now, on the snapshot the task had.
    const decided = await decisionFor(`http://${PAYMENTS_HOSTS[2]}/store-down`, PAYMENTS_SPOKE);
    expect(decided).toMatchObject({ status: 200, policy: 'payments' });
  });
});
