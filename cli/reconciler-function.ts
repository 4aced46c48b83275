import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import type { ReconcilePlan } from '../functions/converge/organization';
import { instrumentClient } from './aws-calls';
import { ReconcilerFunctionError, UnexpectedFunctionResponseError, type InvocationMode } from './function-errors';
import type { InvokeSettings } from './settings';

/** A plan or an apply, answered with the whole plan (the reconciler's manual input, events/schemas/reconciler.ts). */
export interface WholeReconcileInput {
  readonly dryRun: boolean;
  readonly accountIds?: readonly string[];
}

/** The reconciler's manual input: a run answered whole, or a fan-out answered with a summary. */
export type ReconcilerInput = WholeReconcileInput | { readonly fanOut: true };

// Lambda times a synchronous invocation out at 15 minutes; the socket must outwait the function, not give up first.
const INVOKE_SOCKET_TIMEOUT_MS = 16 * 60 * 1000;
const SHOWN_CHARACTERS = 2000;

export const scopeSchema = z.looseObject({ accountId: z.string(), vpcId: z.string().optional(), endpointId: z.string().optional() });
export const planSchema = z.looseObject({
  correlationId: z.string(),
  dryRun: z.boolean(),
  accounts: z.looseObject({ total: z.number(), inScope: z.number() }),
  actions: z.array(z.looseObject({ action: z.string(), scope: scopeSchema, reason: z.string() })),
  errors: z.array(z.looseObject({ scope: scopeSchema, error: z.string() })),
});
const functionErrorSchema = z.looseObject({ errorType: z.string().optional(), errorMessage: z.string().optional() });

/** What the function answered without failing: the text as it came (quoted when it is not what was expected) and its JSON. */
export interface FunctionAnswer {
  readonly text: string;
  /** undefined when the text is not JSON. */
  readonly json: unknown;
}

/**
 * Invokes the deployed reconciler (RequestResponse) and returns its plan. The run happens in Lambda, as the
 * function's role, with the function's configuration: the operator needs only lambda:InvokeFunction.
 */
export async function invokeReconciler(settings: InvokeSettings, functionName: string, input: WholeReconcileInput): Promise<ReconcilePlan> {
  const answer = await invokeReconcilerFunction(settings, functionName, input);
  const parsed = planSchema.safeParse(answer.json);
  if (!parsed.success) {
    throw new UnexpectedFunctionResponseError(`${functionName} did not return a reconcile plan (is it the reconciler?); it returned: ${shown(answer.text)}`);
  }
  return parsed.data;
}

/** One synchronous invocation; a function error (X-Amz-Function-Error) is thrown as a ReconcilerFunctionError. */
export async function invokeReconcilerFunction(settings: InvokeSettings, functionName: string, input: ReconcilerInput): Promise<FunctionAnswer> {
  // The SDK reads AWS_ENDPOINT_URL when the client is built: the flag has to be in place first.
  if (settings.endpointUrl !== undefined) process.env.AWS_ENDPOINT_URL = settings.endpointUrl;
  const lambda = new LambdaClient({
    region: settings.region,
    requestHandler: { requestTimeout: INVOKE_SOCKET_TIMEOUT_MS },
    ...(settings.maxAttempts === undefined ? {} : { maxAttempts: settings.maxAttempts }),
  });
  instrumentClient(lambda);
  try {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(input)) }),
    );
    const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
    if (answer.FunctionError !== undefined) throw functionErrorOf(functionName, answer.FunctionError, text, 'fanOut' in input ? 'fan-out' : 'whole');
    return { text, json: parseJson(text) };
  } finally {
    lambda.destroy();
  }
}

function functionErrorOf(functionName: string, functionError: string, text: string, mode: InvocationMode): ReconcilerFunctionError {
  const parsed = functionErrorSchema.safeParse(parseJson(text));
  if (parsed.success && parsed.data.errorMessage !== undefined) {
    return new ReconcilerFunctionError(functionName, functionError, parsed.data.errorType ?? 'Error', parsed.data.errorMessage, mode);
  }
  return new ReconcilerFunctionError(functionName, functionError, 'Error', shown(text), mode);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: the caller reports the raw text.
    return undefined;
  }
}

/** The answer as it came, cut to a readable length, for messages about an unexpected answer. */
export const shown = (text: string) => (text.length <= SHOWN_CHARACTERS ? text || '(empty)' : `${text.slice(0, SHOWN_CHARACTERS)}… (${text.length} characters)`);
