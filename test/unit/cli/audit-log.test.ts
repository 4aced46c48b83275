import { collect, readLastDecisions, scopeKey, type LastDecision } from '../../../cli/audit-log';

const line = (scope: { accountId: string; vpcId?: string }, decision: string) =>
  JSON.stringify({ level: 'INFO', message: 'audit', audit: { action: 'vpc.endpoint', scope, decision, reason: 'r', dryRun: false, correlationId: 'c' } });

describe('last audit decisions from CloudWatch Logs', () => {
  it('keeps the newest record per account and per VPC and skips lines that are not audit JSON', () => {
    const byScope = new Map<string, LastDecision>();

    collect(byScope, line({ accountId: '111111111111', vpcId: 'vpc-1' }, 'create'), 200);
    collect(byScope, line({ accountId: '111111111111', vpcId: 'vpc-1' }, 'noop'), 100);
    collect(byScope, line({ accountId: '111111111111' }, 'allow'), 50);
    collect(byScope, 'START RequestId: 1 Version: $LATEST', 300);
    collect(byScope, '2026-11-21T10:00:00Z\tid\tINFO\t{"message":"other"}', 300);

    expect(byScope.get(scopeKey('111111111111', 'vpc-1'))?.decision).toBe('create');
    expect(byScope.get(scopeKey('111111111111'))?.decision).toBe('allow');
    expect(byScope.size).toBe(2);
  });

  it('is unavailable, with the reason, when no log group is configured', async () => {
    await expect(readLastDecisions({ logGroups: [], hours: 1, region: 'eu-west-2', maxAttempts: 1 })).resolves.toEqual({
      available: false,
      reason: expect.stringContaining('--log-groups') as unknown,
    });
  });
});
