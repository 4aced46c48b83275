/**
 * The physical names of the hub queues and their dead-letter queues, derived from the deployment name (as the
 * execution roles are) so that a second deployment gets its own and an operator's tools find them by name: the CDK
 * app names them so, the local runner serves the local bus's queues under the same names, and `egress
 * dead-letters` lists them by the prefix. A grouped (FIFO) queue and its dead-letter queue end in `.fifo`, as SQS
 * requires; its standard intake is `<queue>-intake`, with a dead-letter queue of its own.
 */
import { QUEUES, type QueueName } from './routes';

/** cdk.json's `deploymentName` unless set otherwise; the local cloud uses it too. */
export const DEFAULT_DEPLOYMENT_NAME = 'EgressProxy';

export const DEAD_LETTER_SUFFIX = '-dead-letters';

/** SQS: a FIFO queue's name ends so. */
export const FIFO_SUFFIX = '.fifo';

/** The standard queue in front of a grouped queue, read by its pipe (events/routes.ts, `messageGroups`). */
export const INTAKE_SUFFIX = '-intake';

/** The queue the reconciler's schedule target falls back to when EventBridge cannot invoke it. */
export const RECONCILER_SCHEDULE_QUEUE = 'reconciler-schedule';

const fifoSuffix = (queue: QueueName | typeof RECONCILER_SCHEDULE_QUEUE) =>
  queue !== RECONCILER_SCHEDULE_QUEUE && QUEUES[queue].messageGroups !== undefined ? FIFO_SUFFIX : '';

export const queuePhysicalName = (deploymentName: string, queue: QueueName) => `${deploymentName}-${queue}${fifoSuffix(queue)}`;

export const deadLetterQueuePhysicalName = (deploymentName: string, queue: QueueName | typeof RECONCILER_SCHEDULE_QUEUE) =>
  `${deploymentName}-${queue}${DEAD_LETTER_SUFFIX}${fifoSuffix(queue)}`;

/** `EgressProxy-vpc-onboarding-intake`: where a grouped queue's rule delivers. */
export const intakeQueuePhysicalName = (deploymentName: string, queue: QueueName) => `${deploymentName}-${queue}${INTAKE_SUFFIX}`;

export const intakeDeadLetterQueuePhysicalName = (deploymentName: string, queue: QueueName) =>
  `${deploymentName}-${queue}${INTAKE_SUFFIX}${DEAD_LETTER_SUFFIX}`;

/**
 * `EgressProxy-account-onboarding-dead-letters` -> `account-onboarding`, `EgressProxy-vpc-onboarding-dead-letters.fifo`
 * -> `vpc-onboarding`, `EgressProxy-vpc-onboarding-intake-dead-letters` -> `vpc-onboarding-intake`; undefined for any
 * other name.
 */
export function queueOfDeadLetterQueue(deploymentName: string, physicalName: string): string | undefined {
  const prefix = `${deploymentName}-`;
  const name = physicalName.endsWith(FIFO_SUFFIX) ? physicalName.slice(0, -FIFO_SUFFIX.length) : physicalName;
  if (!name.startsWith(prefix) || !name.endsWith(DEAD_LETTER_SUFFIX)) return undefined;
  return name.slice(prefix.length, -DEAD_LETTER_SUFFIX.length) || undefined;
}
