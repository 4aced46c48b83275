/** Helpers shared by the JSON protocols: awsJson1_1 (Organizations, EventBridge) and restJson1 (RAM). */
import { AwsError } from '../framework';
import type { CallContext, RawRequest, RawResponse } from '../framework';

/** An AwsError with extra members some error shapes carry (Organizations' `Reason`). */
export class AwsErrorWithFields extends AwsError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly fields: Record<string, string>,
  ) {
    super(code, message, status);
  }
}

export type JsonObject = Record<string, unknown>;

const bodyCache = new WeakMap<RawRequest, JsonObject>();

/** The request body as a JSON object (an empty body is `{}`), parsed once per request. */
export function jsonBody(req: RawRequest): JsonObject {
  let body = bodyCache.get(req);
  if (!body) {
    let parsed: unknown = {};
    if (req.body.trim() !== '') {
      try {
        parsed = JSON.parse(req.body);
      } catch {
        throw new AwsError('SerializationException', 'Request body is not valid JSON', 400);
      }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AwsError('SerializationException', 'Request body must be a JSON object', 400);
    }
    body = parsed as JsonObject;
    bodyCache.set(req, body);
  }
  return body;
}

/** `AWSOrganizationsV20161128.ListAccounts` -> `ListAccounts`. */
export function targetAction(req: RawRequest): string {
  const target = req.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.slice(value.indexOf('.') + 1) ?? '';
}

export function awsJsonResponse(body: unknown, ctx: CallContext): RawResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId },
    body: JSON.stringify(body),
  };
}

export function awsJsonError(err: AwsError, ctx: CallContext): RawResponse {
  const fields = err instanceof AwsErrorWithFields ? err.fields : {};
  return {
    status: err.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': ctx.requestId },
    body: JSON.stringify({ __type: err.code, Message: err.message, ...fields }),
  };
}

/** Typed readers for request members; a wrong type is the client's error. */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('SerializationException', `${name} must be a string`, 400);
  return value;
}

export function optionalNumber(body: JsonObject, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new AwsError('SerializationException', `${name} must be a number`, 400);
  return value;
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AwsError('SerializationException', `${name} must be a boolean`, 400);
  return value;
}

export function optionalStringList(body: JsonObject, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new AwsError('SerializationException', `${name} must be a list of strings`, 400);
  }
  return value;
}

/** JSON protocols send timestamps as epoch seconds. */
export const epochSeconds = (ms: number) => Math.floor(ms) / 1000;
