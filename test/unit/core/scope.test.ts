import { accountIdOfRootPrincipal, decideAccountScope, rootPrincipalArn, type OrgAccount } from '../../../functions/core/scope';

const active = (ancestorIds: string[]): OrgAccount => ({ accountId: '123456789012', state: 'ACTIVE', ancestorIds });
const wholeOrg = { inScopeOuIds: [], excludedAccountIds: [] };

describe('decideAccountScope', () => {
  it('serves an active member anywhere when no OU is configured', () => {
    expect(decideAccountScope('123456789012', active(['r-abcd']), wholeOrg).inScope).toBe(true);
  });

  it('treats a non-member as out of scope', () => {
    const decision = decideAccountScope('123456789012', undefined, wholeOrg);
    expect(decision).toEqual({ inScope: false, reason: expect.stringContaining('not a member') as string });
  });

  it.each(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'])('treats a %s account as out of scope', (state) => {
    const decision = decideAccountScope('123456789012', { ...active(['r-abcd']), state }, wholeOrg);
    expect(decision.inScope).toBe(false);
    expect(decision.reason).toContain(state);
  });

  it('matches an in-scope OU at any depth above the account', () => {
    const policy = { inScopeOuIds: ['ou-abcd-11111111'], excludedAccountIds: [] };
    const nested = active(['ou-abcd-22222222', 'ou-abcd-11111111', 'r-abcd']);
    expect(decideAccountScope('123456789012', nested, policy)).toEqual({
      inScope: true,
      reason: 'active member under ou-abcd-11111111',
      ancestorIds: ['ou-abcd-22222222', 'ou-abcd-11111111', 'r-abcd'],
    });
  });

  it('puts an account moved out of the configured OUs out of scope', () => {
    const policy = { inScopeOuIds: ['ou-abcd-11111111'], excludedAccountIds: [] };
    expect(decideAccountScope('123456789012', active(['ou-abcd-33333333', 'r-abcd']), policy).inScope).toBe(false);
  });

  it('lets the exclusion list win over OU membership', () => {
    const policy = { inScopeOuIds: [], excludedAccountIds: ['123456789012'] };
    const decision = decideAccountScope('123456789012', active(['r-abcd']), policy);
    expect(decision.inScope).toBe(false);
    expect(decision.reason).toContain('excluded');
  });
});

describe('root principals', () => {
  it('round-trips an account id through its root ARN', () => {
    expect(rootPrincipalArn('123456789012')).toBe('arn:aws:iam::123456789012:root');
    expect(accountIdOfRootPrincipal('arn:aws:iam::123456789012:root')).toBe('123456789012');
  });

  it('does not read an account id out of other principal forms', () => {
    expect(accountIdOfRootPrincipal('arn:aws:iam::123456789012:role/x')).toBeUndefined();
    expect(accountIdOfRootPrincipal('*')).toBeUndefined();
  });
});
