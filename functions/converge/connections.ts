import { decideConnection, type ConnectionFacts, type ConnectionVerdict } from '../core/connections';
import { connectionsToDefer, type Deferral } from '../core/deferral';
import { hasTag, type Tags } from '../core/managed-tags';
import type { ScopeDecision } from '../core/scope';
import { acceptConnections, listConnections, rejectConnections } from '../aws/endpoint-service';
import { readEndpointVpcs } from '../aws/spoke-vpc';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { mapSettled, toError } from './bounded';

export interface ConnectionDecision {
  readonly connection: ConnectionFacts;
  readonly verdict: ConnectionVerdict;
}

export interface ConnectionsResult {
  readonly decisions: ConnectionDecision[];
  /** Per endpoint id: why it could not be decided or the Accept/Reject call failed for it. */
  readonly errors: Map<string, Error>;
}

/** What `convergePendingConnections` may leave for later (core/deferral.ts), and from whose point of view. */
export interface DeferCriteria {
  /** Per endpoint id named by an original Connect notification: when it entered the queue (SQS's SentTimestamp). */
  readonly notified: ReadonlyMap<string, number>;
  /** Endpoint ids carried by trusted hand-offs in the same batch. */
  readonly trusted: ReadonlySet<string>;
}

/** Spoke reads in flight while deciding (each is an AssumeRole plus two describes in one account). */
const SPOKE_READ_CONCURRENCY = 8;

/**
 * Decides every connection awaiting acceptance on the hub service (not only the ones the events named: the truth
 * is re-read), then makes one Accept and one Reject call for all of them.
 */
export async function convergePendingConnections(
  runtime: Runtime,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  options: {
    dryRun: boolean;
    correlationId: string;
    /** Only these connections (those the trusted hand-offs named); absent means every pending connection. */
    endpointIds?: readonly string[];
    /** VPCs and tags already known (see `decideConnections`). */
    knownVpcs?: ReadonlyMap<string, EndpointVpc>;
    /**
     * Leave these connections undecided when their notification came soon after their creation (core/deferral.ts):
     * judged on the same read of the pending connections (its CreationTimestamp), so deferring costs no call of its own.
     */
    defer?: DeferCriteria;
  },
): Promise<ConnectionsResult & { readonly deferred: Deferral[] }> {
  const { hubServiceId } = runtime.config;
  if (options.endpointIds?.length === 0) return { decisions: [], errors: new Map(), deferred: [] };
  const listed = await listConnections(runtime.hubEc2, hubServiceId, {
    states: ['pendingAcceptance'],
    ...(options.endpointIds === undefined ? {} : { endpointIds: options.endpointIds }),
  });
  const deferred = options.defer === undefined ? [] : connectionsToDefer(listed, options.defer);
  const later = new Set(deferred.map((d) => d.endpointId));
  const pending = listed.filter((c) => !later.has(c.endpointId));
  const { decisions, errors } = await decideConnections(runtime, pending, scopeOf, options.correlationId, options.knownVpcs);
  const accept = decisions.filter((d) => d.verdict.verdict === 'accept').map((d) => d.connection.endpointId);
  const reject = decisions.filter((d) => d.verdict.verdict === 'reject').map((d) => d.connection.endpointId);
  const failures = options.dryRun
    ? new Map<string, string>()
    : new Map([
        ...(accept.length > 0 ? await acceptConnections(runtime.hubEc2, hubServiceId, accept) : []),
        ...(reject.length > 0 ? await rejectConnections(runtime.hubEc2, hubServiceId, reject) : []),
      ]);
  for (const { connection, verdict } of decisions) {
    const failure = failures.get(connection.endpointId);
    if (failure !== undefined) errors.set(connection.endpointId, new Error(`${verdict.verdict} ${connection.endpointId}: ${failure}`));
    audit({
      action: `connection.${verdict.verdict}`,
      scope: { accountId: connection.ownerAccountId, endpointId: connection.endpointId },
      decision: failure === undefined ? verdict.verdict : 'error',
      reason: failure === undefined ? verdict.reason : `${verdict.reason}; ${failure}`,
      before: { state: connection.state },
      dryRun: options.dryRun,
      correlationId: options.correlationId,
    });
  }
  return { decisions, errors, deferred };
}

/** Which VPC an endpoint lives in and that VPC's tags, as read in the owner's account. */
export interface EndpointVpc {
  readonly vpcId: string;
  readonly tags: Tags;
}

/**
 * Reads each owner's scope and, for in-scope owners, the endpoints' VPC tags in the owner's account, unless
 * `knownVpcs` already has them for every one of the owner's endpoints (the reconciler's account step read them
 * moments before creating the endpoint).
 */
export async function decideConnections(
  runtime: Runtime,
  connections: readonly ConnectionFacts[],
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  correlationId: string,
  knownVpcs: ReadonlyMap<string, EndpointVpc> = new Map(),
): Promise<ConnectionsResult> {
  const { key, value } = runtime.config.proxyTag;
  const byOwner = new Map<string, ConnectionFacts[]>();
  for (const c of connections) byOwner.set(c.ownerAccountId, [...(byOwner.get(c.ownerAccountId) ?? []), c]);
  const owners = [...byOwner.keys()].sort();
  const decisions: ConnectionDecision[] = [];
  const errors = new Map<string, Error>();
  const results = await mapSettled(owners, SPOKE_READ_CONCURRENCY, async (owner) => {
    const ownerConnections = byOwner.get(owner) ?? [];
    const ownerScope = await scopeOf(owner);
    if (!ownerScope.inScope) return ownerConnections.map((c) => ({ connection: c, verdict: decideConnection(c, ownerScope, undefined, '') }));
    const vpcs = ownerConnections.every((c) => knownVpcs.has(c.endpointId))
      ? knownVpcs
      : await readEndpointVpcs(await runtime.spokes.ec2(owner, runtime.region, correlationId), ownerConnections.map((c) => c.endpointId));
    return ownerConnections.map((c) => {
      const vpc = vpcs.get(c.endpointId);
      const facts = vpc === undefined ? undefined : { vpcId: vpc.vpcId, tagged: hasTag(vpc.tags, key, value) };
      return { connection: c, verdict: decideConnection(c, ownerScope, facts, `${key}=${value}`) };
    });
  });
  results.forEach((result, index) => {
    const owner = owners[index] as string;
    if (result.status === 'fulfilled') {
      decisions.push(...result.value);
      return;
    }
    // Undecidable (e.g. the spoke role is missing): leave the connection pending rather than guess, and fail
    // the records that asked about it so they are retried.
    const error = toError(result.reason);
    for (const c of byOwner.get(owner) ?? []) {
      errors.set(c.endpointId, error);
      audit({
        action: 'connection.decide',
        scope: { accountId: owner, endpointId: c.endpointId },
        decision: 'error',
        reason: `${error.name}: ${error.message}`,
        dryRun: false,
        correlationId,
      });
    }
  });
  return { decisions, errors };
}

/**
 * Accepts those of `endpointIds` that are still awaiting acceptance and deserve it, decided exactly like
 * `convergePendingConnections` (owner in scope and VPC tagged, re-read now unless `knownVpcs` carries what the
 * account step read moments ago: a VPC untagged in between gets its endpoint deleted by the tag event's onboarding). Only acceptances happen here: a reject
 * verdict, an undecidable connection or a failed accept stays pending for the reconciler's final sweep, which
 * decides and records it. Returns the connections this call accepted.
 */
export async function acceptPendingBatch(
  runtime: Runtime,
  endpointIds: readonly string[],
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  correlationId: string,
  knownVpcs?: ReadonlyMap<string, EndpointVpc>,
): Promise<ConnectionDecision[]> {
  const { hubServiceId } = runtime.config;
  if (endpointIds.length === 0) return [];
  const pending = await listConnections(runtime.hubEc2, hubServiceId, { states: ['pendingAcceptance'], endpointIds });
  const { decisions } = await decideConnections(runtime, pending, scopeOf, correlationId, knownVpcs);
  const deserving = decisions.filter((d) => d.verdict.verdict === 'accept');
  if (deserving.length === 0) return [];
  const failures = await acceptConnections(runtime.hubEc2, hubServiceId, deserving.map((d) => d.connection.endpointId));
  const accepted = deserving.filter((d) => !failures.has(d.connection.endpointId));
  for (const { connection, verdict } of accepted) {
    audit({
      action: 'connection.accept',
      scope: { accountId: connection.ownerAccountId, endpointId: connection.endpointId },
      decision: 'accept',
      reason: verdict.reason,
      before: { state: connection.state },
      dryRun: false,
      correlationId,
    });
  }
  return accepted;
}
