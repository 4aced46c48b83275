/**
 * What `npm run bench:proxy` asks the proxy: the policy documents of each scenario and the hosts each spoke asks
 * for. Deterministic (no randomness), so two runs measure the same work.
 *
 * - baseline only: the shipped allowlist as the bundle's baseline, no named policy; spokes ask for hosts it allows.
 * - per-endpoint policy: 20 named policies of 500 domains each, 1,000 endpoints each assigned 1 to 3 of them; each
 *   spoke asks only for hosts its own policies allow (never the baseline), so every request is decided by a named
 *   policy.
 * - 10,000-domain baseline: a baseline of 10,000 domains, no named policy; spokes ask for hosts across all of it.
 *
 * Half the entries have a leading dot (the domain and its subdomains; asked for as `api.<domain>`), half are exact
 * names, as in real allowlists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllowlist } from '../../squid-config/allowlist';
import { bundleProblems } from '../../squid-config/policy/check';
import type { EndpointMapping, PolicyBundle } from '../../squid-config/policy/documents';

export const ENDPOINT_COUNT = 1000;
export const POLICY_COUNT = 20;
export const DOMAINS_PER_POLICY = 500;
export const LARGE_BASELINE_SIZE = 10_000;
/** Every spoke asks for this many different hosts (cycling), so requests spread over hosts as well as endpoints. */
const HOSTS_PER_SPOKE = 50;

/** One spoke as the load generator sees it: its endpoint id (PROXY v2 TLV 0xEA) and the hosts it asks for. */
export interface Spoke {
  readonly endpointId: string;
  readonly hosts: readonly string[];
}

export interface Workload {
  readonly bundle: PolicyBundle;
  readonly mapping: EndpointMapping;
  readonly spokes: readonly Spoke[];
}

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
export const endpointIdOf = (index: number) => `vpce-0${hex(index, 16)}`;
const policyName = (index: number) => `bench-policy-${String(index).padStart(2, '0')}`;

/** The entry (`.domain` or `name`) and the host a request names to be allowed by it. */
function syntheticEntry(prefix: string, index: number): { entry: string; host: string } {
  const domain = `${prefix}-${String(index).padStart(5, '0')}.example.net`;
  return index % 2 === 0 ? { entry: `.${domain}`, host: `api.${domain}` } : { entry: domain, host: domain };
}

function bundleOf(revision: string, baseline: readonly string[], policies: Record<string, readonly string[]>): PolicyBundle {
  const bundle: PolicyBundle = {
    schemaVersion: 1,
    source: { revision, generatedAt: new Date().toISOString() },
    baseline: [...baseline],
    policies: Object.fromEntries(Object.entries(policies).map(([name, entries]) => [name, [...entries]])),
    defaults: { accounts: {}, organizationalUnits: {} },
  };
  // The agent refuses a bundle the pipeline's check would refuse: fail here, with the reason, instead.
  const problems = bundleProblems(bundle);
  if (problems.length > 0) throw new Error(`bench bundle ${revision} fails the policy check: ${problems.slice(0, 3).join('; ')}`);
  return bundle;
}

/** `generatedAt` tells the scenarios' mappings apart in the agent's `loaded` line. */
function mappingOf(generatedAt: string, policyTags: ReadonlyMap<string, string>): EndpointMapping {
  const endpoints: EndpointMapping['endpoints'] = {};
  let index = 0;
  for (const [endpointId, policyTag] of policyTags) {
    // Four endpoints per account, as spokes with a few VPCs each.
    endpoints[endpointId] = { accountId: String(100_000_000_000 + Math.floor(index / 4)), vpcId: `vpc-0${hex(index, 16)}`, policyTag, ancestorIds: ['r-ab12'] };
    index += 1;
  }
  return { schemaVersion: 1, generatedAt, endpoints, shards: {} };
}

/** A fixed scramble of a spoke's index (an integer hash): spokes' offsets then differ in every residue. */
function scramble(value: number): number {
  let x = Math.imul(value ^ (value >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** `count` hosts spread over all of `pool`, from a spoke-specific offset: spokes share hosts, but not all the same ones. */
function hostsFrom(pool: readonly string[], spokeIndex: number, count = HOSTS_PER_SPOKE): string[] {
  const stride = Math.max(1, Math.floor(pool.length / count));
  const offset = scramble(spokeIndex);
  return [...new Set(Array.from({ length: Math.min(count, pool.length) }, (_, i) => pool[(offset + i * stride) % pool.length] ?? ''))];
}

const allEndpointIds = () => Array.from({ length: ENDPOINT_COUNT }, (_, index) => endpointIdOf(index));

/** The shipped allowlist's entries. */
function shippedBaseline(): string[] {
  const text = readFileSync(join(__dirname, '..', '..', 'squid-config', 'allowlist.txt'), 'utf8');
  return checkAllowlist(text).entries.map((entry) => entry.value);
}

/**
 * As many distinct hosts as the other scenarios ask for (10,000), all allowed by the shipped baseline: names under
 * its leading-dot entries (`mirror-00042.debian.org`) and its exact names. Squid pools its connections to origins
 * per host name, so the same spread of hosts in every scenario keeps that cost equal and the comparison about the
 * policy decision.
 */
function shippedBaselineHosts(entries: readonly string[]): string[] {
  const parents = entries.filter((entry) => entry.startsWith('.'));
  const exact = entries.filter((entry) => !entry.startsWith('.') && !/^\d/.test(entry));
  const subdomains = Array.from({ length: LARGE_BASELINE_SIZE - exact.length }, (_, i) => `mirror-${String(i).padStart(5, '0')}${parents[i % parents.length] ?? ''}`);
  return [...exact, ...subdomains];
}

/** The shipped allowlist as the baseline; the endpoints are not in the mapping, so the baseline is all they get. */
export function baselineOnlyWorkload(): Workload {
  const entries = shippedBaseline();
  const hosts = shippedBaselineHosts(entries);
  return {
    bundle: bundleOf('bench-baseline-only', entries, {}),
    mapping: mappingOf('2026-01-01T00:00:01Z', new Map()),
    spokes: allEndpointIds().map((endpointId, index) => ({ endpointId, hosts: hostsFrom(hosts, index) })),
  };
}

/** 20 policies of 500 domains; endpoint i gets 1 to 3 of them; it asks only for hosts of its own policies. */
export function perEndpointPolicyWorkload(): Workload {
  const entries = shippedBaseline();
  const policies: Record<string, string[]> = {};
  const policyHosts: string[][] = [];
  for (let p = 0; p < POLICY_COUNT; p += 1) {
    const domains = Array.from({ length: DOMAINS_PER_POLICY }, (_, d) => syntheticEntry(`p${String(p).padStart(2, '0')}`, d));
    policies[policyName(p)] = domains.map((domain) => domain.entry);
    policyHosts.push(domains.map((domain) => domain.host));
  }
  const tags = new Map<string, string>();
  const spokes = allEndpointIds().map((endpointId, index) => {
    const assigned = Array.from({ length: 1 + (index % 3) }, (_, k) => (index * 3 + k * 7) % POLICY_COUNT);
    tags.set(endpointId, assigned.map(policyName).join(','));
    return { endpointId, hosts: hostsFrom(assigned.flatMap((p) => policyHosts[p] ?? []), index) };
  });
  return { bundle: bundleOf('bench-per-endpoint-policy', entries, policies), mapping: mappingOf('2026-01-01T00:00:02Z', tags), spokes };
}

/** 10,000 baseline domains; the endpoints are not in the mapping; they ask for hosts across the whole baseline. */
export function largeBaselineWorkload(): Workload {
  const domains = Array.from({ length: LARGE_BASELINE_SIZE }, (_, d) => syntheticEntry('base', d));
  const hosts = domains.map((domain) => domain.host);
  return {
    bundle: bundleOf('bench-10k-baseline', domains.map((domain) => domain.entry), {}),
    mapping: mappingOf('2026-01-01T00:00:03Z', new Map()),
    spokes: allEndpointIds().map((endpointId, index) => ({ endpointId, hosts: hostsFrom(hosts, index) })),
  };
}

/** Every host any workload asks for: Squid's hosts file maps each to the lab's origin. */
export function allRequestedHosts(workloads: readonly Workload[]): string[] {
  return [...new Set(workloads.flatMap((workload) => workload.spokes.flatMap((spoke) => spoke.hosts)))];
}
