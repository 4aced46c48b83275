/** IPv4 CIDR arithmetic for VPC and subnet ranges. */
export interface Ipv4Range {
  start: number;
  prefix: number;
  size: number;
}

export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  // AWS accepts host bits set and normalizes; we keep the network address.
  return { start: address - (address % size), prefix, size };
}

export const contains = (outer: Ipv4Range, inner: Ipv4Range) =>
  inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;

export const overlaps = (a: Ipv4Range, b: Ipv4Range) => a.start < b.start + b.size && b.start < a.start + a.size;
