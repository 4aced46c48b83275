/**
 * Which S3 operation a request is: REST-XML routes by method, by whether the path names a key, and by
 * "subresource" query parameters (`?delete`, `?list-type=2`, `?tagging`...). A request for an operation the
 * emulator does not implement routes to '' and is answered NotImplemented, never mistaken for another one.
 */
import type { RawRequest } from '../framework';
import type { S3Address } from './address';

export type S3Action =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'ListObjectsV2'
  | 'DeleteObjects'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject';

/** Query parameters each operation understands; any other is a subresource the emulator does not serve. */
const PARAMETERS: Partial<Record<S3Action, readonly string[]>> = {
  ListBuckets: ['prefix', 'bucket-region'],
  ListObjectsV2: ['list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner'],
  DeleteObjects: ['delete'],
  GetObject: [
    'response-content-type',
    'response-content-language',
    'response-expires',
    'response-cache-control',
    'response-content-disposition',
    'response-content-encoding',
  ],
};

/** The SDK's `x-id=PutObject` marker and a presigned URL's X-Amz-* parameters go with every operation. */
const isUniversal = (name: string) => name === 'x-id' || name.toLowerCase().startsWith('x-amz-');

function candidate(method: string, address: S3Address, query: URLSearchParams): S3Action | undefined {
  if (address.bucket === '') return method === 'GET' ? 'ListBuckets' : undefined;
  if (address.key === '') {
    switch (method) {
      case 'PUT':
        return 'CreateBucket';
      case 'HEAD':
        return 'HeadBucket';
      case 'DELETE':
        return 'DeleteBucket';
      case 'GET':
        // Without list-type=2 a GET is ListObjects (version 1), which is not emulated.
        return query.get('list-type') === '2' ? 'ListObjectsV2' : undefined;
      case 'POST':
        return query.has('delete') ? 'DeleteObjects' : undefined;
      default:
        return undefined;
    }
  }
  switch (method) {
    case 'PUT':
      return 'PutObject';
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return undefined;
  }
}

export function routeOf(req: RawRequest, address: S3Address): S3Action | undefined {
  const action = candidate(req.method, address, req.query);
  if (action === undefined) return undefined;
  const known = PARAMETERS[action] ?? [];
  for (const name of req.query.keys()) if (!isUniversal(name) && !known.includes(name)) return undefined;
  return action;
}

export const KNOWN_METHODS = new Set(['GET', 'PUT', 'HEAD', 'DELETE', 'POST']);
