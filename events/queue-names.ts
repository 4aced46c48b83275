/**
 * The physical names of the hub queues and their dead-letter queues, derived from the deployment name (as the
 * execution roles are) so that a second deployment gets its own and an operator's tools find them by name: the CDK
 * app names them so, the local runner serves the local bus's queues under the same names, and `egress
 * dead-letters` lists them by the prefix.
 */
import type { QueueName } from './routes';

/** cdk.json's `deploymentName` unless set otherwise; the local cloud uses it too. */
export const DEFAULT_DEPLOYMENT_NAME = 'EgressProxy';

export const DEAD_LETTER_SUFFIX = '-dead-letters';

/** The queue the reconciler's schedule target falls back to when EventBridge cannot invoke it. */
export const RECONCILER_SCHEDULE_QUEUE = 'reconciler-schedule';

export const queuePhysicalName = (deploymentName: string, queue: QueueName) => `${deploymentName}-${queue}`;

export const deadLetterQueuePhysicalName = (deploymentName: string, queue: QueueName | typeof RECONCILER_SCHEDULE_QUEUE) =>
  `${deploymentName}-${queue}${DEAD_LETTER_SUFFIX}`;

/** `EgressProxy-vpc-onboarding-dead-letters` -> `vpc-onboarding`; undefined for any other name. */
export function queueOfDeadLetterQueue(deploymentName: string, physicalName: string): string | undefined {
  const prefix = `${deploymentName}-`;
  if (!physicalName.startsWith(prefix) || !physicalName.endsWith(DEAD_LETTER_SUFFIX)) return undefined;
  return physicalName.slice(prefix.length, -DEAD_LETTER_SUFFIX.length) || undefined;
}
