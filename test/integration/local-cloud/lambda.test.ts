/** Lambda Invoke through the real SDK: name forms, invocation types, function errors, limits and access. */
import { InvokeCommand, LambdaClient, type InvocationType } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { HUB, MANAGEMENT, REGION, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness } from './cloud-harness';

const ARN = `arn:aws:lambda:${REGION}:${HUB}:function:echo`;

let h: CloudHarness;
const clients: LambdaClient[] = [];
const seen: { event: unknown; context: Context }[] = [];

const lambda = (accessKeyId: string, region = REGION) => {
  const client = new LambdaClient({ endpoint: h.cloud.url, region, credentials: { accessKeyId, secretAccessKey: 'local' }, maxAttempts: 1 });
  clients.push(client);
  return client;
};
const text = (payload: Uint8Array | undefined) => Buffer.from(payload ?? new Uint8Array()).toString('utf8');
const invoke = (client: LambdaClient, FunctionName: string, event?: unknown, InvocationType?: InvocationType, Qualifier?: string) =>
  client.send(new InvokeCommand({ FunctionName, InvocationType, Qualifier, ...(event === undefined ? {} : { Payload: Buffer.from(JSON.stringify(event)) }) }));

beforeAll(async () => {
  // Emulated time runs fast, so the function with a 1-second timeout times out within milliseconds.
  h = await startHarness({ timeScale: 200 });
});
beforeEach(() => {
  seen.length = 0;
  h.cloud.setFunctions({
    echo: {
      timeoutSeconds: 900,
      handler: (event, context) => {
        seen.push({ event, context });
        return Promise.resolve({ echoed: event, remainingMs: context.getRemainingTimeInMillis() });
      },
    },
    failing: { timeoutSeconds: 900, handler: () => Promise.reject(new RangeError('the plan has 2 error(s)')) },
    'throws-at-once': () => {
      throw new TypeError('not even a promise');
    },
    huge: { timeoutSeconds: 900, handler: () => Promise.resolve('x'.repeat(7 * 1024 * 1024)) },
    stuck: { timeoutSeconds: 1, handler: () => new Promise<never>(() => undefined) },
  });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await h.stop();
});

describe('RequestResponse', () => {
  it('runs the function with the event and a Lambda context, and answers with its result', async () => {
    // Act
    const answer = await invoke(lambda(HUB), 'echo', { dryRun: true, accountIds: ['333333333333'] });
    // Assess
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    expect(answer.ExecutedVersion).toBe('$LATEST');
    expect(JSON.parse(text(answer.Payload))).toMatchObject({ echoed: { dryRun: true, accountIds: ['333333333333'] } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.context).toMatchObject({ functionName: 'echo', invokedFunctionArn: ARN, awsRequestId: answer.$metadata.requestId });
  });

  it('passes {} when the request has no payload', async () => {
    await invoke(lambda(HUB), 'echo');
    expect(seen[0]?.event).toEqual({});
  });

  it.each([
    ['a name', 'echo'],
    ['a name with $LATEST', 'echo:$LATEST'],
    ['a partial ARN', `${HUB}:function:echo`],
    ['a full ARN', ARN],
    ['a full ARN with $LATEST', `${ARN}:$LATEST`],
  ])('finds the function by %s', async (_form, name) => {
    const answer = await invoke(lambda(HUB), name, { n: 1 });
    expect(answer.StatusCode).toBe(200);
    expect(seen.map((s) => s.context.functionName)).toEqual(['echo']);
  });

  it('reports a thrown error as an Unhandled function error with errorType, errorMessage and trace', async () => {
    // Act
    const answer = await invoke(lambda(HUB), 'failing', {});
    // Assess
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBe('Unhandled');
    const error = JSON.parse(text(answer.Payload)) as { errorType: string; errorMessage: string; trace: string[] };
    expect(error).toMatchObject({ errorType: 'RangeError', errorMessage: 'the plan has 2 error(s)' });
    expect(error.trace[0]).toBe('RangeError: the plan has 2 error(s)');
  });

  it('reports a handler that throws before returning a promise the same way', async () => {
    const answer = await invoke(lambda(HUB), 'throws-at-once', {});
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(answer.Payload))).toMatchObject({ errorType: 'TypeError', errorMessage: 'not even a promise' });
  });

  it('answers Function.ResponseSizeTooLarge instead of a response over 6 MB', async () => {
    const answer = await invoke(lambda(HUB), 'huge', {});
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(answer.Payload))).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('answers Sandbox.Timedout when the function outlives its timeout', async () => {
    const answer = await invoke(lambda(HUB), 'stuck', {});
    expect(answer.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(answer.Payload))).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') as unknown });
  });
});

describe('Event and DryRun', () => {
  it('Event answers 202 and runs the function in the background', async () => {
    // Prepare
    let ran!: (event: unknown) => void;
    const done = new Promise<unknown>((resolve) => (ran = resolve));
    h.cloud.setFunctions({ later: (event) => Promise.resolve(ran(event)) });
    // Act
    const answer = await invoke(lambda(HUB), 'later', { async: true }, 'Event');
    // Assess
    expect(answer.StatusCode).toBe(202);
    await expect(done).resolves.toEqual({ async: true });
  });

  it('DryRun answers 204 without running the function', async () => {
    const answer = await invoke(lambda(HUB), 'echo', {}, 'DryRun');
    expect(answer.StatusCode).toBe(204);
    expect(seen).toHaveLength(0);
  });

  it('counts invocations by type in the snapshot', async () => {
    await invoke(lambda(HUB), 'echo', {});
    await invoke(lambda(HUB), 'echo', {}, 'DryRun');
    await invoke(lambda(HUB), 'failing', {});
    const { lambda: state } = h.cloud.snapshot() as { lambda: { functions: { functionArn: string; invocations: Record<string, number> }[] } };
    const byArn = new Map(state.functions.map((f) => [f.functionArn, f.invocations]));
    expect(byArn.get(ARN)).toMatchObject({ requestResponse: 1, dryRun: 1, functionErrors: 0 });
    expect(byArn.get(`arn:aws:lambda:${REGION}:${HUB}:function:failing`)).toMatchObject({ requestResponse: 1, functionErrors: 1 });
  });
});

describe('errors', () => {
  it.each([
    ['an unknown name', 'nothing-here', undefined, `arn:aws:lambda:${REGION}:${HUB}:function:nothing-here`],
    ['a version that does not exist', 'echo', '3', `${ARN}:3`],
  ])('answers 404 ResourceNotFoundException for %s', async (_case, name, qualifier, arn) => {
    const error = await rejectionOf(invoke(lambda(HUB), name, {}, undefined, qualifier));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe(`Function not found: ${arn}`);
  });

  it('looks a bare name up in the caller\'s own account and region', async () => {
    await expect(invoke(lambda(MANAGEMENT), 'echo', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(invoke(lambda(HUB, 'us-east-1'), 'echo', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('denies another account lambda:InvokeFunction on the hub\'s function (no resource policy is modelled)', async () => {
    // Act
    const error = await rejectionOf(invoke(lambda(MANAGEMENT), ARN, {}));
    // Assess
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain(`arn:aws:iam::${MANAGEMENT}:root is not authorized to perform: lambda:InvokeFunction on resource: ${ARN}`);
    expect(seen).toHaveLength(0);
  });

  it('rejects a payload that is not JSON with InvalidRequestContentException', async () => {
    const error = await rejectionOf(lambda(HUB).send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })));
    expect(error.name).toBe('InvalidRequestContentException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects an Event payload over 1 MB with RequestTooLargeException', async () => {
    const error = await rejectionOf(invoke(lambda(HUB), 'echo', { blob: 'x'.repeat(1024 * 1024) }, 'Event'));
    expect(error.name).toBe('RequestTooLargeException');
    expect(error.$metadata.httpStatusCode).toBe(413);
  });

  it('rejects a name that is not a function name or ARN with ValidationException', async () => {
    const error = await rejectionOf(invoke(lambda(HUB), 'not a name!', {}));
    expect(error.name).toBe('ValidationException');
  });

  it('forgets every function when the embedder sets none', async () => {
    h.cloud.setFunctions(undefined);
    await expect(invoke(lambda(HUB), 'echo', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses to register a function under a name Lambda would not accept', () => {
    expect(() => h.cloud.setFunctions({ 'bad name': () => Promise.resolve(null) })).toThrow(/not a Lambda function name/);
  });
});
