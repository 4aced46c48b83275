/**
 * SQS errors over its JSON protocol: `{"__type": "com.amazonaws.sqs#<Shape>", "message": ...}` with the query-protocol
 * code in `x-amzn-query-error` (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which SDKs built for the older
 * query protocol read (SQS is "awsQueryCompatible").
 */
import { AwsError } from '../framework';
import type { CallContext, RawResponse } from '../framework';

/** Shape name -> [query error code, HTTP status], as the SDK's model declares them. */
const SHAPES: Record<string, readonly [string, number]> = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  // Common errors of every AWS JSON service: no modelled shape, the code is the type.
  MissingParameter: ['MissingParameter', 400],
  // Common errors of every AWS JSON service: no modelled shape, the code is the type.
  InvalidParameterValueException: ['InvalidParameterValue', 400],
  InvalidClientTokenId: ['InvalidClientTokenId', 403],
  InternalFailure: ['InternalFailure', 500],
  ServiceUnavailable: ['ServiceUnavailable', 503],
  UnknownOperationException: ['UnknownOperationException', 400],
  SerializationException: ['SerializationException', 400],
};

export const sqsErrors = {
  noQueue: () => new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400),
  badReceiptHandle: (handle: string) => new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 404),
  noSource: () => new AwsError('ResourceNotFoundException', 'The resource that you specified for the SourceArn parameter doesn\u2019t exist.', 404),
  unsupported: (message: string) => new AwsError('UnsupportedOperation', message, 400),
  invalidAttribute: (name: string) => new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`, 400),
  invalidParameter: (message: string) => new AwsError('InvalidParameterValueException', message, 400),
  missingParameter: (name: string) => new AwsError('MissingParameter', `The request must contain the parameter ${name}.`, 400),
  invalidContents: (character: string) =>
    new AwsError(
      'InvalidMessageContents',
      `Invalid binary character '${character}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      400,
    ),
};

export function sqsErrorResponse(err: AwsError, ctx: CallContext): RawResponse {
  const [queryCode, status] = SHAPES[err.code] ?? [err.code, err.status];
  const fault = (SHAPES[err.code]?.[1] ?? err.status) >= 500 ? 'Receiver' : 'Sender';
  return {
    status: err.status || status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': ctx.requestId,
      'x-amzn-query-error': `${queryCode};${fault}`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${err.code}`, message: err.message }),
  };
}
