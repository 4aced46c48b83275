/**
 * One AWS call from parsed HTTP request to response: identify the caller from the SigV4 credential
 * scope, route by signing name, throttle, inject faults, and let the service answer.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../framework';
import type { CallContext, RawRequest, RawResponse, ServiceModule } from '../framework';
import { resolveCaller } from './identity';
import type { Metrics } from './metrics';
import { isAwsRegion } from '../../../infra/validation/aws-regions';
import { authError, faultError, internalError, throttleError, unknownRegionError } from './protocol-errors';
import { parseCredentialScope } from './sigv4';
import type { Throttler } from './throttle';
import type { LocalWorld } from './world';

export interface DispatchDeps {
  world: LocalWorld;
  services: ReadonlyMap<string, ServiceModule>;
  throttler: Throttler;
  metrics: Metrics;
  /** Seeded generator for injected errors (separate from event faults so each is reproducible). */
  faultRandom: () => number;
  errorRate: number;
  errorServices?: readonly string[];
}

const plainError = (status: number, code: string, message: string, requestId: string): RawResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': code },
  body: JSON.stringify({ __type: code, message }),
});

export function dispatch(deps: DispatchDeps, req: RawRequest): Promise<RawResponse> | RawResponse {
  const requestId = randomUUID();
  const scope = parseCredentialScope(req.headers, req.query);
  if (!scope) return plainError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', requestId);
  const service = deps.services.get(scope.service);
  if (!service) return plainError(400, 'UnknownServiceException', `The local cloud does not emulate ${scope.service}`, requestId);

  let ctx: CallContext = { accountId: '', region: scope.region, callerArn: '', requestId };
  const fail = (err: AwsError, action: string) => {
    deps.metrics.count(deps.metrics.errors, `${service.signingName}:${err.code}`);
    deps.metrics.count(deps.metrics.calls, `${service.signingName}:${action}`);
    return service.errorResponse(err, ctx, req);
  };

  let action = '';
  try {
    action = service.actionOf(req);
    // Checked before anything else: AWS refuses the signature, so no state may be created in a region it lacks.
    if (!isAwsRegion(scope.region)) throw unknownRegionError(service.signingName, scope.region);
    const caller = resolveCaller(deps.world, scope);
    ctx = { accountId: caller.accountId, region: scope.region, callerArn: caller.callerArn, requestId };
  } catch (err) {
    if (err instanceof AwsError) return fail(err.code === 'InvalidClientTokenId' ? authError(scope.service, err.message) : err, action);
    throw err;
  }

  const cls = service.throttleClass(action);
  const throttleScope = cls === undefined ? '' : (service.throttleScope?.(req, ctx) ?? `${ctx.accountId}|${ctx.region}`);
  if (cls !== undefined && !deps.throttler.takeIn(throttleScope, service.signingName, cls, service.throttleBuckets)) {
    deps.metrics.count(deps.metrics.throttled, `${service.signingName}:${action}`);
    return fail(throttleError(service.signingName), action);
  }
  if (deps.errorRate > 0 && (!deps.errorServices || deps.errorServices.includes(service.signingName))) {
    if (deps.faultRandom() < deps.errorRate) {
      deps.metrics.count(deps.metrics.faults, `${service.signingName}:${action}`);
      return fail(faultError(service.signingName, deps.faultRandom()), action);
    }
  }

  deps.metrics.count(deps.metrics.calls, `${service.signingName}:${action}`);
  const onError = (err: unknown): RawResponse => {
    if (err instanceof AwsError) {
      deps.metrics.count(deps.metrics.errors, `${service.signingName}:${err.code}`);
      return service.errorResponse(err, ctx, req);
    }
    // A bug in a service module: answer like AWS's internal error and report it loudly.
    console.error(`local cloud: ${service.signingName}:${action} failed`, err);
    deps.metrics.count(deps.metrics.errors, `${service.signingName}:InternalError`);
    return service.errorResponse(internalError(service.signingName, 'We encountered an internal error. Please try again.'), ctx, req);
  };
  try {
    const result = service.handle(req, ctx);
    return result instanceof Promise ? result.catch(onError) : result;
  } catch (err) {
    return onError(err);
  }
}
