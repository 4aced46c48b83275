import { version } from '../../../package.json';
import { parseCommandLine, runEgress } from '../../support/egress-cli';

describe('the egress command line', () => {
  it('passes global setting flags to every command', async () => {
    const invocation = await parseCommandLine(['--region', 'eu-west-2', '--hub-service-id', 'vpce-svc-0abc', 'plan', '--json']);

    expect(invocation).toEqual({ command: 'plan', flags: expect.objectContaining({ region: 'eu-west-2', hubServiceId: 'vpce-svc-0abc', json: true }) as unknown });
  });

  it('collects repeated --account flags and leaves them out when absent', async () => {
    expect(await parseCommandLine(['reconcile', '--account', '111111111111', '--account', '222222222222'])).toMatchObject({
      command: 'reconcile',
      accountIds: ['111111111111', '222222222222'],
    });
    expect(await parseCommandLine(['reconcile'])).not.toHaveProperty('accountIds');
  });

  it('rejects an account id that is not 12 digits', async () => {
    await expect(parseCommandLine(['plan', '--account', '1234'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });

  it('reads status log groups from the flag, else from EGRESS_AUDIT_LOG_GROUPS', async () => {
    expect(await parseCommandLine(['status', '--log-groups', 'a, b', '--audit-hours', '6'], { EGRESS_AUDIT_LOG_GROUPS: 'ignored' })).toMatchObject({
      logGroups: ['a', 'b'],
      auditHours: 6,
    });
    expect(await parseCommandLine(['status'], { EGRESS_AUDIT_LOG_GROUPS: '/aws/lambda/x,/aws/lambda/y' })).toMatchObject({
      logGroups: ['/aws/lambda/x', '/aws/lambda/y'],
      auditHours: 24,
    });
  });

  it('rejects an unknown command', async () => {
    await expect(parseCommandLine(['apply'])).rejects.toMatchObject({ code: 'commander.unknownCommand' });
  });
});

describe('egress help and version', () => {
  it('prints its version and the Node version with --version', async () => {
    // Act
    const run = await runEgress(['--version'], {});

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(`egress ${version} (node ${process.version})`);
  });

  it("lists the global options in a command's --help", async () => {
    // Act
    const run = await runEgress(['status', '--help'], {});

    // Assess
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Global Options:');
    for (const flag of ['--json', '--region <region>', '--endpoint-url <url>', '--role-arn <arn>', '--hub-service-id <id>']) expect(run.stdout).toContain(flag);
  });

  it('refuses --fan-out on plan with a sentence saying why and what to run instead', async () => {
    // Act
    const run = await runEgress(['plan', '--fan-out'], {});

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--fan-out cannot be used with plan: a fan-out applies the changes and returns a summary, not a plan.');
    expect(run.stderr).toContain('egress plan --function-name <name|arn>');
  });
});
