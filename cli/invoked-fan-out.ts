import { EXIT } from './errors';
import { invokeFanOut } from './fan-out-function';
import { followUp, renderFanOutSummary } from './fan-out-output';
import { emit, note, type CliIo } from './io';
import type { InvokeSettings } from './settings';

/**
 * `egress reconcile --function-name X --fan-out`: the scheduled path on demand. The function answers once it has
 * published the work items, so the command is quick whatever the organization's size; the convergence it started
 * is followed in the audit trail, not here.
 */
export async function runInvokedFanOut(settings: InvokeSettings, io: CliIo, functionName: string): Promise<{ exitCode: number }> {
  note(io, `invoking ${functionName} (fan-out: the whole organization, one work item per account)`);
  const summary = await invokeFanOut(settings, functionName);
  io.stderr.write(`reconcile ${summary.runId}: ${summary.published} work item(s) published, ${summary.errorCount} error(s)\n`);
  emit(io, summary, () => renderFanOutSummary(summary, io.width));
  // The text carries these lines already; --json keeps stdout to the one document.
  if (io.json) for (const line of followUp(summary)) io.stderr.write(`${line}\n`);
  // The reconciler fails the invocation on any error, so a summary with errors should not arrive; if one does, the exit code still says so.
  return { exitCode: summary.errorCount > 0 ? EXIT.failed : EXIT.ok };
}
