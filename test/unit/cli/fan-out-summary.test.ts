/** `reconcile --fan-out`: the function's answer read (summary, function error, anything else) and printed. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { describeError, EXIT } from '../../../cli/errors';
import { invokeFanOut } from '../../../cli/fan-out-function';
import { renderFanOutSummary } from '../../../cli/fan-out-output';
import { runInvokedFanOut } from '../../../cli/invoked-fan-out';
import type { CliIo } from '../../../cli/io';
import type { FanOutSummary } from '../../../functions/converge/fan-out';

const lambdaMock = mockClient(LambdaClient);
const settings = { region: 'eu-west-2', endpointUrl: undefined, roleArn: undefined, maxAttempts: undefined };
/** The SDK's payload type is a Uint8Array that can also print itself. */
const bytes = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Object.assign(new Uint8Array(Buffer.from(text)), { transformToString: () => text });
};

const SUMMARY: FanOutSummary = {
  runId: 'run-7f3a',
  fanOut: true,
  accounts: { total: 12, inScope: 10 },
  published: 10,
  hubActions: { 'endpoint-service.allow-principal': 2, 'connection.reject': 1 },
  errorCount: 0,
  errors: [],
};

function capture(json: boolean) {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    json,
    stdout: {
      write: (text: string) => {
        out.stdout += text;
        return true;
      },
    },
    stderr: {
      isTTY: false,
      write: (text: string) => {
        out.stderr += text;
        return true;
      },
    },
  };
  return { io, out };
}

beforeEach(() => lambdaMock.reset());

describe('invokeFanOut', () => {
  it('invokes synchronously with { fanOut: true } and returns the summary', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes(SUMMARY) });
    // Act
    const summary = await invokeFanOut(settings, 'egress-reconciler');
    // Assess
    expect(summary).toEqual(SUMMARY);
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'egress-reconciler', InvocationType: 'RequestResponse' });
    const payload = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
    expect(JSON.parse(Buffer.from(payload as Uint8Array).toString('utf8'))).toEqual({ fanOut: true });
  });

  it('prints a FanOutFailedError like other function errors, exit 1, saying the published work still runs', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'FanOutFailedError', errorMessage: 'fan-out reconcile run-1 published 9 account(s) with 1 error(s): 333333333333: work item not published: throttled' }),
    });

    const error = await invokeFanOut(settings, 'egress-reconciler').catch((e: unknown) => e);

    expect(describeError(error)).toEqual({
      exitCode: EXIT.failed,
      message:
        'the reconciler function egress-reconciler failed (Unhandled): FanOutFailedError: fan-out reconcile run-1 published 9 account(s) with 1 error(s): ' +
        '333333333333: work item not published: throttled (the work items it did publish still run in the account-reconcile queue; the audit trail under the run id has every error)',
    });
  });

  it('does not suggest --account for a fan-out that timed out, since a fan-out is always the whole organization', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 900.00 seconds' }) });

    const error = await invokeFanOut(settings, 'f').catch((e: unknown) => e);

    expect(describeError(error).message).not.toContain('--account');
    expect(describeError(error).message).toContain('RECONCILE_CONTINUATION_MARGIN_SECONDS');
  });

  it('refuses an answer that is not a summary, quoting it', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ ...SUMMARY, published: 'ten' }) });

    const error = await invokeFanOut(settings, 'f').catch((e: unknown) => e);

    expect(describeError(error)).toEqual({
      exitCode: EXIT.failed,
      message: `f did not return a fan-out summary (is it the reconciler?); it returned: ${JSON.stringify({ ...SUMMARY, published: 'ten' })}`,
    });
  });

  it('says when the function returned a whole plan: a reconciler from before fan-out applied inline', async () => {
    const plan = { correlationId: 'r', dryRun: false, accounts: { total: 1, inScope: 1 }, actions: [], errors: [] };
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes(plan) });

    await expect(invokeFanOut(settings, 'f')).rejects.toThrow('f did not return a fan-out summary but a reconcile plan: the deployed reconciler predates fan-out');
  });
});

describe('printing the summary', () => {
  it('shows the run, the counts and the hub actions as a short table, then how to follow the run', () => {
    const text = renderFanOutSummary(SUMMARY);

    expect(text.split('\n').slice(0, 6)).toEqual([
      'run id           run-7f3a',
      'accounts         12 (10 in scope)',
      'published        10 work item(s), one per account',
      'continued after  -',
      'hub actions      connection.reject 1, endpoint-service.allow-principal 2',
      'errors           0',
    ]);
    expect(text).toContain('continues in the account-reconcile queue after this command returns');
    expect(text).toContain('filter message = "audit" and audit.correlationId = "run-7f3a"');
  });

  it('names the cursor of a continuation, no hub actions, and the errors listed out of a larger count', () => {
    const text = renderFanOutSummary({
      ...SUMMARY,
      published: 400,
      continuedAfter: '100000000400',
      hubActions: {},
      errorCount: 3,
      errors: [{ scope: { accountId: '100000000007' }, error: 'work item not published: InternalFailure' }],
    });

    expect(text).toContain('continued after  100000000400 (a continuation invocation publishes the accounts after it)');
    expect(text).toContain('hub actions      none');
    expect(text).toMatch(/Errors \(the first 1\):\nACCOUNT\s+VPC \/ ENDPOINT\s+ERROR\n[- ]+\n100000000007\s+-\s+work item not published: InternalFailure/);
  });

  it('lists the warnings of the run, wrapped to the width', () => {
    const reason = 'RAM sharing with AWS Organizations is not enabled (ram.amazonaws.com has no trusted access in the organization)';
    const text = renderFanOutSummary({ ...SUMMARY, warnings: [{ step: 'resource share', reason }] }, 60);

    expect(text).toContain('Warnings:\n  resource share: RAM sharing with AWS Organizations is not');
    const lines = text.split('\n');
    const warningLines = lines.slice(lines.indexOf('Warnings:') + 1, lines.indexOf('', lines.indexOf('Warnings:')));
    expect(warningLines.length).toBeGreaterThan(1);
    expect(warningLines.every((line) => line.length <= 60 && line.startsWith('  '))).toBe(true);
  });

  it('with --json prints the summary alone on stdout and the follow-up on stderr', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes(SUMMARY) });
    const { io, out } = capture(true);
    // Act
    const { exitCode } = await runInvokedFanOut(settings, io, 'egress-reconciler');
    // Assess
    expect(exitCode).toBe(EXIT.ok);
    expect(JSON.parse(out.stdout)).toEqual(SUMMARY);
    expect(out.stderr).toContain('reconcile run-7f3a: 10 work item(s) published, 0 error(s)');
    expect(out.stderr).toContain('audit.correlationId = "run-7f3a"');
  });

  it('exits 1 should a summary carrying errors ever come back', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ ...SUMMARY, errorCount: 1, errors: [{ scope: { accountId: '100000000007' }, error: 'x' }] }) });
    const { io, out } = capture(false);

    const { exitCode } = await runInvokedFanOut(settings, io, 'egress-reconciler');

    expect(exitCode).toBe(EXIT.failed);
    expect(out.stdout).toContain('Errors:');
  });
});
