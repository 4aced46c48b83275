/** Reading the reconciler function's answer: a plan, a function error, or something else. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { describeError, EXIT } from '../../../cli/errors';
import { invokeReconciler } from '../../../cli/reconciler-function';
import type { ReconcilePlan } from '../../../functions/converge/organization';

const lambdaMock = mockClient(LambdaClient);
const settings = { region: 'eu-west-2', endpointUrl: undefined, roleArn: undefined, maxAttempts: undefined };
/** The SDK's payload type is a Uint8Array that can also print itself. */
const bytes = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Object.assign(new Uint8Array(Buffer.from(text)), { transformToString: () => text });
};

const PLAN: ReconcilePlan = {
  correlationId: 'req-1',
  dryRun: true,
  accounts: { total: 3, inScope: 2 },
  actions: [{ action: 'vpc.create-endpoint', scope: { accountId: '333333333333', vpcId: 'vpc-1' }, reason: 'tagged, no endpoint' }],
  errors: [],
};

beforeEach(() => lambdaMock.reset());

describe('invokeReconciler', () => {
  it('invokes synchronously with the reconciler input as the payload', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes(PLAN) });
    // Act
    const plan = await invokeReconciler(settings, 'egress-reconciler', { dryRun: false, accountIds: ['333333333333'] });
    // Assess
    expect(plan).toEqual(PLAN);
    expect(lambdaMock).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'egress-reconciler', InvocationType: 'RequestResponse' });
    const payload = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input.Payload;
    expect(JSON.parse(Buffer.from(payload as Uint8Array).toString('utf8'))).toEqual({ dryRun: false, accountIds: ['333333333333'] });
  });

  it('turns a function error into one line with its type and message, exit code 1', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'ReconcileFailedError', errorMessage: 'reconcile r finished with 1 error(s): 333333333333: AccessDenied', trace: ['at x'] }),
    });
    // Act
    const error = await invokeReconciler(settings, 'egress-reconciler', { dryRun: true }).catch((e: unknown) => e);
    // Assess
    expect(describeError(error)).toEqual({
      exitCode: EXIT.failed,
      message: 'the reconciler function egress-reconciler failed (Unhandled): ReconcileFailedError: reconcile r finished with 1 error(s): 333333333333: AccessDenied',
    });
  });

  it('shows a function error whose payload is not the usual document as it came', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes('Runtime exited with error: signal: killed') });

    await expect(invokeReconciler(settings, 'f', { dryRun: true })).rejects.toThrow('failed (Unhandled): Error: Runtime exited with error: signal: killed');
  });

  it('refuses an answer that is not a plan, quoting the start of it', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ summary: 'x'.repeat(5000) }) });

    const error = await invokeReconciler(settings, 'f', { dryRun: true }).catch((e: unknown) => e);

    expect(describeError(error).exitCode).toBe(EXIT.failed);
    expect(describeError(error).message).toMatch(/^f did not return a reconcile plan \(is it the reconciler\?\); it returned: \{"summary":"x+… \(5014 characters\)$/);
  });

  it('names lambda:InvokeFunction when the call is denied', async () => {
    lambdaMock.on(InvokeCommand).rejects(Object.assign(new Error('User: arn:aws:iam::1:user/op is not authorized to perform: lambda:InvokeFunction on resource: f'), { name: 'AccessDeniedException' }));

    const error = await invokeReconciler(settings, 'f', { dryRun: true }).catch((e: unknown) => e);

    expect(describeError(error)).toMatchObject({ exitCode: EXIT.denied, message: expect.stringMatching(/^permission denied for lambda:InvokeFunction: /) as unknown });
  });
});
