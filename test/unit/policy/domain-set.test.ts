import { DomainSet, normalizeHost } from '../../../squid-config/policy/domain-set';

describe('DomainSet', () => {
  test('a leading-dot entry covers the name and every subdomain; an exact entry only itself', () => {
    // Prepare
    const set = new DomainSet(['.example.com', 'api.example.net']);

    // Act and assess
    expect(['example.com', 'www.example.com', 'a.b.example.com', 'api.example.net'].filter((host) => set.has(host))).toHaveLength(4);
    expect(['badexample.com', 'example.com.evil.net', 'www.api.example.net', 'example.net'].some((host) => set.has(host))).toBe(false);
  });

  test('counts each distinct entry once, whatever its case', () => {
    expect(new DomainSet(['.example.com', 'example.com', 'Example.com', '.EXAMPLE.com', '.example.org']).size).toBe(3);
  });

  test('matches hosts whatever their case, white space around them or the root\'s trailing dot', () => {
    const set = new DomainSet(['.Example.COM']);
    expect(set.has(' WWW.example.com. ')).toBe(true);
  });

  test('an IPv4 literal matches only as written: no entry covers it by its trailing octets', () => {
    // Prepare: entries that would cover the address if its octets were labels.
    const set = new DomainSet(['.51.100.200', '.100.200', '.200', '203.0.113.7']);

    // Act and assess
    expect(set.has('198.51.100.200')).toBe(false);
    expect(set.has('1.2.100.200')).toBe(false);
    expect(set.has('203.0.113.7')).toBe(true);
  });

  test('a name that only starts or ends like an address is a name, covered by its parents', () => {
    expect(new DomainSet(['.nip.io']).has('10.0.0.1.nip.io')).toBe(true);
    expect(new DomainSet(['.1.2.3.4']).has('www.1.2.3.4')).toBe(true);
  });

  test('an IPv6 literal matches only as written', () => {
    expect(new DomainSet(['.2001:db8::1']).has('2001:db8::1')).toBe(false);
    expect(new DomainSet(['2001:db8::1']).has('2001:db8::1')).toBe(true);
  });

  test('an empty host, or the root alone, matches nothing, even a set that holds the root', () => {
    const set = new DomainSet(['.', '']);
    expect(['', ' ', '.'].some((host) => set.has(host))).toBe(false);
  });

  test('a stray leading dot on the host does not change the answer', () => {
    expect(new DomainSet(['.example.com']).has('.www.example.com')).toBe(true);
  });
});

describe('normalizeHost', () => {
  test('lowercases, trims, and drops the root\'s trailing dot', () => {
    expect(normalizeHost('  Api.Example.COM.\t')).toBe('api.example.com');
    expect(normalizeHost('example.com')).toBe('example.com');
  });
});
