/**
 * S3's errors: an `<Error>` document with Code, Message, the details each error names (BucketName, Key,
 * Condition...) and RequestId, as S3's REST error responses carry them. HEAD answers carry no body, so
 * S3 (and the SDK) then go by the status code alone.
 */
import { AwsError } from '../framework';
import type { CallContext, RawRequest, RawResponse } from '../framework';
import { hostId, s3Headers, xmlDocument } from './xml';

export class S3Error extends AwsError {
  constructor(
    code: string,
    message: string,
    status: number,
    /** Extra elements of the error document, in order. */
    readonly details: Readonly<Record<string, string>> = {},
    /** Headers S3 adds to this error (x-amz-bucket-region on a wrong-region request). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(code, message, status);
  }
}

export const s3Errors = {
  noSuchBucket: (bucket: string) => new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }),
  /** S3 says no more than this, whatever policy denied the request. */
  accessDenied: () => new S3Error('AccessDenied', 'Access Denied', 403),
  bucketAlreadyExists: (bucket: string) =>
    new S3Error(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      409,
      { BucketName: bucket },
    ),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: bucket }),
  bucketNotEmpty: (bucket: string) => new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket }),
  invalidBucketName: (bucket: string) => new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }),
  /** `condition` is the header that did not hold: If-Match, If-None-Match, If-Unmodified-Since. */
  preconditionFailed: (condition: string) =>
    new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition }),
  badDigest: () => new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400),
  invalidDigest: (contentMd5: string) => new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': contentMd5 }),
  checksumMismatch: (algorithm: string) => new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`, 400),
  contentSha256Mismatch: (client: string, computed: string) =>
    new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
      ClientComputedContentSHA256: client,
      S3ComputedContentSHA256: computed,
    }),
  incompleteBody: () => new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header', 400),
  keyTooLong: (size: number) => new S3Error('KeyTooLongError', 'Your key is too long', 400, { Size: String(size), MaxSizeAllowed: '1024' }),
  metadataTooLarge: (size: number) =>
    new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, { Size: String(size), MaxSizeAllowed: '2048' }),
  malformedXml: () =>
    new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400),
  invalidArgument: (message: string, name: string, value: string) =>
    new S3Error('InvalidArgument', message, 400, { ArgumentName: name, ArgumentValue: value }),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', message, 400),
  invalidUri: (uri: string) => new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400, { URI: uri }),
  invalidStorageClass: (value: string) => new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', 400, { StorageClassRequested: value }),
  /** What S3 answers for a feature it (or here, the emulator) does not implement. */
  notImplemented: (header?: string) =>
    new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, header ? { Header: header } : {}),
  methodNotAllowed: (method: string, resourceType: 'SERVICE' | 'BUCKET' | 'OBJECT') =>
    new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: resourceType }),
  /** A request signed for another region than the bucket's: the SDK can follow x-amz-bucket-region. */
  wrongRegion: (signed: string, expected: string) =>
    new S3Error(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; the region '${signed}' is wrong; expecting '${expected}'`,
      400,
      { Region: expected },
      { 'x-amz-bucket-region': expected },
    ),
  illegalLocationConstraint: (constraint: string | undefined) =>
    new S3Error(
      'IllegalLocationConstraintException',
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    ),
  invalidLocationConstraint: (constraint: string) =>
    new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { LocationConstraint: constraint }),
};

export function s3ErrorResponse(err: AwsError, ctx: CallContext, req?: RawRequest): RawResponse {
  const details = err instanceof S3Error ? err.details : {};
  const headers = { ...s3Headers(ctx), 'content-type': 'application/xml', ...(err instanceof S3Error ? err.headers : {}) };
  // HEAD has no body: S3 answers with the status alone (the SDK names a bodiless 404 NotFound).
  if (req?.method === 'HEAD') return { status: err.status, headers, body: '' };
  return {
    status: err.status,
    headers,
    body: xmlDocument('Error', { Code: err.code, Message: err.message, ...details, RequestId: ctx.requestId, HostId: hostId(ctx) }, false),
  };
}
