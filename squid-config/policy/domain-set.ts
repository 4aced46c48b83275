/**
 * A set of destinations with Squid's `dstdomain` semantics, for the per-spoke policy decision:
 * `.example.com` matches example.com and every subdomain; `api.example.com` matches exactly that name;
 * an IPv4 literal matches exactly that address as written (Squid runs with `dstdomain -n`: no reverse DNS).
 *
 * Lookups walk the host's parent names (a.b.example.com, b.example.com, example.com, com), so a check
 * costs a few hash probes whatever the size of the set: a 10,000-entry baseline is as fast as a 10-entry one.
 */
export class DomainSet {
  private readonly exact = new Set<string>();
  private readonly withSubdomains = new Set<string>();

  constructor(entries: Iterable<string>) {
    for (const raw of entries) {
      const entry = raw.toLowerCase();
      if (entry.startsWith('.')) this.withSubdomains.add(entry.slice(1));
      else this.exact.add(entry);
    }
  }

  get size(): number {
    return this.exact.size + this.withSubdomains.size;
  }

  /** True when `host` (a name or an IP literal, as the request names it) is in the set. */
  has(host: string): boolean {
    const name = normalizeHost(host);
    if (name === '') return false;
    if (this.exact.has(name)) return true;
    // IP literals match only as written: 10.1.2.3 must not match an entry "2.3" by walking "parents".
    if (IPV4_LITERAL.test(name) || name.includes(':')) return false;
    for (let candidate: string | undefined = name; candidate !== undefined; candidate = parentName(candidate)) {
      if (this.withSubdomains.has(candidate)) return true;
    }
    return false;
  }
}

const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Lowercase, without the root's trailing dot (`Example.COM.` names the same host as `example.com`). */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function parentName(name: string): string | undefined {
  const dot = name.indexOf('.');
  return dot < 0 ? undefined : name.slice(dot + 1);
}
