import { REJECTABLE_STATES } from '../core/connections';
import { planPrincipalChanges, planShareChanges } from '../core/principals';
import { decideAccountScope, rootPrincipalArn, type ScopeDecision } from '../core/scope';
import { listAllowedPrincipals, listConnections, modifyAllowedPrincipals, rejectConnections } from '../aws/endpoint-service';
import { readAccount } from '../aws/organizations';
import { listSharedAccountIds, modifySharePrincipals } from '../aws/resource-share';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { mapSettled, toError } from './bounded';
import { syncEndpointMapping } from './endpoint-mapping';

/** Organizations allows few requests per second; a handful of reads in flight is plenty for one batch. */
const ORG_READ_CONCURRENCY = 4;

export interface AccountRequest {
  readonly accountId: string;
  /** The events that asked about this account (duplicates collapse into one request). */
  readonly correlationIds: readonly string[];
}

/**
 * Converges a batch of accounts: re-read each in Organizations, then one permission change, one share change and
 * one reject call for the whole batch. Returns the error (if any) per account id; it never throws for one
 * account's failure, so the other accounts' records still succeed.
 */
export async function convergeAccounts(runtime: Runtime, requests: readonly AccountRequest[]): Promise<Map<string, Error>> {
  const { config } = runtime;
  const errors = new Map<string, Error>();
  const correlation = new Map(requests.map((r) => [r.accountId, r.correlationIds.join(',')]));
  const cid = (accountId: string) => correlation.get(accountId) ?? 'unknown';

  const reads = await mapSettled(requests, ORG_READ_CONCURRENCY, (r) => readAccount(runtime.organizations, r.accountId));
  const decisions = new Map<string, ScopeDecision>();
  reads.forEach((result, index) => {
    const { accountId } = requests[index] as AccountRequest;
    if (result.status === 'fulfilled') {
      decisions.set(accountId, decideAccountScope(accountId, result.value, config.scope));
    } else {
      const error = toError(result.reason);
      errors.set(accountId, error);
      audit({ action: 'account.read', scope: { accountId }, decision: 'error', reason: error.message, dryRun: false, correlationId: cid(accountId) });
    }
  });
  if (decisions.size === 0) return errors;
  const inScope = new Map([...decisions].map(([id, d]) => [id, d.inScope]));

  await applyStep(errors, [...decisions.keys()], cid, async () => {
    const principals = [...decisions.keys()].map((id) => rootPrincipalArn(id, config.partition));
    const current = await listAllowedPrincipals(runtime.hubEc2, config.hubServiceId, principals);
    const change = planPrincipalChanges(current, inScope, config.partition);
    await modifyAllowedPrincipals(runtime.hubEc2, config.hubServiceId, change);
    for (const [accountId, decision] of decisions) {
      const principal = rootPrincipalArn(accountId, config.partition);
      const changed = change.add.includes(principal) || change.remove.includes(principal);
      audit({
        action: 'endpoint-service.allowed-principal',
        scope: { accountId },
        decision: changed ? (decision.inScope ? 'allow' : 'remove') : 'noop',
        reason: decision.reason,
        before: { allowed: current.has(principal) },
        after: { allowed: decision.inScope },
        dryRun: false,
        correlationId: cid(accountId),
      });
    }
  });

  const shareArn = config.ramShareArn;
  if (shareArn !== undefined) {
    const pending = [...decisions.keys()].filter((id) => !errors.has(id));
    await applyStep(errors, pending, cid, async () => {
      const current = await listSharedAccountIds(runtime.ram, shareArn);
      const change = planShareChanges(current, inScope);
      await modifySharePrincipals(runtime.ram, shareArn, change);
      for (const accountId of [...change.associate, ...change.disassociate]) {
        const decision = decisions.get(accountId);
        audit({
          action: 'resource-share.principal',
          scope: { accountId },
          decision: change.associate.includes(accountId) ? 'allow' : 'remove',
          reason: decision?.reason ?? '',
          dryRun: false,
          correlationId: cid(accountId),
        });
      }
    });
  }

  const outOfScope = [...decisions].filter(([id, d]) => !d.inScope && !errors.has(id)).map(([id]) => id);
  if (outOfScope.length > 0) {
    await applyStep(errors, outOfScope, cid, async () => {
      const connections = await listConnections(runtime.hubEc2, config.hubServiceId, {
        states: REJECTABLE_STATES,
        ownerAccountIds: outOfScope,
      });
      const failures = await rejectConnections(runtime.hubEc2, config.hubServiceId, connections.map((c) => c.endpointId));
      for (const connection of connections) {
        const failure = failures.get(connection.endpointId);
        const accountId = connection.ownerAccountId;
        if (failure !== undefined) errors.set(accountId, new Error(`reject ${connection.endpointId}: ${failure}`));
        audit({
          action: 'connection.reject',
          scope: { accountId, endpointId: connection.endpointId },
          decision: failure === undefined ? 'reject' : 'error',
          reason: failure ?? decisions.get(accountId)?.reason ?? 'account out of scope',
          before: { state: connection.state },
          dryRun: false,
          correlationId: cid(accountId),
        });
      }
    });
  }
  const unmapped = outOfScope.filter((id) => !errors.has(id));
  if (runtime.policyStore !== undefined && unmapped.length > 0) {
    // The fleet must stop mapping their endpoints to any policy: their shards go (no spoke read is needed for that).
    const noSpokeRead = () => Promise.reject(new Error('an out-of-scope account is never read'));
    for (const accountId of unmapped) {
      const scope = decisions.get(accountId);
      if (scope === undefined) continue;
      await applyStep(errors, [accountId], cid, async () => {
        await syncEndpointMapping(runtime, noSpokeRead, { accountId, scope, correlationId: cid(accountId), dryRun: false });
      });
    }
  }
  return errors;
}

/** Runs one batched hub call; if it fails, every account it covered fails (and is retried) with that error. */
async function applyStep(
  errors: Map<string, Error>,
  accountIds: readonly string[],
  correlationIdOf: (accountId: string) => string,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (reason) {
    const error = toError(reason);
    for (const accountId of accountIds) {
      errors.set(accountId, error);
      audit({ action: 'account.converge', scope: { accountId }, decision: 'error', reason: error.message, dryRun: false, correlationId: correlationIdOf(accountId) });
    }
  }
}
