/**
 * Which accounts the egress proxy serves. One function decides it for every caller (account onboarding, VPC
 * onboarding, connection acceptance, the reconciler), so the four can never disagree.
 */

export interface ScopePolicy {
  /** OU (or root) ids whose accounts are served, at any depth below them; empty means the whole organization. */
  readonly inScopeOuIds: readonly string[];
  readonly excludedAccountIds: readonly string[];
}

/** What Organizations says about an account right now; `undefined` when it is not a member. */
export interface OrgAccount {
  readonly accountId: string;
  /** Organizations `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION). */
  readonly state: string;
  /** The parent chain from the direct parent up to the root (OU ids, then `r-...`). */
  readonly ancestorIds: readonly string[];
}

export type ScopeDecision =
  | {
      readonly inScope: true;
      readonly reason: string;
      /** The account's parents, nearest first, when known: the per-OU policy defaults apply through them. */
      readonly ancestorIds?: readonly string[];
    }
  | { readonly inScope: false; readonly reason: string };

export function decideAccountScope(accountId: string, account: OrgAccount | undefined, policy: ScopePolicy): ScopeDecision {
  if (account === undefined) return { inScope: false, reason: `account ${accountId} is not a member of the organization` };
  if (policy.excludedAccountIds.includes(accountId)) {
    return { inScope: false, reason: `account ${accountId} is excluded by configuration` };
  }
  if (account.state !== 'ACTIVE') return { inScope: false, reason: `account ${accountId} is ${account.state}, not ACTIVE` };
  const { ancestorIds } = account;
  if (policy.inScopeOuIds.length === 0) return { inScope: true, reason: 'active member; every OU is in scope', ancestorIds };
  const matched = account.ancestorIds.find((id) => policy.inScopeOuIds.includes(id));
  if (matched === undefined) {
    return { inScope: false, reason: `account ${accountId} is outside the in-scope OUs (${policy.inScopeOuIds.join(', ')})` };
  }
  return { inScope: true, reason: `active member under ${matched}`, ancestorIds };
}

/** The principal form the endpoint service accepts (ARNs with paths are not supported). */
export function rootPrincipalArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

const ROOT_PRINCIPAL = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/** The account id of a root principal ARN, or undefined for any other principal form. */
export function accountIdOfRootPrincipal(principal: string): string | undefined {
  return ROOT_PRINCIPAL.exec(principal)?.[1];
}
