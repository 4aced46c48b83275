import { MAX_TAG_VALUE_LENGTH, parsePolicyTag, POLICY_NAME } from '../../../squid-config/policy/policy-tag';

describe('POLICY_NAME', () => {
  test.each([
    ['a single character', 'x'],
    ['digits only', '42'],
    ['inner hyphens', 'team-payments-eu'],
    ['64 characters', `a${'b'.repeat(62)}c`],
  ])('accepts %s', (_case, name) => {
    expect(POLICY_NAME.test(name)).toBe(true);
  });

  test.each([
    ['65 characters', `a${'b'.repeat(63)}c`],
    ['a leading hyphen', '-payments'],
    ['a trailing hyphen', 'payments-'],
    ['uppercase', 'Payments'],
    ['an underscore after a valid start', 'payments_v2'],
    ['a dot after a valid start', 'payments.txt'],
    ['nothing', ''],
  ])('refuses %s', (_case, name) => {
    expect(POLICY_NAME.test(name)).toBe(false);
  });
});

describe('parsePolicyTag', () => {
  test('a value of exactly the AWS maximum is read; one character more is a problem that says how long it is', () => {
    // Prepare: names of 3 characters and a comma, padded to the limit with spaces (which separate like commas).
    const atLimit = 'abc,'.repeat(63).padEnd(MAX_TAG_VALUE_LENGTH, ' ');

    // Act
    const fits = parsePolicyTag(atLimit);
    const tooLong = parsePolicyTag(`${atLimit}x`);

    // Assess
    expect(atLimit).toHaveLength(256);
    expect(fits).toEqual({ names: ['abc'], problems: [] });
    expect(tooLong.problems).toEqual(['the tag value is 257 characters; AWS allows at most 256']);
  });

  test('the limit counts characters, not UTF-16 units: 256 emoji are within it', () => {
    // Each emoji is two UTF-16 units, so value.length would say 512.
    const emoji = '\u{1F600}'.repeat(MAX_TAG_VALUE_LENGTH);
    expect(parsePolicyTag(emoji).problems).toEqual([`"${emoji}" is not a policy name (lowercase letters, digits and inner hyphens, at most 64)`]);
  });

  test('a malformed name is named and left out; the well-formed ones are still read', () => {
    expect(parsePolicyTag('payments, Stripe ops')).toEqual({
      names: ['payments', 'ops'],
      problems: ['"Stripe" is not a policy name (lowercase letters, digits and inner hyphens, at most 64)'],
    });
  });

  test('runs of commas and white space separate names like one separator', () => {
    expect(parsePolicyTag(',,payments ,\t, ops,,')).toEqual({ names: ['payments', 'ops'], problems: [] });
  });
});
