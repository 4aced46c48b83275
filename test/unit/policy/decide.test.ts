import { CompiledPolicy } from '../../../squid-config/policy/decide';
import type { EndpointMapping, PolicyBundle } from '../../../squid-config/policy/documents';

const PAYMENTS_ENDPOINT = 'vpce-0aaaaaaaaaaaaaaaa';
const ANALYTICS_ENDPOINT = 'vpce-0bbbbbbbbbbbbbbbb';
const DEFAULTED_ENDPOINT = 'vpce-0cccccccccccccccc';
const TYPO_ENDPOINT = 'vpce-0dddddddddddddddd';

function bundle(overrides: Partial<PolicyBundle> = {}): PolicyBundle {
  return {
    schemaVersion: 1,
    source: { revision: 'test', generatedAt: '2026-11-30T00:00:00Z' },
    baseline: ['.debian.org', 'sts.amazonaws.com', '198.51.100.20'],
    policies: { payments: ['.stripe.com', 'api.adyen.com'], analytics: ['.snowflakecomputing.com'] },
    defaults: { accounts: {}, organizationalUnits: { 'ou-ab12-34567890': ['analytics'] } },
    ...overrides,
  };
}

function mapping(): EndpointMapping {
  const base = { ancestorIds: ['r-ab12'] };
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-30T00:00:00Z',
    shards: {},
    endpoints: {
      [PAYMENTS_ENDPOINT]: { ...base, accountId: '111111111111', vpcId: 'vpc-0aaaaaaaaaaaaaaaa', policyTag: 'payments' },
      [ANALYTICS_ENDPOINT]: { ...base, accountId: '222222222222', vpcId: 'vpc-0bbbbbbbbbbbbbbbb', policyTag: 'analytics' },
      [DEFAULTED_ENDPOINT]: { accountId: '333333333333', vpcId: 'vpc-0cccccccccccccccc', policyTag: null, ancestorIds: ['ou-ab12-34567890', 'r-ab12'] },
      [TYPO_ENDPOINT]: { ...base, accountId: '444444444444', vpcId: 'vpc-0dddddddddddddddd', policyTag: 'payments,paymnets' },
    },
  };
}

const loaded = () => new CompiledPolicy({ bundle: bundle(), mapping: mapping(), fallbackBaseline: ['fallback.example.com'] });

describe('CompiledPolicy.decide', () => {
  test('two spokes asking for the same host get different answers from their own policies', () => {
    // Act
    const forPayments = loaded().decide(PAYMENTS_ENDPOINT, 'api.stripe.com');
    const forAnalytics = loaded().decide(ANALYTICS_ENDPOINT, 'api.stripe.com');

    // Assess
    expect(forPayments).toEqual({ allowed: true, policy: 'payments', policies: ['payments'] });
    expect(forAnalytics).toEqual({ allowed: false, reason: 'not_in_policy', policies: ['analytics'] });
  });

  test('the baseline allows for every endpoint, known or not, and names itself', () => {
    const policy = loaded();
    for (const endpoint of [PAYMENTS_ENDPOINT, 'vpce-0eeeeeeeeeeeeeeee', undefined]) {
      expect(policy.decide(endpoint, 'security.debian.org')).toMatchObject({ allowed: true, policy: 'baseline' });
    }
  });

  test.each([
    ['the apex of a leading-dot entry', 'stripe.com', true],
    ['a deep subdomain of a leading-dot entry', 'a.b.stripe.com', true],
    ['an exact entry', 'api.adyen.com', true],
    ['a subdomain of an exact entry', 'x.api.adyen.com', false],
    ['a look-alike suffix', 'evilstripe.com', false],
    ['an allowed name used as a prefix', 'stripe.com.evil.test', false],
    ['mixed case and a trailing root dot', 'API.Stripe.COM.', true],
  ])('matching follows dstdomain: %s (%s)', (_case, host, allowed) => {
    expect(loaded().decide(PAYMENTS_ENDPOINT, host).allowed).toBe(allowed);
  });

  test('an IP literal matches only an IP entry written exactly so', () => {
    const policy = loaded();
    expect(policy.decide(undefined, '198.51.100.20').allowed).toBe(true);
    expect(policy.decide(undefined, '98.51.100.20').allowed).toBe(false);
  });

  test('an endpoint with no tag gets the default of its nearest OU', () => {
    expect(loaded().decide(DEFAULTED_ENDPOINT, 'acme.snowflakecomputing.com')).toEqual({ allowed: true, policy: 'analytics', policies: ['analytics'] });
  });

  test('an endpoint naming an unknown policy gets the baseline only, even for the policies it spelled right', () => {
    const policy = loaded();
    expect(policy.decide(TYPO_ENDPOINT, 'api.stripe.com')).toEqual({ allowed: false, reason: 'unknown_policy', policies: [] });
    expect(policy.decide(TYPO_ENDPOINT, 'sts.amazonaws.com')).toMatchObject({ allowed: true, policy: 'baseline' });
    expect(policy.endpoint(TYPO_ENDPOINT)?.resolution.unknownNames).toEqual(['paymnets']);
  });

  test.each([
    ['an endpoint the mapping does not know', 'vpce-0eeeeeeeeeeeeeeee', 'unknown_endpoint'],
    ['a connection without an endpoint id', undefined, 'no_endpoint_id'],
  ])('%s gets the baseline only', (_case, endpoint, reason) => {
    expect(loaded().decide(endpoint, 'api.stripe.com')).toEqual({ allowed: false, reason, policies: [] });
  });

  test('before any policy is loaded the shipped baseline applies and nothing else', () => {
    // Prepare
    const unloaded = new CompiledPolicy({ bundle: undefined, mapping: undefined, fallbackBaseline: ['fallback.example.com'] });

    // Act and assess
    expect(unloaded.decide(PAYMENTS_ENDPOINT, 'fallback.example.com')).toMatchObject({ allowed: true, policy: 'baseline' });
    expect(unloaded.decide(PAYMENTS_ENDPOINT, 'api.stripe.com')).toEqual({ allowed: false, reason: 'policy_not_loaded', policies: [] });
  });

  test('a bundle without a mapping, or a mapping without a bundle, is not loaded: the baseline only, and says so', () => {
    // Prepare
    const bundleOnly = new CompiledPolicy({ bundle: bundle(), mapping: undefined, fallbackBaseline: ['fallback.example.com'] });
    const mappingOnly = new CompiledPolicy({ bundle: undefined, mapping: mapping(), fallbackBaseline: ['fallback.example.com'] });

    // Act and assess: the bundle's baseline applies as soon as there is one, the policies only with the mapping.
    expect(bundleOnly.decide(PAYMENTS_ENDPOINT, 'security.debian.org')).toMatchObject({ allowed: true, policy: 'baseline' });
    for (const partial of [bundleOnly, mappingOnly]) {
      expect(partial.decide(PAYMENTS_ENDPOINT, 'api.stripe.com')).toEqual({ allowed: false, reason: 'policy_not_loaded', policies: [] });
      expect(partial.endpoint(PAYMENTS_ENDPOINT)).toBeUndefined();
      expect(partial.endpointCount).toBe(0);
    }
    expect(mappingOnly.decide(PAYMENTS_ENDPOINT, 'fallback.example.com')).toMatchObject({ allowed: true, policy: 'baseline' });
  });

  test('counts the endpoints it maps, for the logs', () => {
    expect(loaded().endpointCount).toBe(4);
  });

  test('a malformed policy tag gets the baseline only, as an unknown policy', () => {
    // Prepare
    const withBadTag = mapping();
    withBadTag.endpoints[PAYMENTS_ENDPOINT] = { ...withBadTag.endpoints[PAYMENTS_ENDPOINT]!, policyTag: 'payments,Bad_Name' };

    // Act
    const policy = new CompiledPolicy({ bundle: bundle(), mapping: withBadTag, fallbackBaseline: [] });

    // Assess
    expect(policy.decide(PAYMENTS_ENDPOINT, 'api.stripe.com')).toEqual({ allowed: false, reason: 'unknown_policy', policies: [] });
  });

  test('a loaded bundle replaces the shipped baseline', () => {
    expect(loaded().decide(PAYMENTS_ENDPOINT, 'fallback.example.com')).toMatchObject({ allowed: false, reason: 'not_in_policy' });
  });
});
