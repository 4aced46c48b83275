import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleWorkers } from '../../../local/runner/function-bundles';
import { FunctionProcesses, type FunctionProcessOptions } from '../../../local/runner/function-processes';

interface FixtureResult {
  pid: number;
  remainingMs: number;
  memoryLimitInMB: string;
  functionName: string;
  awsRequestId: string;
  setting: string | undefined;
}

describe('a function run in its own execution environments (the benchmarks\' local runner)', () => {
  let dir: string;
  let bundle: string;
  const running: FunctionProcesses[] = [];

  beforeAll(async () => {
    ({ dir, bundles: { fixture: bundle } } = await bundleWorkers({ fixture: join(__dirname, '../../fixtures/function-worker/handler') }));
  });
  afterEach(() => running.splice(0).forEach((f) => f.close()));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const start = (options: Partial<FunctionProcessOptions> = {}) => {
    const processes = new FunctionProcesses({
      bundle,
      functionName: 'egress-fixture',
      accountId: '111111111111',
      region: 'eu-west-1',
      timeoutSeconds: 30,
      memoryMb: 512,
      timeScale: 10,
      environment: { FIXTURE_SETTING: 'from the runner' },
      ...options,
    });
    running.push(processes);
    return processes;
  };

  it('answers with the handler\'s value, given its environment, its request id and the remaining time of its timeout in emulated time', async () => {
    // Prepare
    const fixture = start();

    // Act
    const result = (await fixture.invoke({}, { awsRequestId: 'request-1' })) as FixtureResult;

    // Assess
    expect(result).toMatchObject({ setting: 'from the runner', awsRequestId: 'request-1', functionName: 'egress-fixture', memoryLimitInMB: '512' });
    expect(result.pid).not.toBe(process.pid);
    expect(result.remainingMs).toBeLessThanOrEqual(30_000);
    expect(result.remainingMs).toBeGreaterThan(20_000);
  });

  it('reuses a warm environment one invocation at a time and cold-starts another for a concurrent one', async () => {
    // Prepare
    const fixture = start();
    const first = (await fixture.invoke({})) as FixtureResult;

    // Act
    const [second, third] = (await Promise.all([fixture.invoke({ sleepMs: 100 }), fixture.invoke({ sleepMs: 100 })])) as FixtureResult[];

    // Assess
    expect([second?.pid, third?.pid]).toContain(first.pid);
    expect(second?.pid).not.toBe(third?.pid);
    expect(fixture.stats()).toMatchObject({ invocations: 3, coldStarts: 2, peakEnvironments: 2, peakInvocationsPerEnvironment: 1, failures: 0 });
    expect(fixture.stats().peakRssMiB).toBeGreaterThan(0);
  });

  it("rejects with the handler's error, by name and message", async () => {
    // Prepare
    const fixture = start();

    // Act
    const outcome = fixture.invoke({ fail: 'no such VPC' });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'FixtureError', message: 'no such VPC' });
    expect(fixture.stats()).toMatchObject({ failures: 1, timeouts: 0 });
  });

  it("names a failed batch's first record error, which the batch error's own message leaves to the (silenced) log", async () => {
    const fixture = start();

    const outcome = fixture.invoke({ failRecords: 'the mapping changed under 3 compiles' });

    await expect(outcome).rejects.toMatchObject({ name: 'FullBatchFailureError', message: expect.stringContaining('(first record: RecordError: the mapping changed under 3 compiles)') as unknown });
    expect(fixture.stats().firstFailure).toContain('first record: RecordError: the mapping changed under 3 compiles');
  });

  it('times out as Lambda does once the emulated timeout passes, and runs the next invocation in a fresh environment', async () => {
    // Prepare: 2 emulated seconds at time scale 10 is 200 real ms
    const fixture = start({ timeoutSeconds: 2 });
    const before = (await fixture.invoke({})) as FixtureResult;

    // Act
    const outcome = fixture.invoke({ sleepMs: 5_000 });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: 'Task timed out after 2.00 seconds' });
    const after = (await fixture.invoke({})) as FixtureResult;
    expect(after.pid).not.toBe(before.pid);
    expect(fixture.stats()).toMatchObject({ timeouts: 1, coldStarts: 2 });
  });
});
