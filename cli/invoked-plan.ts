import { EXIT } from './errors';
import { emit, note, type CliIo } from './io';
import { renderPlan } from './plan-output';
import { invokeReconciler } from './reconciler-function';
import type { InvokeSettings } from './settings';

export interface InvokedPlanOptions {
  readonly functionName: string;
  /** `plan` (true) or `reconcile` (false). */
  readonly dryRun: boolean;
  readonly accountIds?: readonly string[];
}

/**
 * `egress plan|reconcile --function-name`: the deployed reconciler does the work and returns the plan, printed with
 * the same output as the in-process run. There is no progress bar: nothing is heard until the function returns.
 */
export async function runInvokedPlan(settings: InvokeSettings, io: CliIo, options: InvokedPlanOptions): Promise<{ exitCode: number }> {
  note(io, `invoking ${options.functionName} (${options.dryRun ? 'dry run' : 'apply'}); the answer comes when the whole reconcile has run`);
  const plan = await invokeReconciler(settings, options.functionName, {
    dryRun: options.dryRun,
    ...(options.accountIds === undefined ? {} : { accountIds: options.accountIds }),
  });
  if (!options.dryRun) io.stderr.write(`reconcile ${plan.correlationId}: ${plan.actions.length} change(s), ${plan.errors.length} error(s)\n`);
  emit(io, plan, () => renderPlan(plan, io.width));
  return { exitCode: plan.errors.length > 0 ? EXIT.failed : EXIT.ok };
}
