import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllowlist } from '../../../squid-config/allowlist';
import { CompiledPolicy } from '../../../squid-config/policy/decide';
import {
  allRequestedHosts,
  baselineOnlyWorkload,
  DOMAINS_PER_POLICY,
  ENDPOINT_COUNT,
  largeBaselineWorkload,
  LARGE_BASELINE_SIZE,
  perEndpointPolicyWorkload,
  POLICY_COUNT,
  type Workload,
} from '../../../bench/support/proxy-workloads';

const shippedAllowlist = () => checkAllowlist(readFileSync(join(__dirname, '..', '..', '..', 'squid-config', 'allowlist.txt'), 'utf8')).entries;

/** Every decision of a workload's requests, with the fleet's decision function on its own documents. */
function decisions(workload: Workload) {
  const policy = new CompiledPolicy({ bundle: workload.bundle, mapping: workload.mapping, fallbackBaseline: [] });
  return workload.spokes.flatMap((spoke) => spoke.hosts.map((host) => ({ spoke, host, decision: policy.decide(spoke.endpointId, host) })));
}

describe('bench:proxy workloads ask only for what their policy allows (a denial would measure 403 pages)', () => {
  test('per-endpoint policy: 1,000 endpoints, 20 policies of 500 domains, each request allowed by one of its own endpoint\'s named policies', () => {
    // Prepare
    const workload = perEndpointPolicyWorkload();

    // Act
    const decided = decisions(workload);

    // Assess
    expect(workload.spokes).toHaveLength(ENDPOINT_COUNT);
    expect(Object.keys(workload.mapping.endpoints)).toHaveLength(ENDPOINT_COUNT);
    expect(Object.values(workload.bundle.policies).map((entries) => entries.length)).toEqual(Array(POLICY_COUNT).fill(DOMAINS_PER_POLICY));
    const notByOwnPolicy = decided.filter(({ spoke, decision }) => !decision.allowed || decision.policy === 'baseline' || !(workload.mapping.endpoints[spoke.endpointId]?.policyTag ?? '').split(',').includes(decision.policy));
    expect(notByOwnPolicy).toEqual([]);
  });

  test('per-endpoint policy: endpoints differ, so a host of one endpoint is refused to endpoints without its policy', () => {
    const workload = perEndpointPolicyWorkload();
    const policy = new CompiledPolicy({ bundle: workload.bundle, mapping: workload.mapping, fallbackBaseline: [] });
    const [first, second] = workload.spokes.filter((spoke) => workload.mapping.endpoints[spoke.endpointId]?.policyTag?.split(',').length === 1);

    expect(first && second && policy.decide(second.endpointId, first.hosts[0] ?? '').allowed).toBe(false);
  });

  test.each([
    ['baseline only (the shipped allowlist)', baselineOnlyWorkload, shippedAllowlist().length],
    ['10,000-domain baseline', largeBaselineWorkload, LARGE_BASELINE_SIZE],
  ])('%s: every request is allowed by the baseline, for endpoints the mapping does not know', (_name, build, baselineSize) => {
    const workload = build();

    const refused = decisions(workload).filter(({ decision }) => !decision.allowed || decision.policy !== 'baseline');

    expect(refused).toEqual([]);
    expect(workload.bundle.baseline).toHaveLength(baselineSize);
    expect(workload.mapping.endpoints).toEqual({});
  });

  test('every Squid scenario spreads over about 10,000 hosts, so per-host connection pooling costs the same in each', () => {
    const counts = [baselineOnlyWorkload(), perEndpointPolicyWorkload(), largeBaselineWorkload()].map((workload) => allRequestedHosts([workload]).length);

    for (const count of counts) expect(count).toBeGreaterThan(9_000);
  });
});
