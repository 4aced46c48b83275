/**
 * Keeps one account's shard of the endpoint-to-policy mapping equal to what its VPCs ask for, after the VPC steps
 * have converged the endpoints themselves. Level-triggered like the rest: it reads the shard (with its ETag), then
 * the account's truth (VPC tags, our endpoints), and writes the difference conditional on that ETag. A writer that
 * loses the race (S3 answers 412) reads both again, so a stale view never overwrites a newer one: whoever writes
 * last read the truth after every earlier write.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ScopeDecision } from '../core/scope';
import type { PlannedAction } from '../core/plan-actions';
import {
  accountShard,
  desiredEntries,
  entryChanges,
  sameAncestors,
  withVpcEntries,
  type EntryChange,
  type MappingFacts,
  type ShardEntries,
} from '../core/endpoint-mapping';
import { resolvePolicies } from '../../squid-config/policy/resolve';
import { publishEndpointMappingChanged } from '../aws/hub-bus';
import type { PolicyStore } from '../aws/policy-store';
import { describeVpc, listManagedEndpoints, listVpcs, tagsToRecord } from '../aws/spoke-vpc';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';

export interface MappingTarget {
  readonly accountId: string;
  readonly scope: ScopeDecision;
  readonly correlationId: string;
  readonly dryRun: boolean;
  /** Only this VPC's endpoints (VPC onboarding); absent: the whole account (the reconciler). */
  readonly vpcId?: string;
}

/** Conditional writes lost in a row before giving up (the record is then retried by its queue). */
const MAX_WRITE_ATTEMPTS = 5;

/**
 * Converges the account's shard and returns the changes as plan lines (a dry run changes nothing). Out-of-scope
 * accounts lose their shard without a spoke read: their connections are rejected, and the fleet must not map them.
 */
export async function syncEndpointMapping(runtime: Runtime, spoke: () => Promise<EC2Client>, target: MappingTarget): Promise<PlannedAction[]> {
  const store = runtime.policyStore;
  if (store === undefined) return [];
  if (!target.scope.inScope) return removeShard(runtime, store, target);
  const ec2 = await spoke();
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await store.readShard(target.accountId);
    const facts = await readMappingFacts(ec2, runtime.config.hubServiceName, target.vpcId);
    const forScope = desiredEntries(facts, { proxyTag: runtime.config.proxyTag, policyTagKey: runtime.config.policyTagKey });
    const before = current.value?.endpoints ?? {};
    const after = target.vpcId === undefined ? forScope : withVpcEntries(before, target.vpcId, forScope);
    const ancestorIds = target.scope.ancestorIds ?? current.value?.ancestorIds ?? [];
    const changes = entryChanges(before, after);
    await warnAboutPolicies(runtime, store, target, forScope);
    // An account without endpoints has no shard (most accounts of a large organization): nothing to write or list.
    const empty = Object.keys(after).length === 0;
    if (changes.length === 0 && (empty ? current.value === undefined : sameAncestors(current.value?.ancestorIds, ancestorIds))) return [];
    if (!target.dryRun) {
      const outcome = empty
        ? await store.deleteShard(target.accountId, current.etag)
        : await store.writeShard(accountShard(target.accountId, ancestorIds, after, new Date().toISOString()), current.etag);
      if (outcome.kind === 'conflict') continue;
      await publishEndpointMappingChanged(runtime.events, runtime.config.hubEventBusName, [target.accountId]);
    }
    return changes.map((change) => auditChange(runtime, target, change));
  }
  throw new Error(`the mapping shard of ${target.accountId} changed under ${MAX_WRITE_ATTEMPTS} writes in a row; retrying later`);
}

async function removeShard(runtime: Runtime, store: PolicyStore, target: MappingTarget): Promise<PlannedAction[]> {
  const current = await store.readShard(target.accountId);
  if (current.value === undefined) return [];
  const changes = entryChanges(current.value.endpoints, {});
  if (!target.dryRun) {
    // Unconditional: whatever anyone wrote meanwhile, an account out of scope must not be mapped.
    await store.deleteShard(target.accountId);
    await publishEndpointMappingChanged(runtime.events, runtime.config.hubEventBusName, [target.accountId]);
  }
  const actions = changes.map((change) => auditChange(runtime, target, change));
  return actions.length > 0 ? actions : [{ action: 'policy.mapping.remove', scope: { accountId: target.accountId }, reason: target.scope.reason }];
}

async function readMappingFacts(ec2: EC2Client, serviceName: string, vpcId: string | undefined): Promise<MappingFacts> {
  const endpointsOf = async (where: { vpcId?: string }) =>
    (await listManagedEndpoints(ec2, serviceName, where)).map(({ vpcId: inVpc, item }) => ({ vpcId: inVpc, endpointId: item.endpointId, state: item.state }));
  if (vpcId === undefined) {
    const [vpcs, endpoints] = await Promise.all([listVpcs(ec2), endpointsOf({})]);
    return { vpcs, endpoints };
  }
  const [vpc, endpoints] = await Promise.all([describeVpc(ec2, vpcId), endpointsOf({ vpcId })]);
  return { vpcs: vpc === undefined ? [] : [{ vpcId, tags: tagsToRecord(vpc.Tags) }], endpoints };
}

/** Every change is one audit record (`policy.mapping`), and one plan line. */
function auditChange(runtime: Runtime, target: MappingTarget, change: EntryChange): PlannedAction {
  const scope = { accountId: target.accountId, vpcId: change.vpcId, endpointId: change.endpointId };
  const tagKey = runtime.config.policyTagKey;
  const tagText = (entry: EntryChange['after']) =>
    entry?.policyTag === null || entry?.policyTag === undefined ? `no ${tagKey} tag (defaults apply)` : `${tagKey}=${entry.policyTag}`;
  const reason =
    change.change === 'remove'
      ? target.scope.inScope
        ? 'the endpoint is gone or its VPC no longer asks for the proxy'
        : target.scope.reason
      : change.change === 'add'
        ? `map the endpoint to its VPC: ${tagText(change.after)}`
        : `the VPC's policy choice changed to ${tagText(change.after)}`;
  const decision = change.change === 'add' ? 'create' : change.change === 'remove' ? 'delete' : 'update';
  audit({
    action: 'policy.mapping',
    scope,
    decision,
    reason,
    ...(change.before === undefined ? {} : { before: change.before }),
    ...(change.after === undefined ? {} : { after: change.after }),
    dryRun: target.dryRun,
    correlationId: target.correlationId,
  });
  return { action: `policy.mapping.${change.change}`, scope, reason, details: { before: change.before, after: change.after } };
}

/**
 * A VPC that names a policy the published bundle lacks gets the baseline only from the fleet (fail closed); the
 * team hears of it here, as a warning record, every time its VPC is converged until the tag or the bundle is fixed.
 */
async function warnAboutPolicies(runtime: Runtime, store: PolicyStore, target: MappingTarget, entries: ShardEntries): Promise<void> {
  const withTag = Object.entries(entries).filter(([, entry]) => entry.policyTag !== null);
  if (withTag.length === 0) return;
  const bundle = await store.readBundle();
  for (const [endpointId, entry] of withTag) {
    const problems = bundle === undefined
      ? ['no policy bundle has been published yet (npm run policy:publish): the fleet applies its shipped baseline only']
      : resolvePolicies(bundle, { accountId: target.accountId, policyTag: entry.policyTag, ancestorIds: [] }).problems;
    if (problems.length === 0) continue;
    audit({
      action: 'policy.mapping',
      scope: { accountId: target.accountId, vpcId: entry.vpcId, endpointId },
      decision: 'warning',
      reason: `${runtime.config.policyTagKey}=${entry.policyTag ?? ''}: ${problems.join('; ')}`,
      dryRun: target.dryRun,
      correlationId: target.correlationId,
    });
  }
}
