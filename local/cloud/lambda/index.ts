/**
 * Lambda `Invoke` over restJson1: POST /2015-03-31/functions/{FunctionName}/invocations, the event as the raw body,
 * X-Amz-Invocation-Type RequestResponse (200, the result as the body), Event (202, runs in the background) or
 * DryRun (204, checks only). The functions are the embedder's in-process handlers (LocalCloud.setFunctions); the
 * rest of the Lambda API (creating functions, versions, aliases, resource policies) is not emulated.
 */
import { LOCAL_DEFAULTS } from '../api';
import type { LocalFunction } from '../api';
import type { CallContext, RawRequest, RawResponse, ServiceModule } from '../framework';
import type { LocalWorld } from '../core/world';
import { lambdaErrorResponse, lambdaErrors } from './errors';
import { functionArn, parseFunctionName } from './function-name';
import { PAYLOAD_LIMITS, runFunction, type InvocationOutcome } from './invocation';
import { FunctionRegistry, type RegisteredFunction } from './registry';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;
type InvocationType = (typeof INVOCATION_TYPES)[number];

interface InvocationCounters {
  requestResponse: number;
  event: number;
  dryRun: number;
  /** Invocations that ended with X-Amz-Function-Error (or, for Event, would have gone to a dead-letter queue). */
  functionErrors: number;
  /** The newest failure of a background (Event) invocation: nobody else hears of it. */
  lastEventError?: string;
}

export interface LambdaServiceModule extends ServiceModule {
  setFunctions(functions: Readonly<Record<string, LocalFunction>> | undefined): void;
}

const header = (req: RawRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function decodePathName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw lambdaErrors.validation(`Value '${encoded}' at 'functionName' is not a valid URI-encoded name`);
  }
}

export function createLambdaService(world: LocalWorld): LambdaServiceModule {
  const registry = new FunctionRegistry({ accountId: world.hubAccountId, region: LOCAL_DEFAULTS.hubRegion });
  const counters = new Map<string, InvocationCounters>();
  const countersOf = (arn: string) => {
    let entry = counters.get(arn);
    if (!entry) counters.set(arn, (entry = { requestResponse: 0, event: 0, dryRun: 0, functionErrors: 0 }));
    return entry;
  };

  function resolveTarget(req: RawRequest, rawName: string, ctx: CallContext): RegisteredFunction {
    const address = parseFunctionName(rawName, req.query.get('Qualifier') ?? undefined, ctx);
    const arn = functionArn(address, address.qualifier);
    // Without resource-based policies, another account's function is never invocable; AWS answers AccessDenied
    // whether or not it exists, so nothing is learned about other accounts' functions.
    if (address.accountId !== ctx.accountId) throw lambdaErrors.denied(ctx.callerArn, arn);
    const fn = address.region === ctx.region ? registry.find(address) : undefined;
    // Only the unpublished code exists: no versions or aliases.
    if (!fn || (address.qualifier !== undefined && address.qualifier !== '$LATEST')) throw lambdaErrors.notFound(arn);
    return fn;
  }

  function parseEvent(body: string): unknown {
    if (body.trim() === '') return {};
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      throw lambdaErrors.invalidContent(error instanceof Error ? error.message : String(error));
    }
  }

  const respond = (status: number, ctx: CallContext, body = '', extra: Record<string, string> = {}): RawResponse => ({
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': ctx.requestId, ...extra },
    body,
  });

  async function invoke(req: RawRequest, ctx: CallContext): Promise<RawResponse> {
    const rawName = decodePathName(INVOKE_PATH.exec(req.path)?.[1] ?? '');
    const type = (header(req, 'x-amz-invocation-type') ?? 'RequestResponse') as InvocationType;
    if (!INVOCATION_TYPES.includes(type)) {
      throw lambdaErrors.validation(`Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`);
    }
    const fn = resolveTarget(req, rawName, ctx);
    const limit = type === 'Event' ? PAYLOAD_LIMITS.event : PAYLOAD_LIMITS.requestResponse;
    if (Buffer.byteLength(req.body) > limit) throw lambdaErrors.tooLarge(limit);
    const event = parseEvent(req.body);
    const count = countersOf(fn.arn);
    if (type === 'DryRun') {
      count.dryRun++;
      return respond(204, ctx);
    }
    if (type === 'Event') {
      count.event++;
      // Lambda queues the event and answers at once; retries and dead-letter queues are not emulated.
      void runFunction(fn, event, ctx.requestId, world.clock).then((outcome) => {
        if (outcome.functionError === undefined) return;
        count.functionErrors++;
        count.lastEventError = outcome.payload;
      });
      return respond(202, ctx);
    }
    count.requestResponse++;
    const outcome: InvocationOutcome = await runFunction(fn, event, ctx.requestId, world.clock);
    if (outcome.functionError !== undefined) count.functionErrors++;
    return respond(200, ctx, outcome.payload, {
      'x-amz-executed-version': '$LATEST',
      ...(outcome.functionError === undefined ? {} : { 'x-amz-function-error': outcome.functionError }),
    });
  }

  return {
    signingName: 'lambda',
    actionOf: (req) => (INVOKE_PATH.test(req.path) ? 'Invoke' : ''),
    // Lambda limits concurrency, not a request rate: no token bucket models it.
    throttleClass: () => undefined,
    handle(req, ctx) {
      if (req.method !== 'POST' || !INVOKE_PATH.test(req.path)) throw lambdaErrors.unknownOperation(req.method, req.path);
      return invoke(req, ctx);
    },
    errorResponse: lambdaErrorResponse,
    setFunctions(functions) {
      registry.replace(functions);
      // New registrations start new histories (a test re-registering its functions reads only its own calls).
      counters.clear();
    },
    snapshot: () => ({
      functions: registry.list().map((fn) => ({ functionArn: fn.arn, timeoutSeconds: fn.timeoutSeconds, invocations: countersOf(fn.arn) })),
    }),
  };
}
