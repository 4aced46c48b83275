/**
 * Who may talk to the proxy port (only the NLB, with a PROXY v2 header), what the access log
 * records about it, and that the cache manager stays local.
 */
import { describeWithSquid } from './support/availability';
import { HUB_NLB_ADDRESS, OUTSIDE_HUB_ADDRESS, PUBLIC_ORIGIN, SPOKE_CLIENT_ADDRESS, VPC_ENDPOINT_ID } from './support/fixture';
import { parseHttpResponse } from '../../local/squid-lab/relay-client';
import { proxyRequest, sendToProxy } from '../../local/squid-lab/spoke-client';
import { startSquidWorld, stopSquidWorld, type SquidWorld } from './support/squid-world';

const VALID_REQUEST = 'GET http://allowed.example.com/ HTTP/1.1\r\nHost: allowed.example.com\r\nConnection: close\r\n\r\n';

describeWithSquid('proxy protocol and logging', { needNamespaces: true })('PROXY protocol, access log and cache manager (real Squid)', () => {
  let world: SquidWorld | undefined;

  beforeAll(async () => {
    world = await startSquidWorld('proxyproto');
  });

  afterAll(async () => {
    await stopSquidWorld(world);
  });

  function squid(): SquidWorld['squid'] {
    if (!world) throw new Error('squid world not started');
    return world.squid;
  }

  describe('the proxy port only accepts the NLB speaking PROXY protocol v2', () => {
    test('a connection without a PROXY header is closed without an HTTP answer', async () => {
      const result = await sendToProxy(squid(), VALID_REQUEST, { withoutProxyHeader: true });

      expect(result.received.toString('latin1')).toBe('');
    });

    test.each([
      ['a host outside the hub VPC', OUTSIDE_HUB_ADDRESS],
      ['localhost', '127.0.0.1'],
    ])('a PROXY header from %s is not trusted: closed without an answer', async (_case, from) => {
      const result = await sendToProxy(squid(), VALID_REQUEST, { from });

      expect(result.received.toString('latin1')).toBe('');
    });

    test('the same request through the NLB is served', async () => {
      const result = await sendToProxy(squid(), VALID_REQUEST);

      expect(parseHttpResponse(result.received).status).toBe(200);
    });
  });

  describe('access log', () => {
    test('one JSON object per request, with the spoke client address and the VPC endpoint id from the PROXY header', async () => {
      await proxyRequest(squid(), 'http://allowed.example.com/logged');

      const entry = await squid().waitForLogLine((line) => line.url === 'http://allowed.example.com/logged');
      expect(entry).toMatchObject({
        client_ip: SPOKE_CLIENT_ADDRESS,
        // TLV 0xEA is the subtype byte 0x01 then the id; %-encoding keeps the 0x01 JSON-safe.
        vpce_id: `%01${VPC_ENDPOINT_ID}`,
        method: 'GET',
        host: 'allowed.example.com',
        port: '80',
        status: 200,
        squid_status: 'TCP_MISS',
        server_ip: PUBLIC_ORIGIN,
        sni: '-',
        decision: 'allow',
        rule: 'in_policy',
        // From the policy helper's answer: the baseline allowed it (no per-spoke policy in this suite).
        policy: 'baseline',
        deny_reason: '-',
        policies: '-',
        // No mapping in this suite: whose endpoint it is cannot be known.
        account_id: '-',
        vpc_id: '-',
      });
      expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(entry.bytes_sent).toEqual(expect.any(Number));
      expect(entry.duration_ms).toEqual(expect.any(Number));
    });

    test('a denied request is logged with its decision and the rule that decided', async () => {
      await proxyRequest(squid(), 'http://unlisted.test/denied-and-logged');

      const entry = await squid().waitForLogLine((line) => line.url === 'http://unlisted.test/denied-and-logged');
      expect(entry).toMatchObject({ client_ip: SPOKE_CLIENT_ADDRESS, status: 403, squid_status: 'TCP_DENIED', decision: 'deny', rule: 'not_in_policy', policy: '-', deny_reason: 'policy_not_loaded' });
    });

    test('keeps flowing to stdout after a reconfigure closes and reopens the log FIFO', async () => {
      await squid().reconfigure();

      await proxyRequest(squid(), 'http://allowed.example.com/after-reconfigure');

      const entry = await squid().waitForLogLine((line) => line.url === 'http://allowed.example.com/after-reconfigure');
      expect(entry).toMatchObject({ status: 200, decision: 'allow' });
    });

    test('hostile request bytes cannot break the JSON of any log line', async () => {
      const hostile = [
        'GET http://allowed.example.com/q"uote\\back%22 HTTP/1.1\r\nHost: allowed.example.com\r\nConnection: close\r\n\r\n',
        'GET http://allowed.example.com/ctl\x01\x7f\xff HTTP/1.1\r\nHost: allowed.example.com\r\nConnection: close\r\n\r\n',
        'GET http://allowed.example.com/tab\there HTTP/1.1\r\nHost: allowed.example.com\r\nConnection: close\r\n\r\n',
        'GE"T http://allowed.example.com/ HTTP/1.1\r\nHost: allowed.example.com\r\nConnection: close\r\n\r\n',
        // Not under an allowlisted domain: names missing from the test hosts file would wait for DNS.
        'GET http://ev"il\\.test/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        'CONNECT "quoted":443 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        '\x00\x01garbage\r\n\r\n',
      ];
      const linesBefore = squid().rawLogLines().length;

      // A CONNECT's answer is followed by nothing until the client speaks TLS: hang up once answered.
      for (const request of hostile) await sendToProxy(squid(), request, { hangUpOnAnswer: true });

      const deadline = Date.now() + 5000;
      while (squid().rawLogLines().length < linesBefore + hostile.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const newLines = squid().rawLogLines().slice(linesBefore);
      expect(newLines).toHaveLength(hostile.length);
      for (const line of newLines) {
        expect(() => JSON.parse(line) as unknown).not.toThrow();
        expect(JSON.parse(line)).toMatchObject({ client_ip: SPOKE_CLIENT_ADDRESS });
      }
    });
  });

  describe('cache manager', () => {
    test('answers localhost on the health port (operators inside the task)', async () => {
      const response = await squid().healthCheck('127.0.0.1', '/squid-internal-mgr/info');

      expect(response.status).toBe(200);
      expect(response.body).toContain('Squid Object Cache');
    });

    test('refuses the NLB address on the health port', async () => {
      const response = await squid().healthCheck(HUB_NLB_ADDRESS, '/squid-internal-mgr/info');

      expect(response.status).toBe(403);
    });

    test.each([
      ['origin-form', 'GET /squid-internal-mgr/info HTTP/1.1\r\nHost: egress-proxy\r\nConnection: close\r\n\r\n'],
      ['absolute-form', 'GET http://egress-proxy:3128/squid-internal-mgr/info HTTP/1.1\r\nHost: egress-proxy\r\nConnection: close\r\n\r\n'],
    ])('refuses spoke clients on the proxy port (%s)', async (_form, request) => {
      const result = await sendToProxy(squid(), request);

      expect(parseHttpResponse(result.received).status).toBe(403);
    });
  });
});
