/** Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects. */
import { createHash } from 'node:crypto';
import type { CallContext, RawRequest, RawResponse } from '../framework';
import { CHECKSUM_ALGORITHMS, checksumHeader } from './checksums';
import { checkDelete, checkWrite, evaluateRead } from './conditions';
import { s3Errors, S3Error } from './errors';
import type { Bucket, S3Store, StoredObject } from './model';
import { decodePayload, verifyPayload } from './payload';
import { header } from './request';
import { emptyResponse, httpDate, xmlResponse } from './respond';
import { hasRoot, innerXmlOf, s3Headers, textOf } from './xml';

const MAX_KEY_BYTES = 1024;
const MAX_METADATA_BYTES = 2048;
/** S3's default when a PUT names no Content-Type. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
/** Representation headers S3 stores with an object and returns on GET and HEAD. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires'] as const;
const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR']);
/** DeleteObjects takes at most this many keys per request. */
const MAX_DELETE_KEYS = 1000;

export function validateKey(key: string): void {
  const size = Buffer.byteLength(key);
  if (size > MAX_KEY_BYTES) throw s3Errors.keyTooLong(size);
}

function userMetadata(req: RawRequest): Record<string, string> {
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    metadata[name.slice('x-amz-meta-'.length)] = text;
    size += Buffer.byteLength(name.slice('x-amz-meta-'.length)) + Buffer.byteLength(text);
  }
  if (size > MAX_METADATA_BYTES) throw s3Errors.metadataTooLarge(size);
  return metadata;
}

export function putObject(store: S3Store, bucket: Bucket, key: string, req: RawRequest, ctx: CallContext, now: number): RawResponse {
  validateKey(key);
  if (header(req, 'x-amz-copy-source') !== undefined) throw s3Errors.notImplemented('x-amz-copy-source');
  const storageClass = header(req, 'x-amz-storage-class') ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(storageClass)) throw s3Errors.invalidStorageClass(storageClass);
  const payload = decodePayload(req);
  const checksum = verifyPayload(req, payload);
  const metadata = userMetadata(req);
  // Checked and stored with nothing in between (the handler does not yield): a conditional write is atomic.
  checkWrite(req, key, bucket.objects.get(key));

  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(req, name);
    if (value !== undefined) headers[name] = value;
  }
  if (payload.contentEncoding !== undefined) headers['content-encoding'] = payload.contentEncoding;
  const object: StoredObject = {
    key,
    body: Buffer.from(payload.bytes),
    etag: `"${createHash('md5').update(payload.bytes).digest('hex')}"`,
    lastModified: Math.floor(now / 1000) * 1000,
    contentType: header(req, 'content-type') ?? DEFAULT_CONTENT_TYPE,
    storageClass,
    checksum,
    metadata,
    headers,
  };
  store.put(bucket, object);
  return emptyResponse(ctx, 200, {
    etag: object.etag,
    // S3 encrypts every new object (SSE-S3) and says so.
    'x-amz-server-side-encryption': 'AES256',
    ...(checksum ? { [checksumHeader(checksum.algorithm)]: checksum.value, 'x-amz-checksum-type': 'FULL_OBJECT' } : {}),
  });
}

/** GetObject's response-* query parameters override these headers of the answer. */
const RESPONSE_OVERRIDES: Readonly<Record<string, string>> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

function objectHeaders(object: StoredObject, req: RawRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    'content-length': String(object.body.length),
    etag: object.etag,
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  // S3 names the storage class only when it is not STANDARD.
  if (object.storageClass !== 'STANDARD') headers['x-amz-storage-class'] = object.storageClass;
  // The stored checksum only for a reader that asks (the SDK does by default, and then verifies the body).
  if (object.checksum && header(req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    headers[checksumHeader(object.checksum.algorithm)] = object.checksum.value;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = req.query.get(parameter);
    if (value !== null) headers[name] = value;
  }
  return headers;
}

/** GetObject and HeadObject: the same checks and headers; HEAD sends no body (the server drops it). */
export function getObject(bucket: Bucket, key: string, req: RawRequest, ctx: CallContext): RawResponse {
  validateKey(key);
  const object = bucket.objects.get(key);
  if (!object) throw s3Errors.noSuchKey(key);
  if (evaluateRead(req, object) === 'not-modified') {
    // 304 carries the validators, so a poller can keep its cached copy's ETag current, and no body.
    return emptyResponse(ctx, 304, { etag: object.etag, 'last-modified': httpDate(object.lastModified) });
  }
  return { status: 200, headers: { ...s3Headers(ctx), ...objectHeaders(object, req) }, body: '', bodyBytes: object.body };
}

/** 204 whether or not the key exists (S3 does not say); If-Match makes it conditional. */
export function deleteObject(store: S3Store, bucket: Bucket, key: string, req: RawRequest, ctx: CallContext): RawResponse {
  validateKey(key);
  checkDelete(header(req, 'if-match'), key, bucket.objects.get(key));
  store.delete(bucket, key);
  return emptyResponse(ctx, 204);
}

/**
 * DeleteObjects: up to 1000 keys, each deleted (or failed, e.g. a stale ETag) on its own; Quiet lists only the
 * failures. S3 requires an integrity header on this request (Content-MD5 or a flexible checksum).
 */
export function deleteObjects(store: S3Store, bucket: Bucket, req: RawRequest, ctx: CallContext): RawResponse {
  const payload = decodePayload(req);
  const digests = ['content-md5', ...CHECKSUM_ALGORITHMS.map(checksumHeader)];
  if (!digests.some((name) => header(req, name) !== undefined || payload.trailers[name] !== undefined)) {
    throw s3Errors.invalidRequest('Missing required header for this request: Content-MD5');
  }
  verifyPayload(req, payload);
  const xml = payload.bytes.toString('utf8');
  if (!hasRoot(xml, 'Delete')) throw s3Errors.malformedXml();
  const entries = innerXmlOf(xml, 'Object').map((inner) => ({ key: textOf(inner, 'Key'), etag: textOf(inner, 'ETag') }));
  if (entries.length === 0 || entries.length > MAX_DELETE_KEYS || entries.some((e) => e.key === undefined)) throw s3Errors.malformedXml();
  const quiet = textOf(xml, 'Quiet')?.trim().toLowerCase() === 'true';

  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const entry of entries) {
    const key = entry.key ?? '';
    try {
      validateKey(key);
      checkDelete(entry.etag, key, bucket.objects.get(key));
      store.delete(bucket, key);
      deleted.push({ Key: key });
    } catch (err) {
      if (!(err instanceof S3Error)) throw err;
      errors.push({ Key: key, Code: err.code, Message: err.message });
    }
  }
  return xmlResponse(ctx, 'DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors });
}
