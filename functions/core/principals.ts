import { rootPrincipalArn } from './scope';

export interface PrincipalChanges {
  readonly add: string[];
  readonly remove: string[];
}

/**
 * The permission change that converges the given accounts (and only them) to their decisions. Accounts already in
 * the desired state cost nothing, so a batch of duplicate events makes no call at all.
 */
export function planPrincipalChanges(
  currentPrincipals: ReadonlySet<string>,
  decisions: ReadonlyMap<string, boolean>,
  partition = 'aws',
): PrincipalChanges {
  const add: string[] = [];
  const remove: string[] = [];
  for (const [accountId, inScope] of [...decisions].sort(([a], [b]) => a.localeCompare(b))) {
    const principal = rootPrincipalArn(accountId, partition);
    if (inScope && !currentPrincipals.has(principal)) add.push(principal);
    if (!inScope && currentPrincipals.has(principal)) remove.push(principal);
  }
  return { add, remove };
}

/**
 * The organization-wide change: allowed principals must equal the in-scope accounts' root ARNs, so anything else
 * (including hand-added principals) is removed.
 */
export function planAllPrincipals(currentPrincipals: ReadonlySet<string>, inScopeAccountIds: Iterable<string>, partition = 'aws'): PrincipalChanges {
  const desired = new Set([...inScopeAccountIds].map((id) => rootPrincipalArn(id, partition)));
  return {
    add: [...desired].filter((p) => !currentPrincipals.has(p)).sort(),
    remove: [...currentPrincipals].filter((p) => !desired.has(p)).sort(),
  };
}

export interface ShareChanges {
  readonly associate: string[];
  readonly disassociate: string[];
}

/** Same convergence for the RAM share's principal accounts. */
export function planShareChanges(currentAccountIds: ReadonlySet<string>, decisions: ReadonlyMap<string, boolean>): ShareChanges {
  const sorted = [...decisions].sort(([a], [b]) => a.localeCompare(b));
  return {
    associate: sorted.filter(([id, inScope]) => inScope && !currentAccountIds.has(id)).map(([id]) => id),
    disassociate: sorted.filter(([id, inScope]) => !inScope && currentAccountIds.has(id)).map(([id]) => id),
  };
}
