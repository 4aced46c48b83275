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

  test('a baseline without entries fails as a whole; one whose entries are all wrong fails on those lines only', () => {
    expect(checkPolicyFiles(files({}, undefined, '# nothing yet\n'))).toEqual({
      problems: [{ file: 'allowlist.txt', line: 0, message: 'no entries: the baseline must list at least one destination' }],
      warnings: [],
      bundle: undefined,
    });
    expect(checkPolicyFiles(files({}, undefined, 'Debian.org\n')).problems).toEqual([
      { file: 'allowlist.txt', line: 1, message: expect.stringMatching(/use lowercase/) as string },
    ]);
  });

  test('an empty policy is a warning and adds nothing; one whose entries are all wrong fails without the warning', () => {
    // Act
    const empty = checkPolicyFiles(files({ payments: '# to come\n' }));
    const wrong = checkPolicyFiles(files({ payments: 'Stripe.com\n' }));

    // Assess
    expect(empty.problems).toEqual([]);
    expect(empty.warnings).toEqual([{ file: 'policies/payments.txt', line: 0, message: 'no entries: the policy adds nothing to the baseline' }]);
    expect(empty.bundle?.policies).toEqual({ payments: [] });
    expect(wrong.problems).toHaveLength(1);
    expect(wrong.warnings).toEqual([]);
  });

  test('without a defaults file nobody has defaults: every untagged VPC gets the baseline only', () => {
    expect(checkPolicyFiles(files({ payments: '.stripe.com\n' })).bundle?.defaults).toEqual({ accounts: {}, organizationalUnits: {} });
  });

  test('policies are taken in name order, so the same files always give the same bundle and the same warnings', () => {
    // Prepare: the map in reverse order, as a directory listing might give it.
    const reversed = files({ zeta: '', alpha: '' });

    // Act
    const check = checkPolicyFiles(reversed);

    // Assess
    expect(Object.keys(check.bundle?.policies ?? {})).toEqual(['alpha', 'zeta']);
    expect(check.warnings.map((w) => w.file)).toEqual(['policies/alpha.txt', 'policies/zeta.txt']);
  });

  test('problems come in file order, then line order, whichever rule found them', () => {
    // Prepare: line 3 breaks the allowlist syntax, lines 1 and 2 the rules for named policies (found afterwards).
    const check = checkPolicyFiles(files({ payments: '52.94.76.7\nprinter.local\nStripe.com\n' }, 'r-ab12 gone\n', 'Debian.org\n'));

    // Assess
    expect(check.problems.map((p) => `${p.file}:${p.line}`)).toEqual([
      'allowlist.txt:1',
      'policies/payments.txt:1',
      'policies/payments.txt:2',
      'policies/payments.txt:3',
      'policy-defaults.txt:1',
    ]);
  });

  test.each([
    ['invalid', 'x.invalid'],
    ['local', 'printer.local'],
    ['alt', 'service.alt'],
    ['onion', 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion'],
  ])('a named policy with a ".%s" name fails: it never leads to the internet', (top, entry) => {
    expect(checkPolicyFiles(files({ payments: `${entry}\n` })).problems).toEqual([
      { file: 'policies/payments.txt', line: 1, message: `"${entry}": ".${top}" is a special-use name that never leads to the internet` },
    ]);
  });

  test('a name that starts like an IPv4 address is a name, allowed in a named policy', () => {
    expect(checkPolicyFiles(files({ payments: '10.20.30.40.example.com\n' })).problems).toEqual([]);
  });

  test('the policy files shipped in squid-config/ pass', () => {
    // Act
    const check = checkPolicyFiles(readPolicyFiles(join(__dirname, '..', '..', '..', 'squid-config')));

    // Assess
    expect(check.problems).toEqual([]);
    expect(Object.keys(check.bundle?.policies ?? {})).toEqual(expect.arrayContaining(['payments']));
  });
});

describe('formatPolicyProblems', () => {
  test('prints file:line: message, and file: message for a problem with the whole file (line 0)', () => {
    expect(formatPolicyProblems([
      { file: 'allowlist.txt', line: 0, message: 'no entries' },
      { file: 'policies/payments.txt', line: 1, message: 'first' },
      { file: 'policies/payments.txt', line: 7, message: 'second' },
    ])).toBe('allowlist.txt: no entries\npolicies/payments.txt:1: first\npolicies/payments.txt:7: second');
  });
});

describe('bundleProblems', () => {
  // Built inside each test: code run while Jest collects the tests counts for every test of the file (Stryker then
  // runs all of them for each mutant it reaches).
  const goodBundle = () => checkPolicyFiles(files({ payments: '.stripe.com\n' }, 'r-ab12 payments\n')).bundle;

  test('a bundle built by the check has no problems', () => {
    const good = goodBundle();
    expect(good).toBeDefined();
    expect(bundleProblems(good!)).toEqual([]);
  });

  test('a hand-edited bundle with an IP literal in a policy, or a default naming a missing policy, is refused', () => {
    // Prepare
    const good = goodBundle();
    const widened = { ...good!, policies: { payments: ['.stripe.com', '52.94.76.9'] } };
    const dangling = { ...good!, defaults: { accounts: {}, organizationalUnits: { 'r-ab12': ['gone'] } } };

    // Act and assess
    expect(bundleProblems(widened)).toEqual([expect.stringMatching(/policies\.payments\[2\]: "52\.94\.76\.9": IP literals are not allowed/)]);
    expect(bundleProblems(dangling)).toEqual([expect.stringMatching(/unknown policy "gone"/)]);
  });

  test('defaults of the baseline only, or of several policies, are as valid in a bundle as in the file', () => {
    // Prepare
    const bundle = checkPolicyFiles(files(
      { payments: '.stripe.com\n', ops: '.pagerduty.com\n' },
      '123456789012 payments,ops\n210987654321 -\nou-ab12-34567890 ops\nr-ab12 -\n',
    )).bundle;

    // Act and assess
    expect(bundle).toBeDefined();
    expect(bundleProblems(bundle!)).toEqual([]);
  });

  test('names each problem by part of the bundle and position, in order: baseline, defaults, policies', () => {
    // Prepare
    const good = goodBundle();
    const broken = {
      ...good!,
      baseline: ['.debian.org', 'Debian.org'],
      policies: { payments: ['.stripe.com', '52.94.76.9'] },
      defaults: { accounts: { '123456789012': ['payments', 'gone'] }, organizationalUnits: {} },
    };

    // Act and assess
    expect(bundleProblems(broken)).toEqual([
      expect.stringMatching(/^baseline\[2\]: "Debian\.org": use lowercase/),
      expect.stringMatching(/^defaults\[1\]: unknown policy "gone"/),
      expect.stringMatching(/^policies\.payments\[2\]: "52\.94\.76\.9": IP literals are not allowed/),
    ]);
  });
});
