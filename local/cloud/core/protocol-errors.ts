import { AwsError } from '../framework';

/**
 * The errors the core raises on a service's behalf (throttling, injected faults, bad credentials),
 * with the code and HTTP status each AWS protocol really uses for them.
 */
interface ServiceErrors {
  throttle: [code: string, status: number, message: string];
  /** A request signed for a region AWS does not have. */
  badRegion?: [code: string, status: number];
  internal: [code: string, status: number];
  unavailable: [code: string, status: number];
  authFailure: [code: string, status: number];
}

const ERRORS: Record<string, ServiceErrors> = {
  ec2: {
    badRegion: ['SignatureDoesNotMatch', 403],
    throttle: ['RequestLimitExceeded', 503, 'Request limit exceeded.'],
    internal: ['InternalError', 500],
    unavailable: ['Unavailable', 503],
    authFailure: ['AuthFailure', 401],
  },
  sts: {
    badRegion: ['SignatureDoesNotMatch', 403],
    throttle: ['Throttling', 400, 'Rate exceeded'],
    internal: ['InternalFailure', 500],
    unavailable: ['ServiceUnavailable', 503],
    authFailure: ['InvalidClientTokenId', 403],
  },
  organizations: {
    throttle: ['TooManyRequestsException', 400, 'AWS Organizations can\u2019t complete your request because it received too many requests. Try again later.'],
    internal: ['ServiceException', 500],
    unavailable: ['ServiceException', 503],
    authFailure: ['UnrecognizedClientException', 400],
  },
  ram: {
    throttle: ['ThrottlingException', 429, 'Rate exceeded'],
    internal: ['ServerInternalException', 500],
    unavailable: ['ServiceUnavailableException', 503],
    authFailure: ['UnrecognizedClientException', 403],
  },
  events: {
    throttle: ['ThrottlingException', 400, 'Rate exceeded'],
    internal: ['InternalException', 500],
    unavailable: ['ServiceUnavailable', 503],
    authFailure: ['UnrecognizedClientException', 400],
  },
  s3: {
    badRegion: ['AuthorizationHeaderMalformed', 400],
    // S3 throttles per prefix with 503 SlowDown; the SDK retries it like any throttle.
    throttle: ['SlowDown', 503, 'Please reduce your request rate.'],
    internal: ['InternalError', 500],
    unavailable: ['ServiceUnavailable', 503],
    // What S3 says of a session token it does not recognise (STS says InvalidClientTokenId).
    authFailure: ['InvalidToken', 400],
  },
  logs: {
    throttle: ['ThrottlingException', 400, 'Rate exceeded'],
    internal: ['ServiceUnavailableException', 500],
    unavailable: ['ServiceUnavailableException', 503],
    authFailure: ['UnrecognizedClientException', 400],
  },
  sqs: {
    throttle: ['RequestThrottled', 403, 'Request is throttled.'],
    internal: ['InternalFailure', 500],
    unavailable: ['ServiceUnavailable', 503],
    authFailure: ['InvalidClientTokenId', 403],
  },
  lambda: {
    throttle: ['TooManyRequestsException', 429, 'Rate Exceeded.'],
    internal: ['ServiceException', 500],
    // Lambda's model has no separate "unavailable" error: ServiceException covers both.
    unavailable: ['ServiceException', 503],
    authFailure: ['UnrecognizedClientException', 403],
  },
};

const FALLBACK: ServiceErrors = {
  throttle: ['ThrottlingException', 400, 'Rate exceeded'],
  internal: ['InternalFailure', 500],
  unavailable: ['ServiceUnavailable', 503],
  authFailure: ['UnrecognizedClientException', 403],
};

const errorsOf = (service: string) => ERRORS[service] ?? FALLBACK;

export function throttleError(service: string): AwsError {
  const [code, status, message] = errorsOf(service).throttle;
  return new AwsError(code, message, status);
}

/** An injected fault: half internal errors (500), half unavailable (503), chosen by `draw` (0..1). */
export function faultError(service: string, draw: number): AwsError {
  const errors = errorsOf(service);
  const [code, status] = draw < 0.5 ? errors.internal : errors.unavailable;
  return new AwsError(code, status === 500 ? 'An internal error has occurred (injected fault).' : 'Service is unavailable (injected fault).', status);
}

/** The service's internal error, for a failure of the emulator itself. */
export function internalError(service: string, message: string): AwsError {
  const [code, status] = errorsOf(service).internal;
  return new AwsError(code, message, status);
}

/**
 * AWS's answer to a signature scoped to a region it does not have (`mars-east-1`): query protocols say
 * SignatureDoesNotMatch, JSON protocols InvalidSignatureException, S3 AuthorizationHeaderMalformed.
 */
export function unknownRegionError(service: string, region: string): AwsError {
  const [code, status] = errorsOf(service).badRegion ?? ['InvalidSignatureException', 403];
  return new AwsError(code, `Credential should be scoped to a valid region, not '${region}'.`, status);
}

/** Re-codes a credential error for the service's protocol (EC2 says AuthFailure where STS says InvalidClientTokenId). */
export function authError(service: string, message: string): AwsError {
  const [code, status] = errorsOf(service).authFailure;
  return new AwsError(code, message, status);
}
