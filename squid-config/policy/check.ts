/**
 * The pipeline's check of the policy files in git, and the bundle built from them (`npm run policy:check`,
 * `npm run policy:publish`). Pure: the caller reads the files. Every problem names the file and line.
 *
 * - the baseline (`allowlist.txt`): the allowlist checker's rules;
 * - each named policy (`policies/<name>.txt`): the same syntax and checker, and nothing the baseline's own rules
 *   keep for the platform team: no IP literals (a policy names services, not addresses; an address could be
 *   private) and no special-use names (`localhost`, `.internal`, `.local`, ...), which lead inwards;
 * - the defaults (`policy-defaults.txt`): known ids and known policy names.
 */
import { checkAllowlist, isIpv4, type AllowlistEntry } from '../allowlist';
import { parseDefaultsFile, type PolicyDefaults } from './defaults-file';
import { POLICY_SCHEMA_VERSION, type PolicyBundle } from './documents';
import { BASELINE_POLICY_NAME, POLICY_NAME } from './policy-tag';

export interface PolicyFile {
  /** As it should appear in messages, e.g. squid-config/policies/payments.txt. */
  readonly file: string;
  readonly text: string;
}

export interface PolicyFiles {
  readonly baseline: PolicyFile;
  /** Keyed by policy name (the file's base name). */
  readonly policies: ReadonlyMap<string, PolicyFile>;
  /** Undefined when the repository has no defaults file. */
  readonly defaults: PolicyFile | undefined;
}

export interface PolicyProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface PolicyCheck {
  readonly problems: readonly PolicyProblem[];
  /** Advice that does not fail the check (e.g. a policy entry the baseline already allows). */
  readonly warnings: readonly PolicyProblem[];
  /** The bundle, when there are no problems. */
  readonly bundle: Omit<PolicyBundle, 'source'> | undefined;
}

/**
 * Special-use top-level names (RFC 6761 `localhost` and `invalid`, RFC 6762 `local`, RFC 9476 `alt`, RFC 7686
 * `onion`, `arpa` with `home.arpa` and the reverse zones, and ICANN's `internal`, reserved for private use in 2024):
 * they resolve inside a network, or nowhere, never to a service on the internet.
 */
const SPECIAL_USE_TOP_LEVEL = new Set(['localhost', 'invalid', 'local', 'alt', 'onion', 'arpa', 'internal']);

function specialUse(entry: AllowlistEntry): string | undefined {
  const top = entry.name.slice(entry.name.lastIndexOf('.') + 1);
  return SPECIAL_USE_TOP_LEVEL.has(top) ? `".${top}" is a special-use name that never leads to the internet` : undefined;
}

function namedPolicyProblems(entry: AllowlistEntry): string | undefined {
  if (isIpv4(entry.name)) return `"${entry.value}": IP literals are not allowed in a named policy (name the service; only the baseline may list an address)`;
  const special = specialUse(entry);
  return special === undefined ? undefined : `"${entry.value}": ${special}`;
}

export function checkPolicyFiles(files: PolicyFiles): PolicyCheck {
  const problems: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  const at = (file: string) => (p: { line: number; message: string }) => ({ file, line: p.line, message: p.message });

  const baseline = checkAllowlist(files.baseline.text);
  problems.push(...baseline.problems.map(at(files.baseline.file)));
  if (baseline.problems.length === 0 && baseline.entries.length === 0) {
    problems.push({ file: files.baseline.file, line: 0, message: 'no entries: the baseline must list at least one destination' });
  }
  const baselineValues = new Set(baseline.entries.map((e) => e.value));

  const policies: Record<string, string[]> = {};
  for (const [name, file] of [...files.policies].sort(([a], [b]) => a.localeCompare(b))) {
    if (!POLICY_NAME.test(name) || name === BASELINE_POLICY_NAME) {
      problems.push({ file: file.file, line: 0, message: `"${name}" is not a usable policy name: lowercase letters, digits and inner hyphens, at most 64, not "${BASELINE_POLICY_NAME}"` });
      continue;
    }
    const checked = checkAllowlist(file.text);
    problems.push(...checked.problems.map(at(file.file)));
    for (const entry of checked.entries) {
      const problem = namedPolicyProblems(entry);
      if (problem !== undefined) problems.push({ file: file.file, line: entry.line, message: problem });
      else if (baselineValues.has(entry.value)) {
        warnings.push({ file: file.file, line: entry.line, message: `"${entry.value}" is in the baseline already (${files.baseline.file})` });
      }
    }
    if (checked.problems.length === 0 && checked.entries.length === 0) {
      warnings.push({ file: file.file, line: 0, message: 'no entries: the policy adds nothing to the baseline' });
    }
    policies[name] = checked.entries.map((e) => e.value);
  }

  let defaults: PolicyDefaults = { accounts: {}, organizationalUnits: {} };
  if (files.defaults !== undefined) {
    const parsed = parseDefaultsFile(files.defaults.text, new Set(Object.keys(policies)));
    problems.push(...parsed.problems.map(at(files.defaults.file)));
    defaults = parsed.defaults;
  }

  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  if (problems.length > 0) return { problems, warnings, bundle: undefined };
  return {
    problems,
    warnings,
    bundle: {
      schemaVersion: POLICY_SCHEMA_VERSION,
      baseline: baseline.entries.map((e) => e.value),
      policies,
      defaults,
    },
  };
}

/** `file:line: message`, as compilers print them (line 0: about the whole file). */
export function formatPolicyProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => (p.line > 0 ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`)).join('\n');
}

/**
 * The same check over a published bundle, for its readers (the fleet, the control plane): a bundle that would fail
 * the pipeline's check (an IP literal slipped into a policy, a default naming a missing policy) is refused as a
 * whole, so a hand-edited object in the store can never widen what a spoke may reach.
 */
export function bundleProblems(bundle: Omit<PolicyBundle, 'source'>): string[] {
  const asFile = (file: string, entries: readonly string[]): PolicyFile => ({ file, text: entries.join('\n') });
  const defaultsText = [
    ...Object.entries(bundle.defaults.accounts),
    ...Object.entries(bundle.defaults.organizationalUnits),
  ].map(([id, names]) => `${id} ${names.length === 0 ? '-' : names.join(',')}`).join('\n');
  const check = checkPolicyFiles({
    baseline: asFile('baseline', bundle.baseline),
    policies: new Map(Object.entries(bundle.policies).map(([name, entries]) => [name, asFile(`policies.${name}`, entries)])),
    defaults: { file: 'defaults', text: defaultsText },
  });
  return check.problems.map((p) => `${p.file}[${p.line}]: ${p.message}`);
}
