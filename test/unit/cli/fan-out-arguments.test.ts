/** `reconcile --function-name X --fan-out`: what the command line passes on, and what it refuses before any AWS call. */
import { buildProgram } from '../../../cli/program';
import { parseCommandLine, runEgress } from '../../support/egress-cli';

/** The whole CLI with captured output; a region is set so only the arguments can make it fail. */
const egress = (...argv: string[]) => runEgress(argv, { AWS_REGION: 'eu-west-2' });

describe('--fan-out on the command line', () => {
  it('asks for a fan-out invocation of the named function, by name or ARN', async () => {
    expect(await parseCommandLine(['reconcile', '--function-name', 'egress-reconciler', '--fan-out'])).toMatchObject({
      command: 'reconcile',
      fanOut: true,
      functionName: 'egress-reconciler',
    });
    const arn = 'arn:aws:lambda:eu-west-2:222222222222:function:egress-reconciler';
    expect(await parseCommandLine(['reconcile', '--fan-out', '--function-name', arn, '--json'])).toMatchObject({ fanOut: true, functionName: arn, flags: { json: true } });
  });

  it('is absent from a reconcile without the flag', async () => {
    const invocation = await parseCommandLine(['reconcile', '--function-name', 'egress-reconciler', '--account', '123456789012']);

    expect(invocation).not.toHaveProperty('fanOut');
    expect(invocation).toMatchObject({ functionName: 'egress-reconciler', accountIds: ['123456789012'] });
  });

  it.each([
    [['reconcile', '--fan-out'], '--fan-out needs --function-name <name|arn>'],
    [['reconcile', '--function-name', 'egress-reconciler', '--fan-out', '--account', '123456789012'], '--fan-out covers the whole organization, so it cannot be combined with --account'],
    [['plan', '--function-name', 'egress-reconciler', '--fan-out'], '--fan-out cannot be used with plan'],
  ])('refuses %j with exit 2 and the reason, before any AWS call', async (argv, reason) => {
    const run = await egress(...argv);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`error: ${reason}`);
  });

  it('is listed in the help of reconcile, not of plan', () => {
    const help = (command: string) => {
      const program = buildProgram(() => Promise.resolve(), {});
      const sub = program.commands.find((c) => c.name() === command);
      if (sub === undefined) throw new Error(`no ${command} command`);
      return sub.helpInformation();
    };

    expect(help('reconcile')).toContain('--fan-out');
    expect(help('plan')).not.toContain('--fan-out');
  });
});
