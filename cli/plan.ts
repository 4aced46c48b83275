import { randomUUID } from 'node:crypto';
import { reconcileOrganization, type ReconcilePlan } from '../functions/converge/organization';
import { EXIT } from './errors';
import { emit, type CliIo } from './io';
import { renderPlan } from './plan-output';
import { buildCliRuntime, destroyRuntime } from './runtime';
import type { CliSettings } from './settings';

export interface PlanOptions {
  readonly accountIds?: readonly string[];
}

/**
 * `egress plan`: the reconciler's own code in dry-run mode, in this process with the operator's credentials. It
 * reads everything the reconciler reads and calls nothing that changes state.
 */
export async function runPlan(settings: CliSettings, io: CliIo, options: PlanOptions = {}): Promise<{ exitCode: number; plan: ReconcilePlan }> {
  const runtime = buildCliRuntime(settings);
  try {
    const plan = await reconcileOrganization(runtime, {
      dryRun: true,
      correlationId: `egress-cli-plan-${randomUUID()}`,
      ...(options.accountIds === undefined ? {} : { accountIds: options.accountIds }),
    });
    emit(io, plan, () => renderPlan(plan, io.width));
    return { exitCode: plan.errors.length > 0 ? EXIT.failed : EXIT.ok, plan };
  } finally {
    destroyRuntime(runtime);
  }
}
