/** Failures of an invoked reconciler function, phrased for the operator (cli/errors.ts prints them as they are). */

/** How the function was asked to run: `whole` returns the plan, `fan-out` publishes per-account work items. */
export type InvocationMode = 'whole' | 'fan-out';

/** The function ran and failed: Lambda answered 200 with X-Amz-Function-Error and `{errorType, errorMessage}`. */
export class ReconcilerFunctionError extends Error {
  override readonly name = 'ReconcilerFunctionError';
  constructor(
    readonly functionName: string,
    readonly functionError: string,
    readonly errorType: string,
    readonly errorMessage: string,
    mode: InvocationMode = 'whole',
  ) {
    super(`the reconciler function ${functionName} failed (${functionError}): ${errorType}: ${errorMessage}${hintFor(errorType, mode)}`);
  }
}

/** The function answered, but not with a plan: what came back is in the message, cut to a readable length. */
export class UnexpectedFunctionResponseError extends Error {
  override readonly name = 'UnexpectedFunctionResponseError';
}

function hintFor(errorType: string, mode: InvocationMode): string {
  if (mode === 'fan-out') {
    // Narrowing with --account does not apply: a fan-out is always the whole organization.
    if (errorType === 'FanOutFailedError') return ' (the work items it did publish still run in the account-reconcile queue; the audit trail under the run id has every error)';
    if (errorType === 'Sandbox.Timedout') return ' (a fan-out hands the rest to a continuation before the timeout: is RECONCILE_CONTINUATION_MARGIN_SECONDS of the function too small?)';
    return '';
  }
  if (errorType === 'Function.ResponseSizeTooLarge') return ' (the plan is over the 6 MB response limit of Lambda: narrow it with --account, or run without --function-name)';
  if (errorType === 'Sandbox.Timedout') return ' (the reconcile outlived the function timeout: narrow it with --account)';
  return '';
}
