/**
 * The shipped access policy against the real Squid: which destinations, ports and schemes a spoke
 * may reach, and what reaches the origin.
 */
import type { OriginEcho } from './support/agent-protocol';
import { describeWithSquid } from './support/availability';
import { ALLOWLISTED_IP_ORIGIN, METADATA_ORIGIN, PRIVATE_ORIGIN, PUBLIC_ORIGIN, ULA_ORIGIN } from './support/fixture';
import { proxyConnect, proxyRequest } from './support/spoke-client';
import { startSquidWorld, stopSquidWorld, type SquidWorld } from './support/squid-world';

describeWithSquid('access policy', { needNamespaces: true })('access policy (real Squid)', () => {
  let world: SquidWorld | undefined;

  beforeAll(async () => {
    world = await startSquidWorld('access');
  });

  afterAll(async () => {
    await stopSquidWorld(world);
  });

  function squid(): SquidWorld['squid'] {
    if (!world) throw new Error('squid world not started');
    return world.squid;
  }

  /** `loggedUrl` is the URL, or host:port for CONNECT, exactly as Squid logs it. */
  async function expectDecision(loggedUrl: string, decision: 'allow' | 'deny', rule: string): Promise<void> {
    const entry = await squid().waitForLogLine((line) => line.url === loggedUrl);
    expect(entry).toMatchObject({ decision, rule });
  }

  describe('allowlisted names are served', () => {
    test.each([
      ['the apex of a leading-dot entry', 'http://example.com/apex', PUBLIC_ORIGIN],
      ['a subdomain of a leading-dot entry', 'http://allowed.example.com/sub', PUBLIC_ORIGIN],
      ['a deeper subdomain', 'http://sub.allowed.example.com/deeper', PUBLIC_ORIGIN],
      ['an exact entry', 'http://exact.example.net/exact', PUBLIC_ORIGIN],
      ['an explicitly allowlisted IP literal', `http://${ALLOWLISTED_IP_ORIGIN}/literal`, ALLOWLISTED_IP_ORIGIN],
    ])('%s: %s', async (_case, url, origin) => {
      // Act
      const response = await proxyRequest(squid(), url);

      // Assess
      expect(response.status).toBe(200);
      const echo = JSON.parse(response.body) as OriginEcho;
      expect(echo).toMatchObject({ localAddress: origin, localPort: 80, url: new URL(url).pathname });
      await expectDecision(url, 'allow', 'allowlisted_domain');
    });
  });

  describe('names outside the allowlist are refused with 403', () => {
    test.each([
      ['an unlisted name', 'http://unlisted.test/'],
      ['a look-alike that only ends in "example.com"', 'http://evilexample.com/'],
      ['an allowlisted name used as a prefix (suffix trick)', 'http://example.com.evil.test/'],
      ['a subdomain of an exact (no leading dot) entry', 'http://sub.exact.example.net/'],
      // 203.0.113.10 reverse-resolves to allowed.example.com: only `dstdomain -n` keeps this out.
      ['an IP literal whose reverse name is allowlisted', `http://${PUBLIC_ORIGIN}/`],
    ])('%s: %s', async (_case, url) => {
      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      await expectDecision(url, 'deny', 'not_allowlisted');
    });
  });

  describe('allowlisted names that resolve inward are refused', () => {
    test.each([
      ['loopback (live origin)', 'loopback.example.com', '127.0.0.1'],
      ['RFC 1918 10/8 (live origin)', 'private.example.com', PRIVATE_ORIGIN],
      ['link-local metadata / ECS credentials (live origin)', 'metadata.example.com', METADATA_ORIGIN],
      ['"this network" 0/8', 'this-network.example.com', '0.0.0.1'],
      ['RFC 1918 172.16/12', 'rfc1918-172.example.com', '172.16.5.5'],
      ['RFC 1918 192.168/16', 'rfc1918-192.example.com', '192.168.1.1'],
      ['carrier-grade NAT 100.64/10', 'cgnat.example.com', '100.64.0.1'],
      ['IPv6 loopback (live origin)', 'loopback6.example.com', '::1'],
      ['IPv6 unique local fc00::/7 (live origin)', 'ula.example.com', ULA_ORIGIN],
      ['IPv6 link-local fe80::/10', 'linklocal6.example.com', 'fe80::1'],
    ])('%s: %s -> %s', async (_case, name) => {
      const url = `http://${name}/`;

      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      await expectDecision(url, 'deny', 'private_destination');
    });

    test('CONNECT to an allowlisted name that resolves inward is refused too', async () => {
      const tunnel = await proxyConnect(squid(), 'private.example.com:443');

      expect(tunnel.status).toBe(403);
      expect(tunnel.throughTunnel).not.toContain('banner');
    });
  });

  describe('ports and schemes', () => {
    test('CONNECT to port 443 of an allowlisted name opens a tunnel to the origin', async () => {
      const tunnel = await proxyConnect(squid(), 'allowed.example.com:443');

      expect(tunnel.status).toBe(200);
      expect(tunnel.throughTunnel).toBe(`banner ${PUBLIC_ORIGIN}:443\nprobe\n`);
      await expectDecision('allowed.example.com:443', 'allow', 'allowlisted_domain');
    });

    test('CONNECT to any other port is refused even for an allowlisted name', async () => {
      const tunnel = await proxyConnect(squid(), 'allowed.example.com:22');

      expect(tunnel.status).toBe(403);
      expect(tunnel.throughTunnel).not.toContain('banner');
      await expectDecision('allowed.example.com:22', 'deny', 'connect_only_to_443');
    });

    test('CONNECT to port 443 of an unlisted name is refused', async () => {
      const tunnel = await proxyConnect(squid(), 'evilexample.com:443');

      expect(tunnel.status).toBe(403);
    });

    test.each([
      ['8080', 'http://allowed.example.com:8080/port'],
      ['443 (plain HTTP to the TLS port)', 'http://allowed.example.com:443/port'],
    ])('plain HTTP to port %s is refused', async (_port, url) => {
      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      await expectDecision(url, 'deny', 'plain_http_only_to_80');
    });

    test('a non-HTTP scheme is refused even on port 80', async () => {
      const url = 'ftp://allowed.example.com:80/file';

      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      await expectDecision(url, 'deny', 'plain_http_only');
    });
  });

  describe('what the origin and the client get to see', () => {
    test('Squid adds no Via of its own and strips X-Forwarded-For, even one the client sent', async () => {
      const response = await proxyRequest(squid(), 'http://allowed.example.com/headers', {
        headers: { 'X-Forwarded-For': '192.0.2.99', Via: '1.1 client-side-proxy' },
      });

      const echo = JSON.parse(response.body) as OriginEcho;
      expect(echo.headers).not.toHaveProperty('x-forwarded-for');
      expect(echo.headers.via).toBe('1.1 client-side-proxy');
      expect(JSON.stringify(echo.headers)).not.toContain('egress-proxy');
    });

    test('nothing is cached: a cacheable response is fetched from the origin every time', async () => {
      const url = 'http://allowed.example.com/cacheable';

      const first = JSON.parse((await proxyRequest(squid(), url)).body) as OriginEcho;
      const second = JSON.parse((await proxyRequest(squid(), url)).body) as OriginEcho;

      expect([first.hits, second.hits]).toEqual([1, 2]);
    });

    test('error pages do not reveal the Squid version', async () => {
      const response = await proxyRequest(squid(), 'http://unlisted.test/version');

      expect(response.status).toBe(403);
      expect(response.headers.get('server')).toBe('squid');
      expect(response.body).not.toMatch(/squid\/\d/i);
    });
  });
});
