/**
 * `egress dead-letters` and the dead-letter line of `status` against the local cloud, whose SQS API serves the local
 * bus's hub queues under their AWS names: what an operator sees after a malformed event was given up on, and the
 * redrive that sends it back.
 */
import type { DeadLettersReport } from '../../../cli/dead-letters-command';
import type { DeadLetterCounts } from '../../../cli/status-command';
import { createMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { sampleEvent } from '../support/events';
import { egress, runEgress } from '../../support/egress-cli';

let fx: ControlPlaneFixture;
let sender: Promise<Member> | undefined;
/** One member sends every malformed tag change: its dead letters are one message group of the FIFO queue. */
const malformedSender = () => (sender ??= createMember(fx, 'malformed-sender'));

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

async function deadLetteredTagEvent(): Promise<string> {
  const event = sampleEvent('tags/malformed-vpc-tag-no-resources');
  // The hub bus admits tag changes from members only.
  event.account = (await malformedSender()).accountId;
  expect(fx.putOnHubBus(event)).toBeUndefined();
  await fx.until('the malformed event is dead-lettered', () => fx.cp.bus.deadLetters('vpc-onboarding').some((letter) => letter.body.includes(event.id)));
  return fx.cp.bus.deadLetters('vpc-onboarding').find((letter) => letter.body.includes(event.id))?.messageId ?? '';
}

describe('egress dead-letters', () => {
  it('answers exit 0 and no dead letters while none are waiting', async () => {
    // Act
    const run = await egress('dead-letters', '--json');

    // Assess
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as DeadLettersReport;
    expect(report.queues.map((q) => [q.queue, q.messages])).toEqual([
      ['account-onboarding', 0],
      ['account-reconcile', 0],
      ['connection-acceptance', 0],
      ['mapping-publish', 0],
      ['vpc-onboarding', 0],
      // The grouped VPC onboarding queue's intake (a message its pipe could not move ends there).
      ['vpc-onboarding-intake', 0],
    ]);
  });

  it('shows the count per queue and a sample with its body, and exits 1 while dead letters wait', async () => {
    // Prepare
    const messageId = await deadLetteredTagEvent();

    // Act
    const text = await egress('dead-letters');
    const json = await egress('dead-letters', '--json', '--queue', 'vpc-onboarding');

    // Assess
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/^vpc-onboarding\s+1$/m);
    expect(text.stdout).toContain(`message ${messageId}`);
    expect(text.stdout).toContain('received 4 time(s)');
    expect(text.stdout).toContain('body: {');
    expect(text.stdout).toContain('npx egress dead-letters --redrive');
    expect(text.stderr).toContain("the handlers' reasons: n/a (no --log-groups (or EGRESS_AUDIT_LOG_GROUPS) given)");
    const report = JSON.parse(json.stdout) as DeadLettersReport;
    expect(report.queues).toHaveLength(1);
    // Reading is receiving, as in SQS: three deliveries to the handler, then the two reads of this test.
    expect(report.queues[0]?.samples[0]).toMatchObject({ messageId, receiveCount: 5 });
  });

  it("gives each sample the reason the handler logged, read from the functions' log groups", async () => {
    // Act: the local runner files each handler's lines under /aws/lambda/<function>, as Lambda does
    const run = await egress('dead-letters', '--json', '--queue', 'vpc-onboarding', '--log-groups', '/aws/lambda/egress-vpc-onboarding');

    // Assess
    expect(run.stderr).not.toContain('reasons: n/a');
    const [sample] = (JSON.parse(run.stdout) as DeadLettersReport).queues[0]?.samples ?? [];
    // Whichever of the handler's log lines about the refused record the CLI picks, it names the cause.
    expect(sample?.reason).toMatch(/malformed (record: .*|tag change event: )resources: expected the ARN of the changed resource/);
  });

  it('status counts the dead letters', async () => {
    // Act
    const text = await egress('status', '--account', fx.cp.cloud.world.hubAccountId);
    const json = await egress('status', '--json', '--account', fx.cp.cloud.world.hubAccountId);

    // Assess
    expect(text.stdout).toMatch(/^Dead letters: vpc-onboarding 1 \(npx egress dead-letters shows why\)$/m);
    expect((JSON.parse(json.stdout) as { deadLetters: DeadLetterCounts }).deadLetters).toContainEqual({ queue: 'vpc-onboarding', messages: 1 });
  });

  it('--redrive moves them back to their queue with a message move task', async () => {
    // Prepare
    const deliveredBefore = fx.cp.bus.stats().queues['vpc-onboarding'].delivered;

    // Act
    const run = await egress('dead-letters', '--redrive');

    // Assess: moved back and delivered to the handler again
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('vpc-onboarding: completed, 1 of 1 message(s) moved back');
    await fx.until('the redriven message is delivered again', () => fx.cp.bus.stats().queues['vpc-onboarding'].delivered > deliveredBefore);
  });

  it("shows the intake's dead letters too: what the grouped queue's pipe could not move", async () => {
    // Prepare: nothing on the hub bus sends such a body; a message put on the intake by hand does.
    fx.cp.bus.intake('vpc-onboarding')?.send('not an event', 'AIDAHANDMADE');
    await fx.until('the pipe gives up on it', () => fx.cp.bus.deadLetters('vpc-onboarding').some((letter) => letter.queue === 'vpc-onboarding-intake'));

    // Act
    const run = await egress('dead-letters', '--json', '--queue', 'vpc-onboarding-intake');

    // Assess
    expect(run.exitCode).toBe(1);
    const [queue] = (JSON.parse(run.stdout) as DeadLettersReport).queues;
    expect(queue).toMatchObject({ queue: 'vpc-onboarding-intake', messages: 1, samples: [expect.objectContaining({ body: 'not an event' })] });
  });

  it('names --deployment-name when no dead-letter queue has that prefix', async () => {
    // Act
    const run = await runEgress(['dead-letters', '--deployment-name', 'Other'], process.env);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no dead-letter queue named Other-*-dead-letters in eu-west-2: check --deployment-name (or EGRESS_DEPLOYMENT_NAME)');
  });
});
