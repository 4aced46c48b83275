/**
 * Checks the Squid destination allowlist (squid-config/allowlist.txt) before it reaches Squid.
 *
 * The file feeds `acl allowlisted_domains dstdomain -n`, so every entry is one of:
 *   - `.example.com`  the domain and all of its subdomains (leading dot);
 *   - `api.example.com`  exactly that name;
 *   - `198.51.100.20`  exactly that IPv4 literal (IP-literal URLs are refused unless listed).
 * Blank lines and lines starting with `#` are ignored; anything else on a line is an error, because
 * Squid would silently read each extra word as another entry.
 *
 * Squid itself only warns about (or, depending on the version, refuses) duplicates and entries
 * already covered by a leading-dot parent; this checker makes them hard errors with line numbers.
 */

export interface AllowlistEntry {
  readonly line: number;
  /** As written, lowercase. */
  readonly value: string;
  /** True for a leading-dot entry, which also covers every subdomain. */
  readonly includesSubdomains: boolean;
  /** The name without the leading dot. */
  readonly name: string;
}

export interface AllowlistProblem {
  readonly line: number;
  readonly message: string;
}

export interface AllowlistCheck {
  readonly entries: readonly AllowlistEntry[];
  readonly problems: readonly AllowlistProblem[];
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAX_NAME_LENGTH = 253;

function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** Returns why `value` is not a valid entry, or undefined when it is. */
function malformation(value: string): string | undefined {
  if (value !== value.toLowerCase()) return 'use lowercase (Squid matches names case-insensitively; mixed case hides duplicates)';
  if (value.includes('*')) return 'wildcards are not supported: write ".example.com" to cover example.com and its subdomains';
  if (value.includes('://') || value.includes('/')) return 'write a host name, not a URL';
  if (value.includes(':')) return 'ports and IPv6 literals are not supported: list the host name only (ports are fixed by squid.conf)';
  if (isIpv4(value)) return undefined;
  if (value.startsWith('.') && isIpv4(value.slice(1))) return 'a leading dot makes no sense on an IP address';
  const name = value.startsWith('.') ? value.slice(1) : value;
  if (name.length === 0) return 'a lone "." would allow every destination';
  if (name.endsWith('.')) return 'remove the trailing dot';
  if (name.length > MAX_NAME_LENGTH) return `a domain name has at most ${MAX_NAME_LENGTH} characters`;
  const labels = name.split('.');
  const badLabel = labels.find((label) => !LABEL.test(label));
  if (badLabel !== undefined) {
    return `"${badLabel}" is not a valid DNS label (letters, digits and inner hyphens, 1 to 63 characters)`;
  }
  if (labels.length < 2) return `"${value}" is a top-level domain or a single label: too broad or not a public name`;
  const last =
    // Stryker disable next-line StringLiteral: never used, labels.length >= 2 here
    labels[labels.length - 1] ?? '';
  if (/^\d+$/.test(last)) return 'not a valid IPv4 address, and a name cannot end in a numeric label';
  return undefined;
}

/** The nearest leading-dot entry that already covers `entry`, if any. */
function coveringParent(entry: AllowlistEntry, subdomainEntries: ReadonlyMap<string, AllowlistEntry>): AllowlistEntry | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent when false, as no accepted leading-dot entry ends in a numeric label, so none covers an IPv4 literal (true is killed, but shares the node)
  if (isIpv4(entry.name)) return undefined;
  // `.example.com` covers `example.com` itself, so start with the entry's own name for exact
  // entries and with its parent for leading-dot entries.
  let candidate = entry.includesSubdomains ? parentOf(entry.name) : entry.name;
  while (candidate !== undefined) {
    const parent = subdomainEntries.get(candidate);
    if (
      parent &&
      // Stryker disable next-line ConditionalExpression: equivalent, an entry never meets itself (an exact entry is not in the map, a leading-dot one starts at its parent)
      parent !== entry
    ) {
      return parent;
    }
    candidate = parentOf(candidate);
  }
  return undefined;
}

function parentOf(name: string): string | undefined {
  const dot = name.indexOf('.');
  // Stryker disable next-line EqualityOperator: equivalent as "<= 0", as no name starts with a dot (">= 0" is killed, but shares the node)
  return dot < 0 ? undefined : name.slice(dot + 1);
}

/** Checks the text of an allowlist file. Pure: no I/O. Line numbers start at 1. */
export function checkAllowlist(text: string): AllowlistCheck {
  const entries: AllowlistEntry[] = [];
  const problems: AllowlistProblem[] = [];
  const firstLineOf = new Map<string, number>();

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const words = trimmed.split(/\s+/);
    if (words.length > 1) {
      problems.push({ line, message: `one entry per line (found ${words.length} words; comments must be on their own line)` });
      return;
    }
    const problem = malformation(trimmed);
    if (problem) {
      problems.push({ line, message: `"${trimmed}": ${problem}` });
      return;
    }
    const firstLine = firstLineOf.get(trimmed);
    if (firstLine !== undefined) {
      problems.push({ line, message: `"${trimmed}" duplicates line ${firstLine}` });
      return;
    }
    firstLineOf.set(trimmed, line);
    const includesSubdomains = trimmed.startsWith('.');
    entries.push({ line, value: trimmed, includesSubdomains, name: includesSubdomains ? trimmed.slice(1) : trimmed });
  });

  const subdomainEntries = new Map(entries.filter((entry) => entry.includesSubdomains).map((entry) => [entry.name, entry]));
  for (const entry of entries) {
    const parent = coveringParent(entry, subdomainEntries);
    if (parent) {
      problems.push({ line: entry.line, message: `"${entry.value}" is already covered by "${parent.value}" on line ${parent.line}: remove one of them` });
    }
  }

  problems.sort((a, b) => a.line - b.line);
  return { entries, problems };
}

/** One line per problem, `file:line: message`, as compilers print them. */
export function formatProblems(fileName: string, problems: readonly AllowlistProblem[]): string {
  return problems.map((problem) => `${fileName}:${problem.line}: ${problem.message}`).join('\n');
}
