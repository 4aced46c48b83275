/**
 * Which function consumes each hub queue, and each function's timeout and memory size: one definition for the CDK
 * stack and the local runner (which gives its emulated invocations the same limits). No CDK imports, so the local
 * runner can read it without loading aws-cdk-lib.
 */
import { QUEUES, QUEUE_NAMES, type QueueName } from '../events/routes';
import type { ControlPlaneFunction as FunctionName } from './control-plane-config';

/** Which function consumes each queue (the account-reconcile queue feeds the reconciler's fan-out consumer). */
export const QUEUE_CONSUMERS: Readonly<Record<QueueName, FunctionName>> = {
  'account-onboarding': 'account-onboarding',
  'vpc-onboarding': 'vpc-onboarding',
  'connection-acceptance': 'connection-acceptance',
  'account-reconcile': 'account-reconciler',
  'mapping-publish': 'mapping-publisher',
};

export const queueOf = (fn: FunctionName): QueueName | undefined => QUEUE_NAMES.find((name) => QUEUE_CONSUMERS[name] === fn);

/** How long the reconciler may run: a whole-organization pass pages through every account. Lambda's maximum. */
export const RECONCILER_TIMEOUT_SECONDS = 15 * 60;

export interface FunctionSizing {
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

/**
 * A queue consumer's timeout is its queue's (the visibility timeout is derived from it); the reconciler holds a whole
 * organization's listing, so it gets twice the memory of the others.
 */
export function functionSizing(fn: FunctionName): FunctionSizing {
  const queue = queueOf(fn);
  return {
    timeoutSeconds: queue === undefined ? RECONCILER_TIMEOUT_SECONDS : QUEUES[queue].functionTimeoutSeconds,
    memoryMb: fn === 'reconciler' ? 1024 : 512,
  };
}
