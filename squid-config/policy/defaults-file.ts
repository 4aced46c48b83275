/**
 * The defaults file (`squid-config/policy-defaults.txt`): which named policies a VPC gets when it carries no policy
 * tag, per account or per OU (the nearest OU above the account wins; the root id stands for the whole organization).
 *
 *   # id                 policies (comma-separated; "-" for none: the baseline only)
 *   123456789012         payments,stripe
 *   ou-ab12-34567890     payments
 *
 * Pure: no I/O. Problems name the line, like the allowlist checker's.
 */
import type { AllowlistProblem } from '../allowlist';
import { BASELINE_POLICY_NAME, POLICY_NAME } from './policy-tag';

export interface PolicyDefaults {
  readonly accounts: Record<string, string[]>;
  readonly organizationalUnits: Record<string, string[]>;
}

const ACCOUNT_ID = /^\d{12}$/;
const OU_OR_ROOT_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const NONE = '-';

export function parseDefaultsFile(text: string, knownPolicies: ReadonlySet<string>): { defaults: PolicyDefaults; problems: AllowlistProblem[] } {
  const defaults: PolicyDefaults = { accounts: {}, organizationalUnits: {} };
  const problems: AllowlistProblem[] = [];
  const firstLineOf = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    // Stryker disable next-line Regex,StringLiteral: split gives a first word always (the default is for the type checker); splitting a run of white space one character at a time only adds empty words, which join('') drops
    const [id = '', ...rest] = trimmed.split(/\s+/);
    const list = rest.join('');
    const isAccount = ACCOUNT_ID.test(id);
    if (!isAccount && !OU_OR_ROOT_ID.test(id)) {
      problems.push({ line, message: `"${id}" is neither a 12-digit account id nor an OU or root id (ou-..., r-...)` });
      return;
    }
    if (list === '') {
      problems.push({ line, message: `no policies for ${id}: list them comma-separated, or "${NONE}" for the baseline only` });
      return;
    }
    const earlier = firstLineOf.get(id);
    if (earlier !== undefined) {
      problems.push({ line, message: `${id} already has defaults on line ${earlier}` });
      return;
    }
    firstLineOf.set(id, line);
    const names = list === NONE ? [] : list.split(',').filter((name) => name !== '');
    const bad = names.filter((name) => name === BASELINE_POLICY_NAME || !POLICY_NAME.test(name) || !knownPolicies.has(name));
    if (bad.length > 0) {
      problems.push({ line, message: `unknown policy ${bad.map((n) => `"${n}"`).join(', ')} (known: ${[...knownPolicies].sort().join(', ') || 'none'})` });
      return;
    }
    (isAccount ? defaults.accounts : defaults.organizationalUnits)[id] = [...new Set(names)];
  });
  return { defaults, problems };
}
