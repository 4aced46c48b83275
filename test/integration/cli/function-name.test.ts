/**
 * `egress plan|reconcile --function-name`: the CLI invokes the reconciler through Lambda Invoke on the local cloud,
 * where the function is the real reconciler handler run by the local bus (wired here as local/runner would wire it).
 * The CLI runs with the control plane's environment: region, endpoint and the hub role's session.
 */
import type { ReconcilePlan } from '../../../functions/converge/organization';
import { onboardedMember, setSpokeRole } from '../support/accounts';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { isAllowedPrincipal, removePrincipalByHand } from '../support/hub-views';
import { egress } from '../../support/egress-cli';

const RECONCILER = 'egress-reconciler';
let fx: ControlPlaneFixture;
let reconcilerArn: string;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
  const { hubAccountId } = fx.cp.cloud.world;
  reconcilerArn = `arn:aws:lambda:${fx.cp.region}:${hubAccountId}:function:${RECONCILER}`;
  fx.cp.cloud.setFunctions({
    [RECONCILER]: { handler: (event) => fx.cp.bus.invokeScheduledFunction(event), timeoutSeconds: 900 },
    'oversized-answer': { handler: () => Promise.resolve({ blob: 'x'.repeat(7 * 1024 * 1024) }), timeoutSeconds: 60 },
    'not-the-reconciler': { handler: () => Promise.resolve({ statusCode: 200, body: 'hello' }), timeoutSeconds: 60 },
  });
});

afterAll(async () => {
  await fx?.stop();
});

const invocationsOf = (functionArn: string) => {
  const { lambda } = fx.cp.cloud.snapshot() as { lambda: { functions: { functionArn: string; invocations: { requestResponse: number } }[] } };
  return lambda.functions.find((f) => f.functionArn === functionArn)?.invocations.requestResponse ?? 0;
};

describe('egress plan and reconcile --function-name', () => {
  it('plans through the function without changing anything, then reconciles through it by ARN', async () => {
    // Prepare: a member whose principal was removed by hand
    const member = await onboardedMember(fx, 'invoke-drift');
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, member.accountId);
    await fx.cp.idle();
    const before = invocationsOf(reconcilerArn);

    // Act: plan
    const planned = await egress('plan', '--function-name', RECONCILER, '--json', '--account', member.accountId);

    // Assess: the function's dry-run plan, printed as JSON; nothing changed
    expect(planned.exitCode).toBe(0);
    const plan = JSON.parse(planned.stdout) as ReconcilePlan;
    expect(plan.dryRun).toBe(true);
    expect(plan.actions.map((a) => [a.action, a.scope.accountId])).toContainEqual(['endpoint-service.allow-principal', member.accountId]);
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toBe(false);
    expect(invocationsOf(reconcilerArn)).toBe(before + 1);

    // Act: reconcile, naming the function by its ARN
    const applied = await egress('reconcile', '--function-name', reconcilerArn, '--account', member.accountId);

    // Assess: applied by the function, shown with the same table
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toMatch(/change\(s\) applied, 0 error\(s\)/);
    expect(applied.stdout).toContain('endpoint-service.allow-principal');
    expect(applied.stderr).toMatch(/reconcile \S+: \d+ change\(s\), 0 error\(s\)/);
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toBe(true);
    expect(invocationsOf(reconcilerArn)).toBe(before + 2);
  });

  it('prints the function error and exits 1 when the reconciler fails', async () => {
    // Prepare: an account whose spoke role is gone, so the reconcile fails there
    const member = await onboardedMember(fx, 'invoke-broken');
    await setSpokeRole(fx, member.accountId, false);

    // Act
    const run = await egress('plan', '--function-name', RECONCILER, '--account', member.accountId);

    // Assess
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`egress: the reconciler function ${RECONCILER} failed (Unhandled): ReconcileFailedError: reconcile`);
    expect(run.stderr).toContain(member.accountId);
  });

  it('prints what came back when the answer is over the 6 MB limit', async () => {
    const run = await egress('plan', '--function-name', 'oversized-answer');

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('failed (Unhandled): Function.ResponseSizeTooLarge: Response payload size exceeded maximum allowed payload size');
    expect(run.stderr).toContain('narrow it with --account');
  });

  it('exits 1 showing the answer when the function does not return a plan', async () => {
    const run = await egress('plan', '--function-name', 'not-the-reconciler');

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('not-the-reconciler did not return a reconcile plan (is it the reconciler?); it returned: {"statusCode":200,"body":"hello"}');
  });

  it('exits 1 naming the function ARN when no such function exists', async () => {
    const run = await egress('plan', '--function-name', 'egress-reconciler-typo');

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`ResourceNotFoundException: Function not found: arn:aws:lambda:${fx.cp.region}:${fx.cp.cloud.world.hubAccountId}:function:egress-reconciler-typo`);
  });

  it('exits 4 naming lambda:InvokeFunction when the caller may not invoke the function', async () => {
    // Prepare: act as the management account, which the hub's function has no resource policy for
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, token: process.env.AWS_SESSION_TOKEN };
    process.env.AWS_ACCESS_KEY_ID = fx.cp.cloud.world.managementAccountId;
    delete process.env.AWS_SESSION_TOKEN;
    try {
      // Act
      const run = await egress('reconcile', '--function-name', reconcilerArn);

      // Assess
      expect(run.exitCode).toBe(4);
      expect(run.stderr).toContain('egress: permission denied for lambda:InvokeFunction');
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SESSION_TOKEN = saved.token;
    }
  });

  it('assumes --role-arn at --endpoint-url when AWS_ENDPOINT_URL is not set', async () => {
    // Prepare: the hub's own credentials and no endpoint in the environment, as in a fresh shell
    const saved = { ...process.env };
    const { hubAccountId } = fx.cp.cloud.world;
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_ACCESS_KEY_ID = hubAccountId;
    try {
      // Act
      const run = await egress(
        'plan', '--function-name', RECONCILER, '--json', '--account', hubAccountId,
        '--endpoint-url', fx.cp.cloud.url,
        '--role-arn', `arn:aws:iam::${hubAccountId}:role/EgressControlPlaneRole`,
      );

      // Assess: the CLI acts with a session the local cloud's STS issued, and the plan came back
      expect(run.stderr).not.toContain('egress:');
      expect(run.exitCode).toBe(0);
      expect((JSON.parse(run.stdout) as ReconcilePlan).dryRun).toBe(true);
      expect(fx.cp.cloud.world.sessions.has(process.env.AWS_ACCESS_KEY_ID ?? '')).toBe(true);
    } finally {
      process.env = saved;
    }
  });

  it('exits 2 when a setting flag is given, since the function reads its own configuration', async () => {
    const run = await egress('plan', '--function-name', RECONCILER, '--hub-service-id', 'vpce-svc-0123456789abcdef0');

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--hub-service-id cannot be used with --function-name');
  });
});
