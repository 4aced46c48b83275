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
 * It also refuses entries that cannot do what their author meant: addresses squid.conf denies whatever
 * the list says, public suffixes (from the Public Suffix List in the pinned `tldts` package), under which
 * anyone can register names, and `.amazonaws.com`, which would admit anyone's S3 bucket.
 */
import { domainToASCII } from 'node:url';
import { getPublicSuffix } from 'tldts';

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

/** A dotted-quad IPv4 address (each octet 0 to 255, no leading zeros): what the checker accepts as an address entry. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/**
 * The IPv4 part of squid.conf's `private_destinations` ACL, which Squid denies before the allowlist applies:
 * listing one of these addresses allows nothing. test/unit/allowlist.test.ts checks this list against squid.conf.
 */
export const SQUID_DENIED_IPV4_RANGES = [
  ...['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'],
  ...['192.0.0.0/24', '192.0.2.0/24', '192.31.196.0/24', '192.52.193.0/24', '192.88.99.0/24', '192.175.48.0/24'],
  ...['198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'],
] as const;

const toNumber = (address: string) => address.split('.').reduce((number, octet) => number * 256 + Number(octet), 0);

function deniedRange(address: string): string | undefined {
  const number = toNumber(address);
  return SQUID_DENIED_IPV4_RANGES.find((range) => {
    // Every range above is written address/prefix.
    const [base, prefix] = range.split('/') as [string, string];
    const size = 2 ** (32 - Number(prefix));
    return Math.floor(number / size) === Math.floor(toNumber(base) / size);
  });
}

/**
 * Parents whose subdomains belong to anyone, though the Public Suffix List does not mark the parent itself: a
 * leading-dot entry for one admits every customer's names under it (the allowlist's own header says why).
 */
const SHARED_PARENTS: Readonly<Record<string, string>> = {
  'amazonaws.com': 'would also admit any S3 bucket and other customer-named AWS endpoints, including an attacker\'s: list the regional service names you call (sts.eu-west-2.amazonaws.com)',
};

/** Returns why `value` is not a valid entry, or undefined when it is. */
function malformation(value: string): string | undefined {
  if (value !== value.toLowerCase()) return 'use lowercase (Squid matches names case-insensitively; mixed case hides duplicates)';
  if (value.includes('*')) {
    const parent = value.replace(/^\*\.?/, '');
    const suggestion = parent !== '' && !parent.includes('*') ? `.${parent}` : '.example.com';
    return `wildcards are not supported: write "${suggestion}" to cover ${suggestion.slice(1)} and its subdomains`;
  }
  if (/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value)) return 'address ranges are not supported: list each address on its own line';
  if (value.includes('://') || value.includes('/')) return 'write a host name, not a URL';
  if (value.includes(':')) return 'ports and IPv6 literals are not supported: list the host name only (ports are fixed by squid.conf)';
  if (isIpv4(value)) {
    const range = deniedRange(value);
    return range === undefined ? undefined : `${value} is in ${range}, which squid.conf denies whatever the allowlist says (private and special-use addresses are never reachable through the proxy)`;
  }
  if ([...value].some((character) => character.charCodeAt(0) > 0x7f)) {
    const ascii = domainToASCII(value.replace(/^\./, ''));
    return ascii === '' ? 'not a valid domain name' : `write internationalized names in Punycode, as DNS and Squid see them: "${value.startsWith('.') ? '.' : ''}${ascii}"`;
  }
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
  return tooBroad(value, name);
}

/** A public suffix (`co.uk`, `github.io`) or a shared parent (`.amazonaws.com`) admits names that anyone registers. */
function tooBroad(value: string, name: string): string | undefined {
  if (getPublicSuffix(name, { allowPrivateDomains: true }) === name) {
    return `"${name}" is a public suffix (Public Suffix List): anyone can register names under it; list the names you need`;
  }
  // Only the leading-dot entry admits the customers' names; the exact name is one host.
  return value.startsWith('.') ? SHARED_PARENTS[name] : undefined;
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
