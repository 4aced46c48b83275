import { randomUUID } from 'node:crypto';
import { listAllAccounts } from '../functions/aws/organizations';
import { reconcileOrganization, type ReconcilePlan } from '../functions/converge/organization';
import { decideAccountScope } from '../functions/core/scope';
import type { CallObserver } from './aws-calls';
import { EXIT } from './errors';
import { emit, type CliIo } from './io';
import { renderPlan } from './plan-output';
import { ProgressBar } from './progress';
import { buildCliRuntime, destroyRuntime } from './runtime';
import type { CliSettings } from './settings';

export interface ReconcileOptions {
  readonly accountIds?: readonly string[];
}

/** Hub calls that mark where the reconciler is: it has no progress callback, so the bar follows its AWS calls. */
const PHASE_OF_CALL: Record<string, string> = {
  'ec2:DescribeVpcEndpointServicePermissions': 'allowed principals',
  'ram:GetResourceShareAssociations': 'resource share',
  'ec2:DescribeVpcEndpointConnections': 'endpoint connections',
};

/** `egress reconcile`: the reconciler's code, applied, with a progress bar over the in-scope accounts. */
export async function runReconcile(settings: CliSettings, io: CliIo, options: ReconcileOptions = {}): Promise<{ exitCode: number; plan: ReconcilePlan }> {
  const progress = new ProgressBar(io.stderr, 0, 'accounts');
  const started = new Set<string>();
  let inScope = new Set<string>();
  const onCall: CallObserver = ({ action }) => {
    const phase = PHASE_OF_CALL[action];
    if (phase !== undefined) progress.setPhase(phase);
  };
  const runtime = buildCliRuntime(settings, {
    onCall,
    onSpokeAccount: (accountId) => {
      // An account's VPCs are converged one after another once its session opens; the count is of accounts begun.
      if (!inScope.has(accountId) || started.has(accountId)) return;
      started.add(accountId);
      progress.setPhase('accounts');
      progress.advance();
    },
  });
  try {
    progress.setPhase('reading the organization');
    inScope = await inScopeAccounts(settings, runtime, options.accountIds);
    progress.setTotal(inScope.size);
    const plan = await reconcileOrganization(runtime, {
      dryRun: false,
      correlationId: `egress-cli-reconcile-${randomUUID()}`,
      ...(options.accountIds === undefined ? {} : { accountIds: options.accountIds }),
    });
    progress.finish(`reconcile ${plan.correlationId}: ${plan.actions.length} change(s), ${plan.errors.length} error(s)`);
    emit(io, plan, () => renderPlan(plan, io.width));
    return { exitCode: plan.errors.length > 0 ? EXIT.failed : EXIT.ok, plan };
  } finally {
    destroyRuntime(runtime);
  }
}

/** The same scope decision the reconciler makes, read up front to size the bar (one walk of the OU tree). */
async function inScopeAccounts(settings: CliSettings, runtime: ReturnType<typeof buildCliRuntime>, accountIds?: readonly string[]): Promise<Set<string>> {
  const members = await listAllAccounts(runtime.organizations);
  const byId = new Map(members.map((a) => [a.accountId, a]));
  const ids = accountIds ?? members.map((a) => a.accountId);
  return new Set(ids.filter((id) => decideAccountScope(id, byId.get(id), settings.config.scope).inScope));
}
