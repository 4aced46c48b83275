/**
 * Which endpoint serves which VPC, and under which policy tag: the control plane's half of per-spoke egress policy.
 * Pure: from what was read in a spoke account to the account's shard of the mapping the fleet applies, and the
 * differences worth an audit record. The fleet resolves names to domains (squid-config/policy/resolve.ts).
 */
import type { AccountShard, EndpointMapping, MappedEndpoint } from '../../squid-config/policy/documents';
import { POLICY_SCHEMA_VERSION } from '../../squid-config/policy/documents';
import { hasTag, type Tags } from './managed-tags';
import { isLiveEndpoint } from './vpc-plan';

export type ShardEntries = AccountShard['endpoints'];
export type ShardEntry = ShardEntries[string];

export interface MappingFacts {
  readonly vpcs: readonly { readonly vpcId: string; readonly tags: Tags }[];
  /** Our managed endpoints to the hub service, in any state. */
  readonly endpoints: readonly { readonly endpointId: string; readonly vpcId: string; readonly state: string }[];
}

export interface MappingSettings {
  readonly proxyTag: { readonly key: string; readonly value: string };
  readonly policyTagKey: string;
}

/**
 * The entries the facts call for: every live managed endpoint (pending acceptance included, so its policy is in
 * place the moment it is accepted) of a VPC that asks for the proxy. An untagged VPC's endpoint is on its way out.
 */
export function desiredEntries(facts: MappingFacts, settings: MappingSettings): ShardEntries {
  const tagsOf = new Map(facts.vpcs.map((vpc) => [vpc.vpcId, vpc.tags]));
  const entries: ShardEntries = {};
  for (const endpoint of [...facts.endpoints].sort((a, b) => a.endpointId.localeCompare(b.endpointId))) {
    const tags = tagsOf.get(endpoint.vpcId);
    if (tags === undefined || !hasTag(tags, settings.proxyTag.key, settings.proxyTag.value)) continue;
    if (!isLiveEndpoint(endpoint)) continue;
    entries[endpoint.endpointId] = { vpcId: endpoint.vpcId, policyTag: tags[settings.policyTagKey] ?? null };
  }
  return entries;
}

/** The shard's entries with one VPC's replaced by `forVpc` (VPC onboarding reads only its own VPC). */
export function withVpcEntries(current: ShardEntries, vpcId: string, forVpc: ShardEntries): ShardEntries {
  const others = Object.entries(current).filter(([, entry]) => entry.vpcId !== vpcId);
  return Object.fromEntries([...others, ...Object.entries(forVpc)].sort(([a], [b]) => a.localeCompare(b)));
}

export interface EntryChange {
  readonly endpointId: string;
  readonly vpcId: string;
  readonly change: 'add' | 'update' | 'remove';
  readonly before: ShardEntry | undefined;
  readonly after: ShardEntry | undefined;
}

export function entryChanges(before: ShardEntries, after: ShardEntries): EntryChange[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return ids.flatMap((endpointId): EntryChange[] => {
    const was = before[endpointId];
    const is = after[endpointId];
    if (was !== undefined && is !== undefined && was.vpcId === is.vpcId && was.policyTag === is.policyTag) return [];
    const change = was === undefined ? 'add' : is === undefined ? 'remove' : 'update';
    // Stryker disable next-line OptionalChaining,StringLiteral: one of the two is always there (the id came from one of them); the fallback is for the type checker
    return [{ endpointId, vpcId: (is ?? was)?.vpcId ?? '', change, before: was, after: is }];
  });
}

export function sameAncestors(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);
}

export function accountShard(accountId: string, ancestorIds: readonly string[], endpoints: ShardEntries, updatedAt: string): AccountShard {
  return { schemaVersion: POLICY_SCHEMA_VERSION, accountId, updatedAt, ancestorIds: [...ancestorIds], endpoints };
}

/**
 * The mapping the fleet reads, from every account's shard (with its ETag, recorded so that the next compile fetches
 * only the shards that changed). An endpoint claimed by two shards (never written so, but shards are objects anyone
 * with access could edit) goes to the lower account id: a deterministic answer rather than the last one read.
 */
export function compileMapping(shards: readonly { readonly shard: AccountShard; readonly etag: string }[], generatedAt: string): EndpointMapping {
  const endpoints: Record<string, MappedEndpoint> = {};
  const sources: Record<string, string> = {};
  for (const { shard, etag } of [...shards].sort((a, b) => b.shard.accountId.localeCompare(a.shard.accountId))) {
    sources[shard.accountId] = etag;
    for (const [endpointId, entry] of Object.entries(shard.endpoints)) {
      endpoints[endpointId] = { accountId: shard.accountId, vpcId: entry.vpcId, policyTag: entry.policyTag, ancestorIds: shard.ancestorIds };
    }
  }
  return {
    schemaVersion: POLICY_SCHEMA_VERSION,
    generatedAt,
    endpoints: Object.fromEntries(Object.entries(endpoints).sort(([a], [b]) => a.localeCompare(b))),
    shards: Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The part of a mapping the fleet decides with: equal means nothing worth publishing. */
export function sameDecisions(a: EndpointMapping, b: EndpointMapping): boolean {
  return JSON.stringify(a.endpoints) === JSON.stringify(b.endpoints);
}

/**
 * Every account's shard as a compiled mapping holds it, dated by the compile, for a compile that need not fetch the
 * unchanged shards. One pass over the endpoints: looking each account up in the whole mapping was accounts x
 * endpoints (10,000 x 30,000 per compile, the mapping publisher's core at 10,000 accounts).
 */
export function shardsOfMapping(mapping: EndpointMapping): Map<string, AccountShard> {
  const found = new Map<string, { ancestorIds: readonly string[] | undefined; endpoints: ShardEntries }>();
  for (const accountId of Object.keys(mapping.shards)) found.set(accountId, { ancestorIds: undefined, endpoints: {} });
  for (const [endpointId, entry] of Object.entries(mapping.endpoints)) {
    const shard = found.get(entry.accountId);
    // An endpoint of an account with no recorded shard: not from a compile; that account is fetched again.
    if (shard === undefined) continue;
    // The ancestors are the shard's, copied onto each of its endpoints: the first one says them.
    shard.ancestorIds ??= entry.ancestorIds;
    shard.endpoints[endpointId] = { vpcId: entry.vpcId, policyTag: entry.policyTag };
  }
  return new Map([...found].map(([accountId, { ancestorIds, endpoints }]) => [accountId, accountShard(accountId, ancestorIds ?? [], endpoints, mapping.generatedAt)]));
}
