import { parseDefaultsFile } from '../../../squid-config/policy/defaults-file';

const KNOWN = new Set(['payments', 'ops', 'stripe']);

describe('parseDefaultsFile', () => {
  test('reads accounts and OUs apart, "-" as the baseline only, duplicates once', () => {
    // Act
    const parsed = parseDefaultsFile('# id  policies\n123456789012 payments,ops,payments\nou-ab12-34567890 -\nr-ab12 ops\n', KNOWN);

    // Assess
    expect(parsed).toEqual({
      defaults: { accounts: { '123456789012': ['payments', 'ops'] }, organizationalUnits: { 'ou-ab12-34567890': [], 'r-ab12': ['ops'] } },
      problems: [],
    });
  });

  test('indentation, trailing white space, spaces after commas and stray commas do not matter', () => {
    expect(parseDefaultsFile('  123456789012\t payments, ops ,\n\tr-ab12  ,stripe,,\n', KNOWN)).toEqual({
      defaults: { accounts: { '123456789012': ['payments', 'ops'] }, organizationalUnits: { 'r-ab12': ['stripe'] } },
      problems: [],
    });
  });

  test.each([
    ['an account id of 13 digits', '1234567890123'],
    ['an account id with a letter in front', 'a123456789012'],
    ['an account id with a letter behind', '123456789012a'],
    ['an OU id with something behind', 'ou-ab12-34567890!'],
    ['a root id with something in front', 'xr-ab12'],
    ['a root id with something behind', 'r-ab12!'],
  ])('refuses %s, naming the line', (_case, id) => {
    expect(parseDefaultsFile(`# header\n${id} payments\n`, KNOWN).problems).toEqual([
      { line: 2, message: `"${id}" is neither a 12-digit account id nor an OU or root id (ou-..., r-...)` },
    ]);
  });

  test('names every unknown policy of a line, and the known ones in order', () => {
    expect(parseDefaultsFile('r-ab12 payments,gone,typo\n', new Set(['stripe', 'payments'])).problems).toEqual([
      { line: 1, message: 'unknown policy "gone", "typo" (known: payments, stripe)' },
    ]);
  });

  test('says so when no policy is known at all', () => {
    expect(parseDefaultsFile('r-ab12 payments\n', new Set()).problems).toEqual([{ line: 1, message: 'unknown policy "payments" (known: none)' }]);
  });

  test('"baseline" and malformed names are never defaults, even when the caller knows them', () => {
    expect(parseDefaultsFile('r-ab12 baseline\n123456789012 Payments\n', new Set(['baseline', 'Payments'])).problems).toEqual([
      { line: 1, message: 'unknown policy "baseline" (known: Payments, baseline)' },
      { line: 2, message: 'unknown policy "Payments" (known: Payments, baseline)' },
    ]);
  });
});
