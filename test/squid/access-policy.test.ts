/**
 * The shipped access policy against the real Squid, with no policy store (per-spoke policy off): the
 * policy helper answers from the baseline shipped in the image. Which destinations, ports, schemes and
 * TLS names a spoke may reach, and what reaches the origin. Per-spoke policies: per-spoke-policy.test.ts.
 */
import type { OriginEcho } from '../../local/squid-lab/namespace-agent-protocol';
import { describeWithSquid } from './support/availability';
import { ALLOWLISTED_IP_ORIGIN, MAPPED_METADATA_NAME, PUBLIC_ORIGIN, SPECIAL_USE_SAMPLES } from './support/fixture';
import { proxyConnect, proxyRequest, type TunnelResult } from '../../local/squid-lab/spoke-client';
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
  async function loggedDecision(loggedUrl: string, extra: (line: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    return squid().waitForLogLine((line) => line.url === loggedUrl && extra(line));
  }

  /**
   * A refused tunnel never reaches the origin. Squid 5.7 answers a CONNECT it denies on an ssl-bump
   * port with 200 and then a TLS handshake its port cannot complete (squid.conf says why), so the
   * client sees a TLS failure rather than a 403.
   */
  function expectNoTunnel(tunnel: TunnelResult): void {
    expect(tunnel.throughTunnel).not.toContain('banner');
    expect(tunnel.tlsError).toEqual(expect.any(String));
  }

  describe('names in the baseline are served', () => {
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
      expect(await loggedDecision(url)).toMatchObject({ decision: 'allow', rule: 'in_policy', policy: 'baseline', deny_reason: '-' });
    });
  });

  describe('names outside the baseline are refused with 403', () => {
    test.each([
      ['an unlisted name', 'http://unlisted.test/'],
      ['a look-alike that only ends in "example.com"', 'http://evilexample.com/'],
      ['an allowlisted name used as a prefix (suffix trick)', 'http://example.com.evil.test/'],
      ['a subdomain of an exact (no leading dot) entry', 'http://sub.exact.example.net/'],
      // PUBLIC_ORIGIN reverse-resolves to allowed.example.com: the policy matches the host as written.
      ['an IP literal whose reverse name is allowlisted', `http://${PUBLIC_ORIGIN}/`],
    ])('%s: %s', async (_case, url) => {
      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      // No policy store in this suite: the task has loaded no per-spoke policy, so the baseline is all.
      expect(await loggedDecision(url)).toMatchObject({ decision: 'deny', rule: 'not_in_policy', policy: '-', deny_reason: 'policy_not_loaded' });
    });
  });

  describe('allowed names that resolve to special-use addresses are refused', () => {
    test.each(SPECIAL_USE_SAMPLES.map((sample) => [sample.range, sample.name, sample.address, sample.live ? 'live origin' : 'no origin'] as const))(
      '%s: %s -> %s (%s)',
      async (_range, name) => {
        const url = `http://${name}/`;

        const response = await proxyRequest(squid(), url);

        expect(response.status).toBe(403);
        expect(await loggedDecision(url)).toMatchObject({ decision: 'deny', rule: 'special_use_destination', policy: 'baseline' });
      },
    );

    test('an IPv4-mapped IPv6 address is refused by its IPv4 range (::ffff:169.254.169.254, live origin)', async () => {
      const url = `http://${MAPPED_METADATA_NAME}/`;

      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      expect(await loggedDecision(url)).toMatchObject({ decision: 'deny', rule: 'special_use_destination' });
    });

    test('CONNECT to an allowed name that resolves inward opens no tunnel', async () => {
      const tunnel = await proxyConnect(squid(), 'private.example.com:443');

      expectNoTunnel(tunnel);
      expect(await loggedDecision('private.example.com:443')).toMatchObject({ decision: 'deny', rule: 'special_use_destination', server_ip: '-' });
    });
  });

  describe('ports and schemes', () => {
    test('CONNECT to port 443 of an allowed name, with a matching SNI, opens a tunnel to the origin', async () => {
      const tunnel = await proxyConnect(squid(), 'allowed.example.com:443');

      expect(tunnel.status).toBe(200);
      expect(tunnel.throughTunnel).toBe(`banner ${PUBLIC_ORIGIN}:443 sni=allowed.example.com\nprobe\n`);
      const entry = await loggedDecision('allowed.example.com:443', (line) => line.squid_status === 'TCP_TUNNEL');
      expect(entry).toMatchObject({ decision: 'allow', rule: 'in_policy', sni: 'allowed.example.com', policy: 'baseline', server_ip: PUBLIC_ORIGIN });
    });

    test('CONNECT to any other port is refused even for an allowed name', async () => {
      const tunnel = await proxyConnect(squid(), 'allowed.example.com:22');

      expect(tunnel.throughTunnel).not.toContain('banner');
      expect(await loggedDecision('allowed.example.com:22')).toMatchObject({ decision: 'deny', rule: 'connect_only_to_443' });
    });

    test('CONNECT to port 443 of a name outside the baseline is refused', async () => {
      const tunnel = await proxyConnect(squid(), 'evilexample.com:443');

      expectNoTunnel(tunnel);
      expect(await loggedDecision('evilexample.com:443')).toMatchObject({ decision: 'deny', rule: 'not_in_policy', server_ip: '-' });
    });

    test.each([
      ['8080', 'http://allowed.example.com:8080/port'],
      ['443 (plain HTTP to the TLS port)', 'http://allowed.example.com:443/port'],
    ])('plain HTTP to port %s is refused', async (_port, url) => {
      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      expect(await loggedDecision(url)).toMatchObject({ decision: 'deny', rule: 'plain_http_only_to_80' });
    });

    test('a non-HTTP scheme is refused even on port 80', async () => {
      const url = 'ftp://allowed.example.com:80/file';

      const response = await proxyRequest(squid(), url);

      expect(response.status).toBe(403);
      expect(await loggedDecision(url)).toMatchObject({ decision: 'deny', rule: 'plain_http_only' });
    });
  });

  describe('the TLS name inside a CONNECT tunnel', () => {
    test('a ClientHello for a name outside the policy is refused, though the CONNECT named an allowed host', async () => {
      const tunnel = await proxyConnect(squid(), 'allowed.example.com:443', { sni: 'evilexample.com' });

      expectNoTunnel(tunnel);
      const entry = await loggedDecision('allowed.example.com:443', (line) => line.sni === 'evilexample.com');
      expect(entry).toMatchObject({ decision: 'deny', rule: 'sni_not_in_policy', deny_reason: 'policy_not_loaded', server_ip: '-' });
    });

    test('a ClientHello without SNI is refused', async () => {
      const tunnel = await proxyConnect(squid(), 'exact.example.net:443', { sni: null });

      expectNoTunnel(tunnel);
      const entry = await loggedDecision('exact.example.net:443', (line) => line.rule === 'sni_not_in_policy');
      expect(entry).toMatchObject({ decision: 'deny', sni: '-', deny_reason: 'no_sni', server_ip: '-' });
    });

    test('bytes that are not TLS open no tunnel', async () => {
      const tunnel = await proxyConnect(squid(), 'sub.allowed.example.com:443', { notTls: true });

      expect(tunnel.throughTunnel).not.toContain('banner');
    });

    test('one access-log line per tunnel: the CONNECT that carried the ClientHello is not logged twice', async () => {
      await proxyConnect(squid(), 'example.com:443');
      await loggedDecision('example.com:443', (line) => line.squid_status === 'TCP_TUNNEL');

      // The tunnel's line is written when it closes; the CONNECT's own would have been written before.
      expect(squid().logEntries().filter((line) => line.url === 'example.com:443')).toHaveLength(1);
    });
  });

  describe('the policy helper\'s answers in the log', () => {
    async function helperRequestsSent(): Promise<number> {
      const stats = await squid().healthCheck('127.0.0.1', '/squid-internal-mgr/external_acl');
      return Number(/requests sent: (\d+)/.exec(stats.body)?.[1]);
    }

    test('an answer Squid serves from its cache still names the policy, or why not (OK and ERR alike)', async () => {
      // Prepare: one lookup each, which Squid caches (ttl, negative_ttl).
      await proxyRequest(squid(), 'http://cached-answer.example.com/first');
      await proxyRequest(squid(), 'http://cached-answer.test/first');
      const sentBefore = await helperRequestsSent();

      // Act
      await proxyRequest(squid(), 'http://cached-answer.example.com/second');
      await proxyRequest(squid(), 'http://cached-answer.test/second');

      // Assess: the helper was not asked again, and the kv-pairs are there.
      expect(await helperRequestsSent()).toBe(sentBefore);
      expect(await loggedDecision('http://cached-answer.example.com/second')).toMatchObject({ status: 200, decision: 'allow', policy: 'baseline', deny_reason: '-' });
      expect(await loggedDecision('http://cached-answer.test/second')).toMatchObject({ status: 403, decision: 'deny', policy: '-', deny_reason: 'policy_not_loaded' });
    });
  });

  describe('what the origin and the client get to see', () => {
    test('no Via, Forwarded or X-Forwarded-For reaches the origin, not even ones the client sent', async () => {
      const response = await proxyRequest(squid(), 'http://allowed.example.com/headers', {
        headers: { 'X-Forwarded-For': '192.0.2.99', Via: '1.1 client-side-proxy', Forwarded: 'for=192.0.2.99;proto=http' },
      });

      const echo = JSON.parse(response.body) as OriginEcho;
      expect(echo.headers).not.toHaveProperty('x-forwarded-for');
      expect(echo.headers).not.toHaveProperty('via');
      expect(echo.headers).not.toHaveProperty('forwarded');
      expect(JSON.stringify(echo.headers)).not.toContain('egress-proxy');
    });

    test('the client gets no Via naming the proxy either', async () => {
      const response = await proxyRequest(squid(), 'http://allowed.example.com/via-to-client');

      expect(response.status).toBe(200);
      expect(response.headers.has('via')).toBe(false);
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
