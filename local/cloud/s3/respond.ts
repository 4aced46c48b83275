/** Successful S3 responses: S3's request id headers on every answer, XML documents, empty answers. */
import type { CallContext, RawResponse } from '../framework';
import { s3Headers, xmlDocument } from './xml';
import type { XmlObject } from './xml';

export function xmlResponse(ctx: CallContext, root: string, body: XmlObject): RawResponse {
  return { status: 200, headers: { ...s3Headers(ctx), 'content-type': 'application/xml' }, body: xmlDocument(root, body) };
}

export function emptyResponse(ctx: CallContext, status: number, headers: Record<string, string> = {}): RawResponse {
  return { status, headers: { ...s3Headers(ctx), ...headers }, body: '' };
}

/** ISO 8601 with milliseconds, as S3's XML documents print timestamps. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** An RFC 7231 HTTP date (`Tue, 01 Dec 2026 10:00:00 GMT`), as S3's headers print them. */
export const httpDate = (ms: number) => new Date(ms).toUTCString();
