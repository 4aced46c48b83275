/**
 * The payload of a write as S3 sees it: aws-chunked bodies decoded (the SDK streams a Readable that way, with
 * the checksum in a trailer), then the integrity checks S3 makes before storing anything: x-amz-content-sha256,
 * Content-MD5 and the flexible checksum.
 */
import { createHash } from 'node:crypto';
import type { RawRequest } from '../framework';
import { CHECKSUM_ALGORITHMS, CHECKSUM_BYTES, checksumHeader, computeChecksum } from './checksums';
import type { ChecksumAlgorithm } from './checksums';
import { s3Errors } from './errors';
import { header } from './request';

export interface Payload {
  readonly bytes: Buffer;
  /** Trailing headers of an aws-chunked body (the SDK puts x-amz-checksum-crc32 there), by lower-cased name. */
  readonly trailers: Readonly<Record<string, string>>;
  /** The Content-Encoding to store: what the client sent, without aws-chunked (S3 strips it). */
  readonly contentEncoding: string | undefined;
}

const CRLF = Buffer.from('\r\n');

/**
 * aws-chunked: `hex-size[;chunk-signature=...]\r\n<bytes>\r\n` repeated, a zero-size chunk, then optional
 * `name:value\r\n` trailers and an empty line. Signatures are not checked (the emulator checks none).
 */
function decodeAwsChunked(raw: Buffer): { bytes: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf(CRLF, at);
    if (eol === -1) throw s3Errors.incompleteBody();
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isInteger(size) || size < 0) throw s3Errors.invalidRequest('The chunk size of an aws-chunked body is not valid.');
    at = eol + 2;
    if (size === 0) break;
    if (at + size + 2 > raw.length || !raw.subarray(at + size, at + size + 2).equals(CRLF)) throw s3Errors.incompleteBody();
    chunks.push(raw.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(at).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { bytes: Buffer.concat(chunks), trailers };
}

export function decodePayload(req: RawRequest): Payload {
  const encodings = (header(req, 'content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const rest = encodings.filter((e) => e.toLowerCase() !== 'aws-chunked');
  const contentEncoding = rest.length > 0 ? rest.join(', ') : undefined;
  if (rest.length === encodings.length) return { bytes: req.bodyBytes, trailers: {}, contentEncoding };
  const { bytes, trailers } = decodeAwsChunked(req.bodyBytes);
  const declared = header(req, 'x-amz-decoded-content-length');
  if (declared !== undefined && Number(declared) !== bytes.length) throw s3Errors.incompleteBody();
  return { bytes, trailers, contentEncoding };
}

/** The checksum a write carries, in a header or a trailer; S3 allows one algorithm per request. */
function declaredChecksum(req: RawRequest, payload: Payload): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  const found = CHECKSUM_ALGORITHMS.flatMap((algorithm) => {
    const value = header(req, checksumHeader(algorithm)) ?? payload.trailers[checksumHeader(algorithm)];
    return value === undefined ? [] : [{ algorithm, value }];
  });
  if (found.length > 1) throw s3Errors.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const sdkAlgorithm = header(req, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
  const declared = found[0];
  if (sdkAlgorithm !== undefined && declared === undefined) {
    throw s3Errors.invalidRequest('x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
  }
  if (sdkAlgorithm !== undefined && declared && declared.algorithm !== sdkAlgorithm) {
    throw s3Errors.invalidRequest(`Value for x-amz-sdk-checksum-algorithm header is invalid.`);
  }
  return declared;
}

/**
 * Checks the payload against every digest the request declares, and returns the flexible checksum to store.
 * Throws what S3 answers: XAmzContentSHA256Mismatch, InvalidDigest, BadDigest, InvalidRequest.
 */
export function verifyPayload(req: RawRequest, payload: Payload): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  // A hex x-amz-content-sha256 is the signed hash of the body as sent; UNSIGNED-PAYLOAD and STREAMING-* say
  // the body is covered some other way (or not at all).
  const contentSha256 = header(req, 'x-amz-content-sha256');
  if (contentSha256 !== undefined && /^[0-9a-fA-F]{64}$/.test(contentSha256)) {
    const computed = createHash('sha256').update(req.bodyBytes).digest('hex');
    if (computed !== contentSha256.toLowerCase()) throw s3Errors.contentSha256Mismatch(contentSha256, computed);
  }

  const contentMd5 = header(req, 'content-md5');
  if (contentMd5 !== undefined) {
    const digest = Buffer.from(contentMd5, 'base64');
    if (digest.length !== 16 || digest.toString('base64') !== contentMd5.trim()) throw s3Errors.invalidDigest(contentMd5);
    if (!createHash('md5').update(payload.bytes).digest().equals(digest)) throw s3Errors.badDigest();
  }

  const checksum = declaredChecksum(req, payload);
  if (checksum) {
    const decoded = Buffer.from(checksum.value, 'base64');
    if (decoded.length !== CHECKSUM_BYTES[checksum.algorithm] || decoded.toString('base64') !== checksum.value) {
      throw s3Errors.invalidRequest(`Value for ${checksumHeader(checksum.algorithm)} header is invalid.`);
    }
    const computed = computeChecksum(checksum.algorithm, payload.bytes);
    if (computed !== undefined && computed !== checksum.value) throw s3Errors.checksumMismatch(checksum.algorithm);
  }
  return checksum;
}
