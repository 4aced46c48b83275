/** Failures of an invoked reconciler function, phrased for the operator (cli/errors.ts prints them as they are). */

/** The function ran and failed: Lambda answered 200 with X-Amz-Function-Error and `{errorType, errorMessage}`. */
export class ReconcilerFunctionError extends Error {
  override readonly name = 'ReconcilerFunctionError';
  constructor(
    readonly functionName: string,
    readonly functionError: string,
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(`the reconciler function ${functionName} failed (${functionError}): ${errorType}: ${errorMessage}${hintFor(errorType)}`);
  }
}

/** The function answered, but not with a plan: what came back is in the message, cut to a readable length. */
export class UnexpectedFunctionResponseError extends Error {
  override readonly name = 'UnexpectedFunctionResponseError';
}

function hintFor(errorType: string): string {
  if (errorType === 'Function.ResponseSizeTooLarge') return ' (the plan is over the 6 MB response limit of Lambda: narrow it with --account, or run without --function-name)';
  if (errorType === 'Sandbox.Timedout') return ' (the reconcile outlived the function timeout: narrow it with --account)';
  return '';
}
