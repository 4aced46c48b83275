import {
  DescribeAccountCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { OrgAccount } from '../core/scope';
import { awsErrorCode } from '../shared/errors';
import { paginate } from './paginate';

/** Organizations' largest page (MaxResults 1-20); without it the service may answer with smaller pages. */
const ORGANIZATIONS_MAX_PAGE = 20;

/**
 * Re-reads one account: DescribeAccount, then ListParents up to the root. Undefined when the account is not a
 * member (never joined, or left): Organizations answers AccountNotFoundException.
 */
export async function readAccount(org: OrganizationsClient, accountId: string): Promise<OrgAccount | undefined> {
  let state: string;
  try {
    const { Account } = await org.send(new DescribeAccountCommand({ AccountId: accountId }));
    // `State` replaces the deprecated `Status`; older emulators or responses may only carry `Status`.
    state = Account?.State ?? Account?.Status ?? 'UNKNOWN';
  } catch (error) {
    if (awsErrorCode(error) === 'AccountNotFoundException') return undefined;
    throw error;
  }
  return { accountId, state, ancestorIds: await ancestorsOf(org, accountId) };
}

async function ancestorsOf(org: OrganizationsClient, childId: string): Promise<string[]> {
  const ancestors: string[] = [];
  let current = childId;
  // An organization is at most 5 OU levels deep below the root; the bound guards against a malformed answer.
  for (let depth = 0; depth < 8; depth += 1) {
    const { Parents } = await org.send(new ListParentsCommand({ ChildId: current }));
    const parent = Parents?.[0];
    if (parent?.Id === undefined) return ancestors;
    ancestors.push(parent.Id);
    if (parent.Type === 'ROOT') return ancestors;
    current = parent.Id;
  }
  throw new Error(`ListParents of ${childId} did not reach the root`);
}

/**
 * Every account of the organization with its ancestors, by walking the OU tree from the root (one
 * ListOrganizationalUnitsForParent and one ListAccountsForParent per OU) rather than one ListParents chain per
 * account: far fewer calls against Organizations' low request rate.
 */
export async function listAllAccounts(
  org: OrganizationsClient,
  /** Called with each page of accounts as it is read, so a caller can start on them while the walk goes on. */
  onPage?: (accounts: readonly OrgAccount[]) => void,
): Promise<OrgAccount[]> {
  const { Roots } = await org.send(new ListRootsCommand({}));
  const accounts: OrgAccount[] = [];
  const queue: { id: string; ancestors: string[] }[] = (Roots ?? [])
    .flatMap((root) => (root.Id === undefined ? [] : [{ id: root.Id, ancestors: [root.Id] }]));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const parent = next;
    for await (const page of paginate((NextToken) =>
      org.send(new ListAccountsForParentCommand({ ParentId: parent.id, MaxResults: ORGANIZATIONS_MAX_PAGE, NextToken })),
    )) {
      const read: OrgAccount[] = [];
      for (const account of page.Accounts ?? []) {
        if (account.Id === undefined) continue;
        read.push({ accountId: account.Id, state: account.State ?? account.Status ?? 'UNKNOWN', ancestorIds: parent.ancestors });
      }
      accounts.push(...read);
      onPage?.(read);
    }
    for await (const page of paginate((NextToken) =>
      org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.id, MaxResults: ORGANIZATIONS_MAX_PAGE, NextToken })),
    )) {
      for (const ou of page.OrganizationalUnits ?? []) {
        if (ou.Id !== undefined) queue.push({ id: ou.Id, ancestors: [ou.Id, ...parent.ancestors] });
      }
    }
  }
  return accounts;
}

/**
 * The AWS services with trusted access in the organization (management account or delegated administrator only):
 * `ram.amazonaws.com` is there once RAM sharing with the organization is enabled.
 */
export async function listEnabledServicePrincipals(org: OrganizationsClient): Promise<Set<string>> {
  const principals = new Set<string>();
  for await (const page of paginate((NextToken) =>
    org.send(new ListAWSServiceAccessForOrganizationCommand({ MaxResults: ORGANIZATIONS_MAX_PAGE, NextToken })),
  )) {
    for (const enabled of page.EnabledServicePrincipals ?? []) if (enabled.ServicePrincipal !== undefined) principals.add(enabled.ServicePrincipal);
  }
  return principals;
}
