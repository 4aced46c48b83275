import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllowlist, formatProblems, SQUID_DENIED_IPV4_RANGES } from '../../squid-config/allowlist';

const ROOT = join(__dirname, '..', '..');

function problemsOf(text: string): { line: number; message: string }[] {
  return [...checkAllowlist(text).problems];
}

describe('checkAllowlist', () => {
  test('accepts leading-dot domains, exact names, IPv4 literals, comments and blank lines', () => {
    // Prepare
    const text = '# comment\n\n.example.com\napi.example.net\n  \n52.94.76.20\n   # indented comment\nxn--bcher-kva.example\n';

    // Act
    const result = checkAllowlist(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.entries).toEqual([
      { line: 3, value: '.example.com', includesSubdomains: true, name: 'example.com' },
      { line: 4, value: 'api.example.net', includesSubdomains: false, name: 'api.example.net' },
      { line: 6, value: '52.94.76.20', includesSubdomains: false, name: '52.94.76.20' },
      { line: 8, value: 'xn--bcher-kva.example', includesSubdomains: false, name: 'xn--bcher-kva.example' },
    ]);
  });

  test('accepts Windows line endings', () => {
    expect(problemsOf('.example.com\r\napi.example.net\r\n')).toEqual([]);
  });

  test.each([
    ['*.example.com', /wildcards are not supported: write "\.example\.com"/],
    ['*.b.com', /wildcards are not supported: write "\.b\.com" to cover b\.com and its subdomains/],
    ['203.0.113.0/24', /address ranges are not supported: list each address/],
    ['10.0.0.1', /10\.0\.0\.1 is in 10\.0\.0\.0\/8, which squid\.conf denies whatever the allowlist says/],
    ['127.0.0.1', /is in 127\.0\.0\.0\/8, which squid\.conf denies/],
    ['169.254.169.254', /is in 169\.254\.0\.0\/16, which squid\.conf denies/],
    ['100.64.1.1', /is in 100\.64\.0\.0\/10/],
    ['.co.uk', /"co\.uk" is a public suffix \(Public Suffix List\): anyone can register names under it/],
    ['co.uk', /"co\.uk" is a public suffix/],
    ['.github.io', /"github\.io" is a public suffix/],
    ['.s3.amazonaws.com', /"s3\.amazonaws\.com" is a public suffix/],
    ['.amazonaws.com', /would also admit any S3 bucket/],
    ['bücher.de', /write internationalized names in Punycode, as DNS and Squid see them: "xn--bcher-kva\.de"/],
    ['.bücher.de', /Punycode.*"\.xn--bcher-kva\.de"/],
    ['https://example.com/', /not a URL/],
    ['example.com/path', /not a URL/],
    ['example.com:443', /ports and IPv6 literals are not supported/],
    ['2001:db8::1', /ports and IPv6 literals are not supported/],
    ['Example.com', /use lowercase/],
    ['.', /lone "\." would allow every destination/],
    ['.com', /top-level domain or a single label/],
    ['localhost', /top-level domain or a single label/],
    ['example.com.', /trailing dot/],
    ['-bad.example.com', /not a valid DNS label/],
    ['bad-.example.com', /not a valid DNS label/],
    ['a..example.com', /not a valid DNS label/],
    ['under_score.example.com', /not a valid DNS label/],
    [`${'a'.repeat(64)}.example.com`, /not a valid DNS label/],
    [`${'a.'.repeat(130)}com`, /at most 253 characters/],
    ['.198.51.100.20', /leading dot makes no sense on an IP address/],
    ['198.51.100.256', /not a valid IPv4 address/],
    ['example.com # inline comment', /one entry per line/],
    ['example.com example.net', /one entry per line/],
    ['*', /wildcards are not supported: write "\.example\.com" to cover example\.com/],
    ['*.*.example.com', /wildcards are not supported: write "\.example\.com" to cover example\.com/],
    ['api.*.example.com', /wildcards are not supported: write "\.example\.com" to cover example\.com/],
    ['*example.org', /wildcards are not supported: write "\.example\.org" to cover example\.org and its subdomains/],
    ['https://10.0.0.0/8', /write a host name, not a URL/],
    ['52.94.76.20/16/status', /write a host name, not a URL/],
    ['xn--ü.example', /"xn--ü\.example": not a valid domain name$/],
    ['ex\u007fample.com', /not a valid DNS label/],
  ])('rejects %s', (entry, message) => {
    const problems = problemsOf(`# header\n${entry}\n`);

    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(2);
    expect(problems[0]?.message).toMatch(message);
  });

  test('accepts public addresses, registrable names under a public suffix, and exact AWS service names', () => {
    expect(problemsOf('8.8.8.8\n1.1.1.1\nexample.co.uk\n.shop.co.uk\nsts.eu-west-2.amazonaws.com\nmy-site.github.io\n')).toEqual([]);
  });

  test('accepts amazonaws.com itself: only its leading-dot form admits customers\' names', () => {
    expect(problemsOf('amazonaws.com\n')).toEqual([]);
  });

  test('refuses exactly the IPv4 ranges squid.conf denies (its special_use_destinations ACL, over several lines)', () => {
    // Prepare: the ACL as the shipped squid.conf writes it
    const squidConf = readFileSync(join(ROOT, 'squid-config', 'squid.conf'), 'utf8');
    const acl = [...squidConf.matchAll(/^acl special_use_destinations dst (.+)$/gm)].map((line) => line[1] ?? '').join(' ');

    // Act
    const ipv4Ranges = acl.split(/\s+/).filter((range) => /^\d+\.\d+\.\d+\.\d+\//.test(range));

    // Assess
    expect([...SQUID_DENIED_IPV4_RANGES].sort()).toEqual(ipv4Ranges.sort());
  });

  test('rejects a duplicate, naming the first occurrence', () => {
    expect(problemsOf('api.example.com\n\napi.example.com\n')).toEqual([{ line: 3, message: '"api.example.com" duplicates line 1' }]);
  });

  test.each([
    ['an exact name under a leading-dot entry', '.example.com\nwww.example.com\n', 2, '.example.com', 1],
    ['the apex itself under its leading-dot entry', 'example.com\n.example.com\n', 1, '.example.com', 2],
    ['a leading-dot entry under a leading-dot parent', '.example.com\n.eu.example.com\n', 2, '.example.com', 1],
    ['a deep name under a distant parent', '.example.com\na.b.c.example.com\n', 2, '.example.com', 1],
  ])('rejects %s', (_case, text, shadowedLine, parent, parentLine) => {
    const problems = problemsOf(text);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({ line: shadowedLine, message: expect.stringContaining(`covered by "${parent}" on line ${parentLine}`) as unknown });
  });

  test('does not treat look-alikes as covered', () => {
    // evilexample.com is not a subdomain of example.com; example.com.evil.test is not either.
    expect(problemsOf('.example.com\nevilexample.com\nexample.com.evil.test\n')).toEqual([]);
  });

  test('an exact name does not cover its subdomains', () => {
    expect(problemsOf('example.com\nwww.example.com\n')).toEqual([]);
  });

  test('reports every problem, sorted by line', () => {
    const lines = problemsOf('Bad.com\n.example.com\nwww.example.com\n*.x.com\n').map((problem) => problem.line);

    expect(lines).toEqual([1, 3, 4]);
  });

  test('formatProblems prints file:line: message', () => {
    expect(formatProblems('allowlist.txt', [{ line: 7, message: 'boom' }])).toBe('allowlist.txt:7: boom');
  });

  test('the shipped allowlist passes', () => {
    const shipped = readFileSync(join(ROOT, 'squid-config', 'allowlist.txt'), 'utf8');

    const result = checkAllowlist(shipped);

    expect(result.problems).toEqual([]);
    expect(result.entries.length).toBeGreaterThan(0);
  });
});

describe('checkAllowlist: IPv4 literals, octet by octet', () => {
  test.each(['8.8.8.8', '98.76.54.32', '100.199.249.250', '199.1.1.1', '223.255.255.255', '1.0.0.0', '1.249.2.3', '1.2.3.4'])(
    'accepts %s as an IPv4 literal',
    (address) => {
      // Act
      const result = checkAllowlist(`${address}\n`);

      // Assess
      expect(result.problems).toEqual([]);
      expect(result.entries).toEqual([{ line: 1, value: address, includesSubdomains: false, name: address }]);
    },
  );

  test.each(['256.1.1.1', '1.256.1.1', '300.1.1.1', '01.1.1.1', '1.2.3.04', '1.2.3'])('rejects %s, which is no IPv4 address', (address) => {
    // Act
    const problems = problemsOf(`${address}\n`);

    // Assess
    expect(problems).toEqual([
      { line: 1, message: `"${address}": not a valid IPv4 address, and a name cannot end in a numeric label` },
    ]);
  });
});

describe('checkAllowlist: names at the limits', () => {
  // 63 + 1 + 63 + 1 + 63 + 1 + n characters
  const nameOf = (length: number) => `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(length - 192)}`;

  test('accepts a name of exactly 253 characters, the DNS maximum', () => {
    // Act
    const problems = problemsOf(`${nameOf(253)}\n`);

    // Assess
    expect(nameOf(253)).toHaveLength(253);
    expect(problems).toEqual([]);
  });

  test('rejects a name of 254 characters', () => {
    // Act
    const problems = problemsOf(`.${nameOf(254)}\n`);

    // Assess
    expect(problems).toEqual([{ line: 1, message: `".${nameOf(254)}": a domain name has at most 253 characters` }]);
  });

  test.each(['corp.x1', 'corp.1x', 'k8s.internal9'])('accepts %s: only an all-digit last label looks like an address', (name) => {
    // Act
    const problems = problemsOf(`${name}\n`);

    // Assess
    expect(problems).toEqual([]);
  });

  test('counts the words of a line with two entries, however many blanks separate them', () => {
    // Act
    const problems = problemsOf('example.com \t  example.net\n');

    // Assess
    expect(problems).toEqual([{ line: 1, message: 'one entry per line (found 2 words; comments must be on their own line)' }]);
  });
});

describe('formatProblems', () => {
  test('prints one line per problem', () => {
    // Act
    const text = formatProblems('allowlist.txt', [
      { line: 2, message: 'first' },
      { line: 9, message: 'second' },
    ]);

    // Assess
    expect(text).toBe('allowlist.txt:2: first\nallowlist.txt:9: second');
  });
});
