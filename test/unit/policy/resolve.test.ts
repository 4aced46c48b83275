import type { PolicyBundle } from '../../../squid-config/policy/documents';
import { describeSource, resolvePolicies } from '../../../squid-config/policy/resolve';

const bundle: Pick<PolicyBundle, 'policies' | 'defaults'> = {
  policies: { payments: ['.stripe.com'], analytics: ['.snowflakecomputing.com'], ops: ['.pagerduty.com'] },
  defaults: {
    accounts: { '111111111111': ['ops'] },
    organizationalUnits: { 'ou-ab12-11111111': ['analytics'], 'ou-ab12-22222222': ['payments'], 'r-ab12': ['ops', 'analytics'] },
  },
};

const endpoint = (policyTag: string | null, accountId = '999999999999', ancestorIds = ['ou-ab12-11111111', 'ou-ab12-22222222', 'r-ab12']) => ({
  accountId,
  policyTag,
  ancestorIds,
});

describe('resolvePolicies', () => {
  test('the tag wins over every default', () => {
    expect(resolvePolicies(bundle, endpoint('payments', '111111111111'))).toEqual({
      names: ['payments'],
      source: { kind: 'tag' },
      unknownNames: [],
      problems: [],
    });
  });

  test('an empty tag means the baseline only, overriding the defaults', () => {
    expect(resolvePolicies(bundle, endpoint('', '111111111111'))).toMatchObject({ names: [], source: { kind: 'tag' }, problems: [] });
  });

  test('commas and spaces both separate names; duplicates count once; "baseline" adds nothing', () => {
    expect(resolvePolicies(bundle, endpoint(' payments, analytics payments baseline')).names).toEqual(['payments', 'analytics']);
  });

  test("without a tag, the account's own default wins over its OUs", () => {
    expect(resolvePolicies(bundle, endpoint(null, '111111111111'))).toMatchObject({ names: ['ops'], source: { kind: 'account-default', accountId: '111111111111' } });
  });

  test('without a tag or account default, the nearest OU wins, then the ones above, then the root', () => {
    expect(resolvePolicies(bundle, endpoint(null)).source).toEqual({ kind: 'ou-default', ouId: 'ou-ab12-11111111' });
    expect(resolvePolicies(bundle, endpoint(null, '999999999999', ['ou-ab12-33333333', 'ou-ab12-22222222', 'r-ab12'])).names).toEqual(['payments']);
    expect(resolvePolicies(bundle, endpoint(null, '999999999999', ['ou-ab12-33333333', 'r-ab12'])).names).toEqual(['ops', 'analytics']);
  });

  test('nothing applies: no named policy', () => {
    expect(resolvePolicies({ policies: {}, defaults: { accounts: {}, organizationalUnits: {} } }, endpoint(null))).toEqual({
      names: [],
      source: { kind: 'none' },
      unknownNames: [],
      problems: [],
    });
  });

  test('an unknown name makes the whole choice the baseline only, and says which name', () => {
    const resolution = resolvePolicies(bundle, endpoint('payments,stripe'));
    expect(resolution.names).toEqual([]);
    expect(resolution.unknownNames).toEqual(['stripe']);
    expect(resolution.problems).toEqual(['unknown policy "stripe": the baseline only applies']);
  });

  test('names every unknown name', () => {
    expect(resolvePolicies(bundle, endpoint('stripe,payments,adyen')).problems).toEqual(['unknown policy "stripe", "adyen": the baseline only applies']);
  });

  test('names that exist only on the object prototype are unknown, not inherited', () => {
    expect(resolvePolicies(bundle, endpoint('constructor')).unknownNames).toEqual(['constructor']);
    expect(resolvePolicies(bundle, endpoint(null, 'constructor', [])).source).toEqual({ kind: 'none' });
  });

  test('a malformed name or an over-long tag is reported, and the baseline only applies', () => {
    const resolution = resolvePolicies(bundle, endpoint(`payments,Bad_Name,${'x'.repeat(300)}`));
    expect(resolution.names).toEqual([]);
    expect(resolution.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/policy tag: the tag value is \d+ characters; AWS allows at most 256/),
        expect.stringMatching(/"Bad_Name" is not a policy name/),
      ]),
    );
  });
});

describe('describeSource', () => {
  test.each([
    [{ kind: 'tag' }, 'the VPC tag'],
    [{ kind: 'account-default', accountId: '111111111111' }, 'the default for account 111111111111'],
    [{ kind: 'ou-default', ouId: 'ou-ab12-11111111' }, 'the default for ou-ab12-11111111'],
    [{ kind: 'none' }, 'no tag and no default'],
  ] as const)('says where the policies came from: %j', (source, words) => {
    expect(describeSource(source)).toBe(words);
  });
});
