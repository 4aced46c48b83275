/**
 * Lambda's API errors (restJson1: the code in the x-amzn-errortype header). The body's members differ by error in
 * Lambda's model: `Type` ("User" or "Service") and either `Message` or `message`; the SDK reads the one its model names.
 */
import { AwsError } from '../framework';
import type { CallContext, RawResponse } from '../framework';

/** Errors whose model spells the member `Message`; the others spell it `message`. */
const CAPITALIZED_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException', 'AccessDeniedException', 'ResourceConflictException']);

export const lambdaErrors = {
  notFound: (arn: string) => new AwsError('ResourceNotFoundException', `Function not found: ${arn}`, 404),
  /** No resource-based policies are modelled: only callers of the function's own account may invoke it. */
  denied: (callerArn: string, arn: string) =>
    new AwsError(
      'AccessDeniedException',
      `User: ${callerArn} is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no resource-based policy allows the lambda:InvokeFunction action`,
      403,
    ),
  validation: (detail: string) => new AwsError('ValidationException', `1 validation error detected: ${detail}`, 400),
  invalidParameter: (message: string) => new AwsError('InvalidParameterValueException', message, 400),
  invalidContent: (reason: string) => new AwsError('InvalidRequestContentException', `Could not parse request body into json: ${reason}`, 400),
  tooLarge: (limit: number) => new AwsError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413),
  unknownOperation: (method: string, path: string) => new AwsError('UnknownOperationException', `No operation at ${method} ${path}`, 404),
};

export function lambdaErrorResponse(err: AwsError, ctx: CallContext): RawResponse {
  const messageMember = CAPITALIZED_MESSAGE.has(err.code) ? 'Message' : 'message';
  return {
    status: err.status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': ctx.requestId, 'x-amzn-errortype': err.code },
    body: JSON.stringify({ Type: err.status >= 500 ? 'Service' : 'User', [messageMember]: err.message }),
  };
}
