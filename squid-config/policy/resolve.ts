/**
 * Which named policies apply to a VPC endpoint: the VPC's policy tag if it has one, else the default for its
 * account, else the default of its nearest OU (then the root), else none. The baseline always applies on top.
 *
 * Fail closed: when the chosen source names a policy the bundle does not have (a typo, a policy deleted since),
 * the endpoint gets the baseline only, never a part of what was asked for, and the resolution says why.
 */
import type { MappedEndpoint, PolicyBundle } from './documents';
import { parsePolicyTag } from './policy-tag';

export type PolicySource =
  | { readonly kind: 'tag' }
  | { readonly kind: 'account-default'; readonly accountId: string }
  | { readonly kind: 'ou-default'; readonly ouId: string }
  | { readonly kind: 'none' };

export interface PolicyResolution {
  /** Named policies in force besides the baseline (empty for the baseline only). */
  readonly names: readonly string[];
  readonly source: PolicySource;
  /** Names asked for that the bundle lacks; non-empty means the baseline only. */
  readonly unknownNames: readonly string[];
  /** Everything wrong with the choice, in words (unknown names, a malformed tag). */
  readonly problems: readonly string[];
}

export function resolvePolicies(bundle: Pick<PolicyBundle, 'policies' | 'defaults'>, endpoint: Pick<MappedEndpoint, 'accountId' | 'policyTag' | 'ancestorIds'>): PolicyResolution {
  const chosen = chooseSource(bundle, endpoint);
  const unknownNames = chosen.names.filter((name) => !Object.hasOwn(bundle.policies, name));
  const problems = [...chosen.problems];
  if (unknownNames.length > 0) problems.push(`unknown policy ${unknownNames.map((n) => `"${n}"`).join(', ')}: the baseline only applies`);
  const unusable = unknownNames.length > 0 || chosen.problems.length > 0;
  return { names: unusable ? [] : chosen.names, source: chosen.source, unknownNames, problems };
}

function chooseSource(
  bundle: Pick<PolicyBundle, 'defaults'>,
  endpoint: Pick<MappedEndpoint, 'accountId' | 'policyTag' | 'ancestorIds'>,
): { names: readonly string[]; source: PolicySource; problems: readonly string[] } {
  if (endpoint.policyTag !== null) {
    const parsed = parsePolicyTag(endpoint.policyTag);
    return { names: parsed.names, source: { kind: 'tag' }, problems: parsed.problems.map((p) => `policy tag: ${p}`) };
  }
  const accountDefault = ownValue(bundle.defaults.accounts, endpoint.accountId);
  if (accountDefault !== undefined) {
    return { names: accountDefault, source: { kind: 'account-default', accountId: endpoint.accountId }, problems: [] };
  }
  for (const ouId of endpoint.ancestorIds) {
    const ouDefault = ownValue(bundle.defaults.organizationalUnits, ouId);
    if (ouDefault !== undefined) return { names: ouDefault, source: { kind: 'ou-default', ouId }, problems: [] };
  }
  return { names: [], source: { kind: 'none' }, problems: [] };
}

/** A record lookup that ignores inherited keys (`constructor`, `__proto__`), which JSON input could name. */
function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function describeSource(source: PolicySource): string {
  switch (source.kind) {
    case 'tag':
      return 'the VPC tag';
    case 'account-default':
      return `the default for account ${source.accountId}`;
    case 'ou-default':
      return `the default for ${source.ouId}`;
    case 'none':
      return 'no tag and no default';
  }
}
