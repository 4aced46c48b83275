/**
 * Where an S3 request points. Path style (`/bucket/key`) is what the SDK sends to an IP endpoint or with
 * forcePathStyle; virtual-hosted style (`Host: bucket.localhost:4566`, path `/key`) is what it sends to a host
 * name (`http://localhost:4566`) for a DNS-compatible bucket name.
 */
import type { RawRequest } from '../framework';
import { s3Errors } from './errors';

export interface S3Address {
  /** '' for the service itself (ListBuckets). */
  readonly bucket: string;
  /** '' for the bucket itself. Keys are taken verbatim after decoding: `a//b`, `/a` and `a/` are distinct keys. */
  readonly key: string;
}

function decode(raw: string, req: RawRequest): string {
  try {
    // decodeURIComponent, not URLSearchParams: in a path `+` is a plus sign, not a space.
    return decodeURIComponent(raw);
  } catch {
    throw s3Errors.invalidUri(req.path);
  }
}

/** The host name of the Host header, lower-cased, without the port (IPv6 literals keep their brackets). */
function hostnameOf(req: RawRequest): string {
  const host = (req.headers.host ?? '').toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

/**
 * `virtualHostSuffixes`: host names under which a first label names a bucket (e.g. `localhost` makes
 * `my-bucket.localhost` the bucket my-bucket). Any other Host is path style.
 */
export function parseAddress(req: RawRequest, virtualHostSuffixes: readonly string[]): S3Address {
  const hostname = hostnameOf(req);
  for (const suffix of virtualHostSuffixes) {
    if (hostname.length > suffix.length + 1 && hostname.endsWith(`.${suffix}`)) {
      return { bucket: hostname.slice(0, -suffix.length - 1), key: decode(req.path.slice(1), req) };
    }
  }
  const rest = req.path.slice(1);
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: decode(rest, req), key: '' };
  return { bucket: decode(rest.slice(0, slash), req), key: decode(rest.slice(slash + 1), req) };
}
