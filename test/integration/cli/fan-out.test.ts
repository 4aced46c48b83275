/**
 * `egress reconcile --function-name X --fan-out`: the CLI invokes the real reconciler handler through Lambda Invoke on
 * the local cloud (wired as local/runner wires it); the function publishes one work item per account and returns a
 * summary, and the account reconciler converges the accounts afterwards, through the local bus.
 */
import { FanOutFailedError, type FanOutSummary } from '../../../functions/converge/fan-out';
import { converged, driftedMember, type DriftedMember } from '../control-plane/fan-out-support';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { isAllowedPrincipal, removePrincipalByHand } from '../support/hub-views';
import { egress } from '../../support/egress-cli';

const RECONCILER = 'egress-reconciler';
const FAILED_SUMMARY: FanOutSummary = {
  runId: 'run-failed',
  fanOut: true,
  accounts: { total: 3, inScope: 2 },
  published: 1,
  hubActions: {},
  errorCount: 1,
  errors: [{ scope: { accountId: '100000000002' }, error: 'work item not published: InternalFailure' }],
};
let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
  fx.cp.cloud.setFunctions({
    [RECONCILER]: { handler: (event) => fx.cp.bus.invokeScheduledFunction(event), timeoutSeconds: 900 },
    // What the reconciler throws when some work items could not be published, over the real Invoke wire.
    'failing-fan-out': { handler: () => Promise.reject(new FanOutFailedError(FAILED_SUMMARY)), timeoutSeconds: 60 },
  });
});

afterAll(async () => {
  await fx?.stop();
});

describe('egress reconcile --function-name --fan-out', () => {
  it('returns the summary at once, and the organization converges through the account-reconcile queue', async () => {
    // Prepare: two members whose tagged VPCs lost their endpoints; one also lost its principal
    const members: DriftedMember[] = [await driftedMember(fx, 'cli-fan-out-a', 2, 1), await driftedMember(fx, 'cli-fan-out-b', 1)];
    const [first, second] = members as [DriftedMember, DriftedMember];
    await removePrincipalByHand(fx.hubEc2, fx.cp.hub.serviceId, second.accountId);
    const workItemsBefore = fx.sent('account-reconcile');

    // Act
    const run = await egress('reconcile', '--function-name', RECONCILER, '--fan-out', '--json');

    // Assess: the summary alone on stdout; one work item per in-scope account; the hub step done by the function
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout) as FanOutSummary;
    expect(summary).toMatchObject({ fanOut: true, errorCount: 0, errors: [], published: summary.accounts.inScope });
    expect(summary.accounts.inScope).toBeGreaterThanOrEqual(members.length);
    expect(summary.hubActions['endpoint-service.allow-principal']).toBeGreaterThanOrEqual(1);
    expect(fx.logs.audits({ correlationId: summary.runId, action: 'endpoint-service.allowed-principal', accountId: second.accountId })).toEqual([
      expect.objectContaining({ decision: 'allow' }),
    ]);
    expect(fx.sent('account-reconcile') - workItemsBefore).toBe(summary.published);
    expect(run.stderr).toContain(`reconcile ${summary.runId}: ${summary.published} work item(s) published, 0 error(s)`);
    expect(run.stderr).toContain(`audit.correlationId = "${summary.runId}"`);

    // Assess: once the bus has drained the work items, every tagged VPC has its one available endpoint again
    await fx.until('every tagged VPC has its endpoint back', () => converged(members));
    await fx.cp.idle();
    expect(await converged(members)).toBe(true);
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, second.accountId)).toBe(true);
    expect(fx.cp.bus.deadLetters('account-reconcile')).toEqual([]);
    // ...and the audit trail under the run id, the one the output says to follow, holds each endpoint's creation.
    const created = fx.logs.audits({ correlationId: summary.runId, action: 'vpc.endpoint', decision: 'create' }).filter((r) => r.scope.endpointId !== undefined);
    expect(created.map((r) => r.scope.vpcId).sort()).toEqual([...first.tagged, ...second.tagged].map((vpc) => vpc.vpcId).sort());
  });

  it('prints the summary as a table, saying the work goes on in the queue', async () => {
    const run = await egress('reconcile', '--function-name', RECONCILER, '--fan-out');
    await fx.cp.idle();

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^run id {11}\S+\naccounts {9}\d+ \(\d+ in scope\)\npublished {8}\d+ work item\(s\), one per account\n/);
    expect(run.stdout).toContain('errors           0');
    expect(run.stdout).toContain('The per-account work continues in the account-reconcile queue after this command returns');
  });

  it('prints a FanOutFailedError like other function errors and exits 1', async () => {
    const run = await egress('reconcile', '--function-name', 'failing-fan-out', '--fan-out');

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'egress: the reconciler function failing-fan-out failed (Unhandled): FanOutFailedError: fan-out reconcile run-failed published 1 account(s) with 1 error(s): ' +
        '100000000002: work item not published: InternalFailure (the work items it did publish still run in the account-reconcile queue',
    );
  });

  it('exits 2 without calling the function when --account is given', async () => {
    const run = await egress('reconcile', '--function-name', RECONCILER, '--fan-out', '--account', '123456789012');

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--fan-out covers the whole organization, so it cannot be combined with --account');
  });
});
