import type { Context } from 'aws-lambda';

/**
 * The account the function runs in, from its own ARN (`arn:aws:lambda:region:account:function:name`): the only
 * account whose control-plane events (work items, continuations) the function takes on trust. The hub bus admits
 * the whole organization, but EventBridge sets an event's `account` from the caller's credentials, so a member
 * account cannot put an event that claims to come from the hub.
 */
export function ownAccountId(context: Pick<Context, 'invokedFunctionArn'>): string {
  const accountId = context.invokedFunctionArn.split(':')[4];
  if (accountId === undefined || !/^\d{12}$/.test(accountId)) {
    throw new Error(`cannot tell the function's account from its ARN ${context.invokedFunctionArn}`);
  }
  return accountId;
}
