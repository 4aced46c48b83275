/**
 * Compiles the endpoint mapping the Squid fleet reads (`mapping/endpoints.json`) from every account's shard. One
 * object for the fleet means one conditional GET per task per poll, whatever the organization's size; shards per
 * account mean the control plane's many writers never contend for it. The compile is incremental: the mapping
 * records each shard's ETag, so only shards that changed since are fetched (a LIST of 1,000 keys per page finds
 * them). The write is conditional on the ETag read first, so two compiles at once cannot lose an update: the loser
 * compiles again, while its invocation has time for it.
 */
import type { AccountShard } from '../../squid-config/policy/documents';
import { MalformedPolicyDocumentError } from '../../squid-config/policy/documents';
import { compileMapping, sameDecisions, shardsOfMapping } from '../core/endpoint-mapping';
import type { PolicyStore } from '../aws/policy-store';
import { audit } from '../shared/audit';
import { mapSettled, toError } from './bounded';

export interface PublishOutcome {
  readonly changed: boolean;
  readonly endpoints: number;
  readonly accounts: number;
  /** Shards fetched this time (the others were unchanged since the last compile). */
  readonly fetched: number;
  /** Shards that could not be parsed: their accounts keep what the last mapping had for them. */
  readonly malformed: readonly string[];
}

const SHARD_READS_IN_FLIGHT = 16;
/** Compiles in a row that may lose their write when nothing says how much time is left. */
const MAX_COMPILE_ATTEMPTS = 3;
/** Kept free after the last compile: the write, the audit and the batch response. */
const FINISH_MARGIN_MS = 10_000;

/** The calls a compile makes on the policy store (aws/policy-store.ts). */
export type MappingStore = Pick<PolicyStore, 'readMapping' | 'listShards' | 'readShard' | 'writeMapping'>;

export interface PublishOptions {
  readonly now?: () => Date;
  /**
   * The invocation's remaining time (ms). A compile whose write lost to another compile is tried again (only the
   * shards changed since are read) while one more, as long as the last, would still fit: with two environments
   * compiling at once under load, three lost writes in a row happened (10,000 x 3) and sent the batch back to wait
   * out the queue's 12-minute visibility timeout. Without it, MAX_COMPILE_ATTEMPTS.
   */
  readonly remainingMs?: () => number;
}

/** Shards that could not be read: the mapping is still published with the rest, then the run fails loudly. */
export class MalformedShardsError extends Error {
  override readonly name = 'MalformedShardsError';
}

export async function publishEndpointMapping(store: MappingStore, correlationId: string, options: PublishOptions = {}): Promise<PublishOutcome> {
  const now = options.now ?? (() => new Date());
  for (let attempt = 1; ; attempt++) {
    const startedWithMs = options.remainingMs?.();
    const current = await store.readMapping();
    if (current.problem !== undefined) {
      audit({ action: 'policy.mapping-publish', scope: { accountId: 'organization' }, decision: 'warning', reason: `${current.problem}: recompiling it from the shards`, dryRun: false, correlationId });
    }
    const listed = await store.listShards();
    const malformed: string[] = [];
    let fetched = 0;
    const previous = current.value;
    const compiledIn = previous === undefined ? new Map<string, AccountShard>() : shardsOfMapping(previous);
    const results = await mapSettled(listed, SHARD_READS_IN_FLIGHT, async ({ accountId, etag }): Promise<{ shard: AccountShard; etag: string } | undefined> => {
      if (previous !== undefined && previous.shards[accountId] === etag) {
        const kept = compiledIn.get(accountId);
        if (kept !== undefined) return { shard: kept, etag };
      }
      fetched++;
      try {
        const read = await store.readShard(accountId);
        return read.value === undefined || read.etag === undefined ? undefined : { shard: read.value, etag: read.etag };
      } catch (error) {
        if (!(error instanceof MalformedPolicyDocumentError)) throw error;
        malformed.push(`${accountId}: ${error.message}`);
        // What the last good compile had for the account stays in force until its shard is fixed.
        const kept = compiledIn.get(accountId);
        return kept === undefined ? undefined : { shard: kept, etag: previous?.shards[accountId] ?? '' };
      }
    });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed?.status === 'rejected') throw toError(failed.reason);
    const shards = results.flatMap((r) => (r.status === 'fulfilled' && r.value !== undefined ? [r.value] : []));
    const compiled = compileMapping(shards, now().toISOString());
    const outcome = { endpoints: Object.keys(compiled.endpoints).length, accounts: shards.length, fetched, malformed };
    const unchanged = current.value !== undefined && sameDecisions(current.value, compiled) && JSON.stringify(current.value.shards) === JSON.stringify(compiled.shards);
    if (unchanged) return finish({ ...outcome, changed: false }, correlationId);
    const written = await store.writeMapping(compiled, current.etag);
    if (written.kind === 'conflict') {
      if (anotherCompileFits(attempt, startedWithMs, options.remainingMs?.())) continue;
      throw new Error(`the endpoint mapping changed under ${attempt} compiles in a row; retrying later`);
    }
    audit({
      action: 'policy.mapping-publish',
      scope: { accountId: 'organization' },
      decision: 'update',
      reason: `published ${outcome.endpoints} endpoint(s) of ${outcome.accounts} account(s) (${fetched} shard(s) read)`,
      after: { etag: written.etag, endpoints: outcome.endpoints },
      dryRun: false,
      correlationId,
    });
    return finish({ ...outcome, changed: true }, correlationId);
  }
}

/** After a lost write: whether to compile again (the remaining time given before and after the last compile, in ms). */
export function anotherCompileFits(attempt: number, startedWithMs: number | undefined, remainingMs: number | undefined): boolean {
  if (startedWithMs === undefined || remainingMs === undefined) return attempt < MAX_COMPILE_ATTEMPTS;
  const lastTookMs = startedWithMs - remainingMs;
  return remainingMs - lastTookMs >= FINISH_MARGIN_MS;
}

function finish(outcome: PublishOutcome, correlationId: string): PublishOutcome {
  if (outcome.malformed.length === 0) return outcome;
  const reason = `malformed shard(s), their accounts keep their last published entries: ${outcome.malformed.join('; ')}`;
  audit({ action: 'policy.mapping-publish', scope: { accountId: 'organization' }, decision: 'error', reason, dryRun: false, correlationId });
  throw new MalformedShardsError(reason);
}
