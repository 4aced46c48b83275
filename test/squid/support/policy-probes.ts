/**
 * A compact battery of observations of the policy, one per behaviour the suites assert, each
 * reduced to a short string so that a mutated config can be compared with the shipped one.
 * Used by policy-mutations.test.ts; the other suites assert the same behaviour in detail.
 */
import type { OriginEcho } from './agent-protocol';
import { HUB_NLB_ADDRESS, OUTSIDE_HUB_ADDRESS, SPOKE_CLIENT_ADDRESS, VPC_ENDPOINT_ID } from './fixture';
import { exchange, parseHttpResponse } from './relay-client';
import { proxyConnect, sendToProxy } from './spoke-client';
import type { SquidInstance } from './squid-instance';

/** Squid logs a transaction as it ends; a line missing this long after the response is missing. */
const LOG_LINE_LIMIT_MS = 2000;

export interface Probe {
  readonly name: string;
  readonly expected: string;
  readonly observe: (context: ProbeContext) => Promise<string>;
}

export interface ProbeContext {
  readonly squid: SquidInstance;
  /** Unique per Squid instance, so URLs (and origin hit counters) never collide between instances. */
  readonly tag: string;
  /** Finds this instance's log line for `loggedUrl`, waiting a bounded time for it. */
  readonly logFor: (loggedUrl: string) => Promise<Record<string, unknown> | undefined>;
}

function request(url: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ Host: new URL(url).host, ...headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${url} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

function ruleOf(entry: Record<string, unknown> | undefined): string {
  return typeof entry?.rule === 'string' ? entry.rule : 'no-log';
}

async function statusAndRule(context: ProbeContext, url: string): Promise<string> {
  const result = await sendToProxy(context.squid, request(url));
  if (result.received.length === 0) return 'closed';
  const status = String(parseHttpResponse(result.received).status);
  const entry = await context.logFor(url);
  return `${status} ${ruleOf(entry)}`;
}

function httpProbe(name: string, path: (tag: string) => string, expected: string): Probe {
  return { name, expected, observe: (context) => statusAndRule(context, path(context.tag)) };
}

const PRIVATE_NAMES = [
  'loopback.example.com',
  'this-network.example.com',
  'metadata.example.com',
  'private.example.com',
  'rfc1918-172.example.com',
  'rfc1918-192.example.com',
  'cgnat.example.com',
  'loopback6.example.com',
  'ula.example.com',
  'linklocal6.example.com',
];

export const POLICY_PROBES: readonly Probe[] = [
  httpProbe('allowlisted subdomain', (tag) => `http://allowed.example.com/${tag}`, '200 allowlisted_domain'),
  httpProbe('allowlisted apex', (tag) => `http://example.com/${tag}`, '200 allowlisted_domain'),
  httpProbe('exact entry', (tag) => `http://exact.example.net/${tag}`, '200 allowlisted_domain'),
  httpProbe('allowlisted IP literal', (tag) => `http://198.51.100.20/${tag}`, '200 allowlisted_domain'),
  httpProbe('unlisted name', (tag) => `http://unlisted.test/${tag}`, '403 not_allowlisted'),
  httpProbe('look-alike', (tag) => `http://evilexample.com/${tag}`, '403 not_allowlisted'),
  httpProbe('suffix trick', (tag) => `http://example.com.evil.test/${tag}`, '403 not_allowlisted'),
  httpProbe('subdomain of exact entry', (tag) => `http://sub.exact.example.net/${tag}`, '403 not_allowlisted'),
  httpProbe('IP literal with allowlisted PTR', (tag) => `http://203.0.113.10/${tag}`, '403 not_allowlisted'),
  ...PRIVATE_NAMES.map((name) => httpProbe(`inward ${name}`, (tag) => `http://${name}/${tag}`, '403 private_destination')),
  httpProbe('plain HTTP to 8080', (tag) => `http://allowed.example.com:8080/${tag}`, '403 plain_http_only_to_80'),
  httpProbe('FTP on port 80', (tag) => `ftp://allowed.example.com:80/${tag}`, '403 plain_http_only'),
  {
    name: 'CONNECT 443',
    expected: '200 tunnel allowlisted_domain',
    observe: async (context) => {
      const tunnel = await proxyConnect(context.squid, 'allowed.example.com:443');
      const entry = await context.logFor('allowed.example.com:443');
      return `${tunnel.status} ${tunnel.throughTunnel.startsWith('banner') ? 'tunnel' : 'no-tunnel'} ${ruleOf(entry)}`;
    },
  },
  {
    name: 'CONNECT 22',
    expected: '403 no-tunnel connect_only_to_443',
    observe: async (context) => {
      const tunnel = await proxyConnect(context.squid, 'allowed.example.com:22');
      const entry = await context.logFor('allowed.example.com:22');
      return `${tunnel.status} ${tunnel.throughTunnel.startsWith('banner') ? 'tunnel' : 'no-tunnel'} ${ruleOf(entry)}`;
    },
  },
  {
    name: 'headers reaching the origin',
    expected: 'no-xff no-via',
    observe: async (context) => {
      const result = await sendToProxy(context.squid, request(`http://allowed.example.com/headers-${context.tag}`, { 'X-Forwarded-For': '192.0.2.99' }));
      const echo = JSON.parse(parseHttpResponse(result.received).body) as OriginEcho;
      return `${echo.headers['x-forwarded-for'] === undefined ? 'no-xff' : 'xff'} ${echo.headers.via === undefined ? 'no-via' : 'via'}`;
    },
  },
  {
    name: 'caching',
    expected: 'origin hits 1,2',
    observe: async (context) => {
      const url = `http://allowed.example.com/cacheable-${context.tag}`;
      const hits: number[] = [];
      for (let i = 0; i < 2; i += 1) {
        const result = await sendToProxy(context.squid, request(url));
        hits.push((JSON.parse(parseHttpResponse(result.received).body) as OriginEcho).hits);
      }
      return `origin hits ${hits.join(',')}`;
    },
  },
  {
    name: 'version string',
    expected: 'squid',
    observe: async (context) => {
      const result = await sendToProxy(context.squid, request(`http://unlisted.test/version-${context.tag}`));
      return parseHttpResponse(result.received).headers.get('server') ?? 'none';
    },
  },
  {
    name: 'no PROXY header',
    expected: 'closed',
    observe: async (context) => {
      const result = await sendToProxy(context.squid, request(`http://allowed.example.com/plain-${context.tag}`), { withoutProxyHeader: true });
      return result.received.length === 0 ? 'closed' : `answered ${parseHttpResponse(result.received).status}`;
    },
  },
  {
    name: 'PROXY header from outside the hub VPC',
    expected: 'closed',
    observe: async (context) => {
      const result = await sendToProxy(context.squid, request(`http://allowed.example.com/outside-${context.tag}`), { from: OUTSIDE_HUB_ADDRESS });
      return result.received.length === 0 ? 'closed' : `answered ${parseHttpResponse(result.received).status}`;
    },
  },
  {
    name: 'log line identifies the spoke',
    expected: `${SPOKE_CLIENT_ADDRESS} %01${VPC_ENDPOINT_ID} GET allowed.example.com 200 allow`,
    observe: async (context) => {
      const url = `http://allowed.example.com/logged-${context.tag}`;
      await sendToProxy(context.squid, request(url));
      const entry = await context.logFor(url);
      if (!entry) return 'no-log';
      return [entry.client_ip, entry.vpce_id, entry.method, entry.host, entry.status, entry.decision].map(String).join(' ');
    },
  },
  {
    name: 'hostile bytes in the log',
    expected: 'valid JSON',
    observe: async (context) => {
      const before = context.squid.rawLogLines().length;
      await sendToProxy(context.squid, request(`http://ev"il\\.test/${context.tag}`));
      await context.logFor(`http://ev"il\\.test/${context.tag}`);
      const lines = context.squid.rawLogLines().slice(before);
      if (lines.length === 0) return 'no-log';
      try {
        lines.forEach((line) => JSON.parse(line) as unknown);
        return 'valid JSON';
      } catch {
        return 'broken JSON';
      }
    },
  },
  {
    name: 'NLB health check',
    expected: '200',
    observe: async (context) => String((await context.squid.healthCheck(HUB_NLB_ADDRESS).catch(() => undefined))?.status ?? 'refused'),
  },
  {
    name: 'health port used as a proxy',
    expected: '403',
    observe: async (context) => {
      const { squid } = context;
      const result = await exchange(
        squid.relaySocket,
        { from: HUB_NLB_ADDRESS, to: HUB_NLB_ADDRESS, port: squid.healthPort },
        Buffer.from(request(`http://allowed.example.com/via-health-${context.tag}`)),
      ).catch(() => undefined);
      return result && result.received.length > 0 ? String(parseHttpResponse(result.received).status) : 'refused';
    },
  },
  {
    name: 'cache manager from localhost',
    expected: '200',
    observe: async (context) => String((await context.squid.healthCheck('127.0.0.1', '/squid-internal-mgr/info').catch(() => undefined))?.status ?? 'refused'),
  },
  {
    name: 'cache manager from the NLB address',
    expected: '403',
    observe: async (context) => String((await context.squid.healthCheck(HUB_NLB_ADDRESS, '/squid-internal-mgr/info').catch(() => undefined))?.status ?? 'refused'),
  },
];

/**
 * Runs the probes in order and returns those whose observation differs from the expected one.
 * With `stopAtFirst`, returns as soon as one differs: enough to show a mutant was noticed.
 */
export async function unexpectedObservations(squid: SquidInstance, tag: string, { stopAtFirst = false } = {}): Promise<string[]> {
  const logFor = (loggedUrl: string): Promise<Record<string, unknown> | undefined> => squid.findLogLine((line) => line.url === loggedUrl, LOG_LINE_LIMIT_MS);
  const context: ProbeContext = { squid, tag, logFor };
  const differences: string[] = [];
  for (const probe of POLICY_PROBES) {
    const observed = await probe.observe(context).catch((error: unknown) => `error: ${error instanceof Error ? error.message : String(error)}`);
    if (observed !== probe.expected) {
      differences.push(`${probe.name}: expected "${probe.expected}", observed "${observed}"`);
      if (stopAtFirst) break;
    }
  }
  return differences;
}
