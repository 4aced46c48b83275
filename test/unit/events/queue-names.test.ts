/** The names the CDK app gives the hub queues, the local cloud serves them under and `egress dead-letters` reads. */
import {
  deadLetterQueuePhysicalName,
  intakeDeadLetterQueuePhysicalName,
  intakeQueuePhysicalName,
  queueOfDeadLetterQueue,
  queuePhysicalName,
} from '../../../events/queue-names';
import { QUEUE_NAMES } from '../../../events/routes';

describe('queue names', () => {
  it('end a grouped (FIFO) queue and its dead-letter queue in .fifo, as SQS requires, and no other', () => {
    expect(queuePhysicalName('EgressProxy', 'vpc-onboarding')).toBe('EgressProxy-vpc-onboarding.fifo');
    expect(deadLetterQueuePhysicalName('EgressProxy', 'vpc-onboarding')).toBe('EgressProxy-vpc-onboarding-dead-letters.fifo');
    expect(queuePhysicalName('EgressProxy', 'account-onboarding')).toBe('EgressProxy-account-onboarding');
    expect(deadLetterQueuePhysicalName('EgressProxy', 'reconciler-schedule')).toBe('EgressProxy-reconciler-schedule-dead-letters');
  });

  it("name a grouped queue's intake and its dead-letter queue after it, as standard queues", () => {
    expect(intakeQueuePhysicalName('EgressProxy', 'vpc-onboarding')).toBe('EgressProxy-vpc-onboarding-intake');
    expect(intakeDeadLetterQueuePhysicalName('EgressProxy', 'vpc-onboarding')).toBe('EgressProxy-vpc-onboarding-intake-dead-letters');
  });

  it('read the queue back from every dead-letter queue name, and nothing from other names', () => {
    for (const queue of QUEUE_NAMES) expect(queueOfDeadLetterQueue('Prod', deadLetterQueuePhysicalName('Prod', queue))).toBe(queue);
    expect(queueOfDeadLetterQueue('Prod', intakeDeadLetterQueuePhysicalName('Prod', 'vpc-onboarding'))).toBe('vpc-onboarding-intake');
    expect(queueOfDeadLetterQueue('Prod', queuePhysicalName('Prod', 'vpc-onboarding'))).toBeUndefined();
    expect(queueOfDeadLetterQueue('Prod', 'Other-vpc-onboarding-dead-letters.fifo')).toBeUndefined();
    expect(queueOfDeadLetterQueue('Prod', 'Prod-dead-letters')).toBeUndefined();
  });

  it('fit SQS 80 characters and a pipe name 64 with the longest deployment name cdk.json allows (30)', () => {
    const longest = 'D'.repeat(30);
    const names = QUEUE_NAMES.flatMap((queue) => [queuePhysicalName(longest, queue), deadLetterQueuePhysicalName(longest, queue), intakeDeadLetterQueuePhysicalName(longest, queue)]);
    expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(80);
    expect(intakeQueuePhysicalName(longest, 'vpc-onboarding').length).toBeLessThanOrEqual(64);
  });
});
