import { Readable } from 'node:stream';
import {
  DescribeAccountCommand,
  ListAccountsForParentCommand,
  ListParentsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { RetryStrategyV2, RetryToken } from '@smithy/types';
import { addOrganizationsPacing, PACING_MIDDLEWARE_NAME } from '../../../functions/aws/pacing-middleware';
import { ORGANIZATIONS_BUCKET, type PacerClock } from '../../../functions/core/pacing';
import { testRuntime } from '../functions/harness';
import { manualPacerClock } from '../support/manual-pacer-clock';

type Answer = { status: number; body: string };

const PAGE: Answer = { status: 200, body: JSON.stringify({ Accounts: [], Parents: [] }) };
const THROTTLED: Answer = {
  status: 400,
  body: JSON.stringify({ __type: 'TooManyRequestsException', Message: 'You have sent too many requests in too short a period of time.' }),
};

/** Retries at once, up to `maxAttempts`: the test is about the pacer's waits, not the SDK's backoff. */
function immediateRetries(maxAttempts: number): RetryStrategyV2 {
  const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0)),
    refreshRetryTokenForRetry: (previous) =>
      previous.getRetryCount() + 1 < maxAttempts
        ? Promise.resolve(token(previous.getRetryCount() + 1))
        : Promise.reject(new Error('out of attempts')),
    recordSuccess: () => undefined,
  };
}

/** An Organizations client whose transport records the operations that reached the wire and gives the next answer. */
function recordingClient(clock: PacerClock, answers: () => Answer) {
  const sent: string[] = [];
  const client = new OrganizationsClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    retryStrategy: immediateRetries(3),
    requestHandler: {
      handle: (request: { headers: Record<string, string> }) => {
        sent.push(request.headers['x-amz-target']?.split('.')[1] ?? '?');
        const answer = answers();
        return Promise.resolve({
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(answer.body)]),
          },
        });
      },
    },
  });
  return { client: addOrganizationsPacing(client, clock), sent };
}

describe('addOrganizationsPacing', () => {
  it('spends the burst, then spaces every Organizations operation alike at the refill rate', async () => {
    // Prepare
    const { clock, sleeps } = manualPacerClock();
    const { client, sent } = recordingClient(clock, () => PAGE);
    const operations = [
      () => client.send(new ListAccountsForParentCommand({ ParentId: 'r-root' })),
      () => client.send(new DescribeAccountCommand({ AccountId: '123456789012' })),
      () => client.send(new ListParentsCommand({ ChildId: '123456789012' })),
    ];
    const calls = ORGANIZATIONS_BUCKET.capacity + 4;

    // Act
    for (let i = 0; i < calls; i++) await operations[i % operations.length]?.();

    // Assess: one bucket shared by all operations (20, refill 10/s): the 21st call waits one refill interval (100 ms
    // plus the 50 ms margin), each later one a further 100 ms.
    expect(sent).toHaveLength(calls);
    expect(new Set(sent)).toEqual(new Set(['ListAccountsForParent', 'DescribeAccount', 'ListParents']));
    expect(sleeps).toEqual([150, 100, 100, 100]);
  });

  it('paces each retry of a throttled call as a call of its own', async () => {
    // Prepare: all but one token of the burst spent; the next call is throttled twice, then answered.
    const { clock, sleeps } = manualPacerClock();
    const answers = [...Array<Answer>(ORGANIZATIONS_BUCKET.capacity - 1).fill(PAGE), THROTTLED, THROTTLED, PAGE];
    const { client, sent } = recordingClient(clock, () => answers.shift() ?? PAGE);
    for (let i = 0; i < ORGANIZATIONS_BUCKET.capacity - 1; i++) await client.send(new ListParentsCommand({ ChildId: '123456789012' }));

    // Act
    await client.send(new ListAccountsForParentCommand({ ParentId: 'r-root' }));

    // Assess: the first attempt took the last token; the two retries each waited for a new one.
    expect(sent.filter((operation) => operation === 'ListAccountsForParent')).toHaveLength(3);
    expect(sleeps).toEqual([150, 100]);
  });

  it('is on the Organizations and STS clients the handlers use', () => {
    // Act
    const runtime = testRuntime();
    const organizations = runtime.organizations.middlewareStack.identify();
    const sts = runtime.sts.middlewareStack.identify();

    // Assess
    expect(organizations.some((name) => name.startsWith(PACING_MIDDLEWARE_NAME))).toBe(true);
    expect(sts.some((name) => name.startsWith(PACING_MIDDLEWARE_NAME))).toBe(true);
  });
});
