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

describe('decideAccountScope: the reason written to the audit record', () => {
  it('says every OU is in scope when none is configured', () => {
    // Prepare
    const account = active(['r-abcd']);

    // Act
    const decision = decideAccountScope('123456789012', account, wholeOrg);

    // Assess
    expect(decision).toEqual({ inScope: true, reason: 'active member; every OU is in scope', ancestorIds: ['r-abcd'] });
  });

  it('names the account and every configured OU when the account is outside them', () => {
    // Prepare
    const policy = { inScopeOuIds: ['ou-abcd-11111111', 'ou-abcd-22222222'], excludedAccountIds: [] };

    // Act
    const decision = decideAccountScope('123456789012', active(['ou-abcd-33333333', 'r-abcd']), policy);

    // Assess
    expect(decision).toEqual({
      inScope: false,
      reason: 'account 123456789012 is outside the in-scope OUs (ou-abcd-11111111, ou-abcd-22222222)',
    });
  });
});

describe('root principals in every partition', () => {
  it.each([
    ['aws', 'arn:aws:iam::123456789012:root'],
    ['aws-cn', 'arn:aws-cn:iam::123456789012:root'],
    ['aws-us-gov', 'arn:aws-us-gov:iam::123456789012:root'],
  ])('reads the account id out of a root principal of the %s partition', (partition, principal) => {
    // Prepare
    const written = rootPrincipalArn('123456789012', partition);

    // Act
    const accountId = accountIdOfRootPrincipal(principal);

    // Assess
    expect(written).toBe(principal);
    expect(accountId).toBe('123456789012');
  });

  it.each([
    ['a prefix before the ARN', 'x-arn:aws:iam::123456789012:root'],
    ['a path after root', 'arn:aws:iam::123456789012:root/extra'],
    ['a user named like root', 'arn:aws:iam::123456789012:rootuser'],
    ['a partition that is not aws', 'arn:azure:iam::123456789012:root'],
    ['an 11-digit account', 'arn:aws:iam::12345678901:root'],
  ])('reads no account id out of a principal with %s', (_, principal) => {
    // Act
    const accountId = accountIdOfRootPrincipal(principal);

    // Assess
    expect(accountId).toBeUndefined();
  });
});
