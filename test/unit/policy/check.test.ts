import { bundleProblems, checkPolicyFiles, formatPolicyProblems, type PolicyFiles } from '../../../squid-config/policy/check';
import { readPolicyFiles } from '../../../squid-config/policy/repository';
import { join } from 'node:path';

function files(policies: Record<string, string>, defaults?: string, baseline = '.debian.org\nsts.amazonaws.com\n'): PolicyFiles {
  return {
    baseline: { file: 'allowlist.txt', text: baseline },
    policies: new Map(Object.entries(policies).map(([name, text]) => [name, { file: `policies/${name}.txt`, text }])),
    defaults: defaults === undefined ? undefined : { file: 'policy-defaults.txt', text: defaults },
  };
}

describe('checkPolicyFiles', () => {
  test('builds the bundle from the baseline, each policy and the defaults', () => {
    // Act
    const check = checkPolicyFiles(files(
      { payments: '# cards\n.stripe.com\napi.adyen.com\n', ops: '.pagerduty.com\n' },
      '123456789012 payments,ops\nou-ab12-34567890 -\nr-ab12 ops\n',
    ));

    // Assess
    expect(check.problems).toEqual([]);
    expect(check.bundle).toEqual({
      schemaVersion: 1,
      baseline: ['.debian.org', 'sts.amazonaws.com'],
      policies: { ops: ['.pagerduty.com'], payments: ['.stripe.com', 'api.adyen.com'] },
      defaults: { accounts: { '123456789012': ['payments', 'ops'] }, organizationalUnits: { 'ou-ab12-34567890': [], 'r-ab12': ['ops'] } },
    });
  });

  test.each([
    ['a URL', 'https://api.stripe.com/v1', /not a URL/],
    ['a wildcard', '*.stripe.com', /wildcards are not supported/],
    ['an IPv4 literal', '52.94.76.7', /IP literals are not allowed in a named policy/],
    // The baseline's rule, which holds in every file: Squid denies private addresses whatever a list says.
    ['a private IPv4 literal', '10.0.0.1', /10\.0\.0\.1 is in 10\.0\.0\.0\/8, which squid\.conf denies/],
    ['an IPv6 literal', 'fd00::1', /IPv6 literals are not supported/],
    ['a special-use name', 'db.corp.internal', /"\.internal" is a special-use name/],
    ['a .localhost name', 'app.localhost', /"\.localhost" is a special-use name/],
    ['a reverse-DNS zone', '10.in-addr.arpa', /"\.arpa" is a special-use name/],
  ])('a named policy with %s fails, naming file and line', (_case, entry, message) => {
    // Act
    const check = checkPolicyFiles(files({ payments: `.stripe.com\n${entry}\n` }));

    // Assess
    expect(check.bundle).toBeUndefined();
    expect(check.problems).toEqual([{ file: 'policies/payments.txt', line: 2, message: expect.stringMatching(message) as string }]);
  });

  test('a duplicate in a policy fails on the second line', () => {
    const check = checkPolicyFiles(files({ payments: '.stripe.com\napi.adyen.com\n.stripe.com\n' }));
    expect(formatPolicyProblems(check.problems)).toBe('policies/payments.txt:3: ".stripe.com" duplicates line 1');
  });

  test('the baseline may still list an IPv4 literal', () => {
    expect(checkPolicyFiles(files({}, undefined, '52.94.76.20\n')).problems).toEqual([]);
  });

  test('an entry the baseline already has is a warning, not a failure', () => {
    const check = checkPolicyFiles(files({ payments: '.debian.org\n.stripe.com\n' }));
    expect(check.problems).toEqual([]);
    expect(check.warnings).toEqual([{ file: 'policies/payments.txt', line: 1, message: expect.stringMatching(/in the baseline already/) as string }]);
  });

  test.each([
    ['baseline', /not a usable policy name/],
    ['Payments', /not a usable policy name/],
  ])('a policy file named %s fails', (name, message) => {
    const check = checkPolicyFiles(files({ [name]: '.stripe.com\n' }));
    expect(check.problems).toEqual([{ file: `policies/${name}.txt`, line: 0, message: expect.stringMatching(message) as string }]);
  });

  test.each([
    ['an unknown policy', '123456789012 payments,stripe\n', /unknown policy "stripe" \(known: payments\)/],
    ['a malformed id', '12345 payments\n', /neither a 12-digit account id nor an OU or root id/],
    ['no policies', 'ou-ab12-34567890\n', /no policies for ou-ab12-34567890/],
    ['the baseline by name', 'r-ab12 baseline\n', /unknown policy "baseline"/],
  ])('a defaults line with %s fails, naming the line', (_case, defaults, message) => {
    const check = checkPolicyFiles(files({ payments: '.stripe.com\n' }, `# header\n${defaults}`));
    expect(check.problems).toEqual([{ file: 'policy-defaults.txt', line: 2, message: expect.stringMatching(message) as string }]);
  });

  test('an id given defaults twice fails on the second line', () => {
    const check = checkPolicyFiles(files({ payments: '.stripe.com\n' }, 'r-ab12 payments\nr-ab12 -\n'));
    expect(formatPolicyProblems(check.problems)).toBe('policy-defaults.txt:2: r-ab12 already has defaults on line 1');
  });

  test('the policy files shipped in squid-config/ pass', () => {
    // Act
    const check = checkPolicyFiles(readPolicyFiles(join(__dirname, '..', '..', '..', 'squid-config')));

    // Assess
    expect(check.problems).toEqual([]);
    expect(Object.keys(check.bundle?.policies ?? {})).toEqual(expect.arrayContaining(['payments']));
  });
});

describe('bundleProblems', () => {
  const good = checkPolicyFiles(files({ payments: '.stripe.com\n' }, 'r-ab12 payments\n')).bundle;

  test('a bundle built by the check has no problems', () => {
    expect(good).toBeDefined();
    expect(bundleProblems(good!)).toEqual([]);
  });

  test('a hand-edited bundle with an IP literal in a policy, or a default naming a missing policy, is refused', () => {
    // Prepare
    const widened = { ...good!, policies: { payments: ['.stripe.com', '52.94.76.9'] } };
    const dangling = { ...good!, defaults: { accounts: {}, organizationalUnits: { 'r-ab12': ['gone'] } } };

    // Act and assess
    expect(bundleProblems(widened)).toEqual([expect.stringMatching(/policies\.payments\[2\]: "52\.94\.76\.9": IP literals are not allowed/)]);
    expect(bundleProblems(dangling)).toEqual([expect.stringMatching(/unknown policy "gone"/)]);
  });
});
