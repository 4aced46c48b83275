import { z } from 'zod';
import type { FanOutSummary } from '../functions/converge/fan-out';
import { UnexpectedFunctionResponseError } from './function-errors';
import { invokeReconcilerFunction, planSchema, scopeSchema, shown } from './reconciler-function';
import type { InvokeSettings } from './settings';

const summarySchema = z.looseObject({
  runId: z.string(),
  fanOut: z.literal(true),
  accounts: z.looseObject({ total: z.number(), inScope: z.number() }),
  published: z.number(),
  continuedAfter: z.string().optional(),
  hubActions: z.record(z.string(), z.number()),
  errorCount: z.number(),
  errors: z.array(z.looseObject({ scope: scopeSchema, error: z.string() })),
});

/**
 * Invokes the deployed reconciler with `{ "fanOut": true }`, the scheduled path: the hub-side steps, then one work
 * item per in-scope account on the hub bus. It returns once the items are published, long before the accounts
 * converge; the summary says how many were published and under which run id.
 */
export async function invokeFanOut(settings: InvokeSettings, functionName: string): Promise<FanOutSummary> {
  const answer = await invokeReconcilerFunction(settings, functionName, { fanOut: true });
  const parsed = summarySchema.safeParse(answer.json);
  if (parsed.success) return parsed.data;
  // A reconciler from before fan-out ignores the key and applies the whole organization inline, returning the plan.
  if (planSchema.safeParse(answer.json).success) {
    throw new UnexpectedFunctionResponseError(
      `${functionName} did not return a fan-out summary but a reconcile plan: the deployed reconciler predates fan-out and applied the reconcile inline`,
    );
  }
  throw new UnexpectedFunctionResponseError(`${functionName} did not return a fan-out summary (is it the reconciler?); it returned: ${shown(answer.text)}`);
}
