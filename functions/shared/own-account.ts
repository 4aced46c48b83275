import type { Context } from 'aws-lambda';

/**
 * The account the function runs in, from its own ARN (`arn:aws:lambda:region:account:function:name`): the only
 * account whose control-plane events (work items, continuations) the function takes on trust. The hub bus and its
 * rules already keep other accounts' control-plane events out; this is the last check, and it holds because
 * EventBridge sets an event's `account` from the caller's credentials: no member can claim to be the hub.
 */
export function ownAccountId(context: Pick<Context, 'invokedFunctionArn'>): string {
  const accountId = context.invokedFunctionArn.split(':')[4];
  if (accountId === undefined || !/^\d{12}$/.test(accountId)) {
    throw new Error(`cannot tell the function's account from its ARN ${context.invokedFunctionArn}`);
  }
  return accountId;
}
