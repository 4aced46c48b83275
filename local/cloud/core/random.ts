/**
 * mulberry32: a tiny seeded generator. Fault injection must be reproducible from a seed, which
 * Math.random cannot give; cryptographic quality is not needed here.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` lowercase hex characters drawn from `random`. */
export function randomHex(random: () => number, count: number): string {
  let out = '';
  while (out.length < count) out += Math.floor(random() * 0x10000).toString(16).padStart(4, '0');
  return out.slice(0, count);
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `count` characters from [a-z0-9], the alphabet of Organizations ids (o-, r-, ou-). */
export function randomLowerAlnum(random: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += LOWER_ALNUM[Math.floor(random() * LOWER_ALNUM.length)];
  return out;
}

/** A 12-digit AWS account id that does not start with 0 (clearer in logs). */
export function randomAccountId(random: () => number): string {
  let out = String(1 + Math.floor(random() * 9));
  for (let i = 0; i < 11; i++) out += String(Math.floor(random() * 10));
  return out;
}
