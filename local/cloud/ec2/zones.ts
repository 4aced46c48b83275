/**
 * Availability zones. AWS maps AZ *names* (eu-west-2a) to physical AZ *ids* (euw2-az2) independently
 * for each account, so two accounts' "eu-west-2a" are usually different places. We derive each
 * account's mapping deterministically from its id, so tests and benchmarks are reproducible.
 */
import { AwsError } from '../framework';

export interface Zone {
  name: string;
  id: string;
}

/** Regions with more than the default 3 AZs. */
const ZONE_COUNTS: Record<string, number> = { 'us-east-1': 6, 'us-west-2': 4, 'ap-northeast-2': 4 };

const COMPASS: Record<string, string> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
};

/** euw2 for eu-west-2, use1 for us-east-1, apse2 for ap-southeast-2: the prefix of AZ ids. */
export function zoneIdPrefix(region: string): string {
  const match = /^([a-z]{2})-([a-z]+)-(\d+)$/.exec(region);
  if (!match?.[1] || !match[2] || !match[3]) throw new AwsError('InvalidParameterValue', `Unknown region ${region}`);
  return `${match[1]}${COMPASS[match[2]] ?? match[2].slice(0, 1)}${match[3]}`;
}

export const zoneCount = (region: string) => ZONE_COUNTS[region] ?? 3;

/** FNV-1a: small, fast and stable across Node versions. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const cache = new Map<string, Zone[]>();

/** The account's zones in name order (a, b, c...), each with the physical zone id it maps to. */
export function accountZones(accountId: string, region: string): Zone[] {
  const cacheKey = `${accountId}/${region}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const count = zoneCount(region);
  const prefix = zoneIdPrefix(region);
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-az${i + 1}`);
  // Fisher-Yates driven by a hash chain of the account id: a permutation per account and region.
  let seed = hash(cacheKey);
  for (let i = count - 1; i > 0; i--) {
    seed = hash(`${seed}`);
    const j = seed % (i + 1);
    [ids[i], ids[j]] = [ids[j] as string, ids[i] as string];
  }
  const zones = ids.map((id, i) => ({ name: `${region}${String.fromCharCode(97 + i)}`, id }));
  cache.set(cacheKey, zones);
  return zones;
}

export function zoneByName(accountId: string, region: string, name: string): Zone | undefined {
  return accountZones(accountId, region).find((z) => z.name === name);
}

export function zoneById(accountId: string, region: string, id: string): Zone | undefined {
  return accountZones(accountId, region).find((z) => z.id === id);
}
