import { buildProgram, type Invocation } from '../../../cli/program';

/** Parses a command line with a recording `invoke`, commander's exits turned into throws. */
async function parse(argv: string[], env: Record<string, string | undefined> = {}): Promise<Invocation> {
  const seen: Invocation[] = [];
  const program = buildProgram(async (invocation) => {
    seen.push(invocation);
    return Promise.resolve();
  }, env, { writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(argv, { from: 'user' });
  const [invocation] = seen;
  if (invocation === undefined) throw new Error('no command ran');
  return invocation;
}

describe('the egress command line', () => {
  it('passes global setting flags to every command', async () => {
    const invocation = await parse(['--region', 'eu-west-2', '--hub-service-id', 'vpce-svc-0abc', 'plan', '--json']);

    expect(invocation).toEqual({ command: 'plan', flags: expect.objectContaining({ region: 'eu-west-2', hubServiceId: 'vpce-svc-0abc', json: true }) as unknown });
  });

  it('collects repeated --account flags and leaves them out when absent', async () => {
    expect(await parse(['reconcile', '--account', '111111111111', '--account', '222222222222'])).toMatchObject({
      command: 'reconcile',
      accountIds: ['111111111111', '222222222222'],
    });
    expect(await parse(['reconcile'])).not.toHaveProperty('accountIds');
  });

  it('rejects an account id that is not 12 digits', async () => {
    await expect(parse(['plan', '--account', '1234'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });

  it('reads status log groups from the flag, else from EGRESS_AUDIT_LOG_GROUPS', async () => {
    expect(await parse(['status', '--log-groups', 'a, b', '--audit-hours', '6'], { EGRESS_AUDIT_LOG_GROUPS: 'ignored' })).toMatchObject({
      logGroups: ['a', 'b'],
      auditHours: 6,
    });
    expect(await parse(['status'], { EGRESS_AUDIT_LOG_GROUPS: '/aws/lambda/x,/aws/lambda/y' })).toMatchObject({
      logGroups: ['/aws/lambda/x', '/aws/lambda/y'],
      auditHours: 24,
    });
  });

  it('rejects an unknown command', async () => {
    await expect(parse(['apply'])).rejects.toMatchObject({ code: 'commander.unknownCommand' });
  });
});
