import type { AwsError } from '../framework';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Offset pagination with an opaque token. The token carries a fingerprint of the listing (for
 * example the parent id) so a token replayed against another listing is rejected, as AWS does.
 */
export function paginate<T>(
  all: readonly T[],
  options: { maxResults?: number; nextToken?: string; defaultMax: number; limit: number; scope: string },
  invalidToken: () => AwsError,
  invalidMax: () => AwsError,
): Page<T> {
  const max = options.maxResults ?? options.defaultMax;
  if (!Number.isInteger(max) || max < 1 || max > options.limit) throw invalidMax();
  let offset = 0;
  if (options.nextToken) {
    const decoded = decodeToken(options.nextToken);
    if (!decoded || decoded.scope !== options.scope) throw invalidToken();
    offset = decoded.offset;
  }
  const items = all.slice(offset, offset + max);
  const next = offset + max;
  return next < all.length ? { items, nextToken: encodeToken(options.scope, next) } : { items };
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64url');
}

function decodeToken(token: string): { scope: string; offset: number } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
    if (typeof parsed.s !== 'string' || typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0) return undefined;
    return { scope: parsed.s, offset: parsed.o };
  } catch {
    return undefined;
  }
}
