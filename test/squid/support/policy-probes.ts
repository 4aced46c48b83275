/**
 * A compact battery of observations of the policy, one per behaviour the suites assert, each
 * reduced to a short string so that a mutated config can be compared with the shipped one.
 * Used by policy-mutations.test.ts; the other suites assert the same behaviour in detail.
 */
import type { OriginEcho } from '../../../local/squid-lab/namespace-agent-protocol';
import { ALLOWLISTED_IP_ORIGIN, HUB_NLB_ADDRESS, MAPPED_METADATA_NAME, OUTSIDE_HUB_ADDRESS, PUBLIC_ORIGIN, SPECIAL_USE_SAMPLES, SPOKE_CLIENT_ADDRESS, VPC_ENDPOINT_ID } from './fixture';
import { exchange, parseHttpResponse } from '../../../local/squid-lab/relay-client';
import { proxyConnect, sendToProxy, type ConnectOptions } from '../../../local/squid-lab/spoke-client';
import type { SquidInstance } from '../../../local/squid-lab/squid-instance';

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
  readonly logFor: (loggedUrl: string, extra?: (line: Record<string, unknown>) => boolean) => Promise<Record<string, unknown> | undefined>;
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

/**
 * A CONNECT tunnel seen from the client and the log: whether the origin's banner came through, whether
 * a TLS handshake completed with anyone (a refused tunnel's never does: squid.conf), and the rule.
 * Each probe uses its own host name (fixture.ts maps them all) so its log line is unambiguous.
 */
async function tunnelProbe(context: ProbeContext, authority: string, options: ConnectOptions = {}): Promise<string> {
  const tunnel = await proxyConnect(context.squid, authority, options);
  const entry = await context.logFor(authority, (line) => line.rule !== '-');
  const reached = tunnel.throughTunnel.startsWith('banner') ? 'tunnel' : 'no-tunnel';
  const tls = tunnel.tlsError === undefined ? 'tls-completed' : 'tls-failed';
  const denyReason = typeof entry?.deny_reason === 'string' ? entry.deny_reason : 'no-log';
  return `${reached} ${tls} ${ruleOf(entry)} ${denyReason}`;
}

/** Every special-use sample at once: the names whose answer is not a logged special-use denial. */
async function specialUseDeviations(context: ProbeContext): Promise<string> {
  const names = [...SPECIAL_USE_SAMPLES.map((sample) => sample.name), MAPPED_METADATA_NAME];
  const observed = await Promise.all(names.map(async (name) => [name, await statusAndRule(context, `http://${name}/${context.tag}`)] as const));
  const deviations = observed.filter(([, result]) => result !== '403 special_use_destination').map(([name, result]) => `${name}: ${result}`);
  return deviations.length === 0 ? 'all refused' : deviations.join('; ');
}

export const POLICY_PROBES: readonly Probe[] = [
  httpProbe('allowed subdomain', (tag) => `http://allowed.example.com/${tag}`, '200 in_policy'),
  httpProbe('allowed apex', (tag) => `http://example.com/${tag}`, '200 in_policy'),
  httpProbe('exact entry', (tag) => `http://exact.example.net/${tag}`, '200 in_policy'),
  httpProbe('allowed IP literal', (tag) => `http://${ALLOWLISTED_IP_ORIGIN}/${tag}`, '200 in_policy'),
  httpProbe('unlisted name', (tag) => `http://unlisted.test/${tag}`, '403 not_in_policy'),
  httpProbe('look-alike', (tag) => `http://evilexample.com/${tag}`, '403 not_in_policy'),
  httpProbe('suffix trick', (tag) => `http://example.com.evil.test/${tag}`, '403 not_in_policy'),
  httpProbe('subdomain of exact entry', (tag) => `http://sub.exact.example.net/${tag}`, '403 not_in_policy'),
  httpProbe('IP literal with allowed PTR', (tag) => `http://${PUBLIC_ORIGIN}/${tag}`, '403 not_in_policy'),
  { name: 'special-use destinations (one name per range)', expected: 'all refused', observe: specialUseDeviations },
  httpProbe('plain HTTP to 8080', (tag) => `http://allowed.example.com:8080/${tag}`, '403 plain_http_only_to_80'),
  httpProbe('FTP on port 80', (tag) => `ftp://allowed.example.com:80/${tag}`, '403 plain_http_only'),
  {
    name: 'CONNECT 443 with a matching SNI',
    expected: 'tunnel tls-completed in_policy -',
    observe: (context) => tunnelProbe(context, 'allowed.example.com:443'),
  },
  {
    name: 'CONNECT 443 carrying an SNI outside the policy',
    expected: 'no-tunnel tls-failed sni_not_in_policy policy_not_loaded',
    observe: (context) => tunnelProbe(context, 'sni-mismatch.example.com:443', { sni: 'evilexample.com' }),
  },
  {
    name: 'CONNECT 443 without SNI',
    expected: 'no-tunnel tls-failed sni_not_in_policy no_sni',
    observe: (context) => tunnelProbe(context, 'sni-missing.example.com:443', { sni: null }),
  },
  {
    // A denied CONNECT: Squid 5.7 bumps it to show the error, and the port's TLS context must refuse that handshake.
    name: 'CONNECT 22',
    expected: 'no-tunnel tls-failed connect_only_to_443 -',
    observe: (context) => tunnelProbe(context, 'allowed.example.com:22'),
  },
  {
    name: 'one access-log line per tunnel',
    expected: '1 line',
    observe: async (context) => {
      const authority = 'tunnel-once.example.com:443';
      await proxyConnect(context.squid, authority);
      await context.logFor(authority, (line) => line.squid_status === 'TCP_TUNNEL');
      return `${context.squid.logEntries().filter((line) => line.url === authority).length} line`;
    },
  },
  {
    name: 'headers reaching the origin',
    expected: 'no-xff no-via no-forwarded',
    observe: async (context) => {
      const headers = { 'X-Forwarded-For': '192.0.2.99', Via: '1.1 client-side-proxy', Forwarded: 'for=192.0.2.99' };
      const result = await sendToProxy(context.squid, request(`http://allowed.example.com/headers-${context.tag}`, headers));
      const echo = JSON.parse(parseHttpResponse(result.received).body) as OriginEcho;
      return [
        echo.headers['x-forwarded-for'] === undefined ? 'no-xff' : 'xff',
        echo.headers.via === undefined ? 'no-via' : 'via',
        echo.headers.forwarded === undefined ? 'no-forwarded' : 'forwarded',
      ].join(' ');
    },
  },
  {
    name: 'Via in the answer to the client',
    expected: 'none',
    observe: async (context) => {
      const result = await sendToProxy(context.squid, request(`http://allowed.example.com/via-${context.tag}`));
      return parseHttpResponse(result.received).headers.get('via') ?? 'none';
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
    name: 'log line identifies the spoke and the policy',
    expected: `${SPOKE_CLIENT_ADDRESS} %01${VPC_ENDPOINT_ID} GET allowed.example.com 200 allow baseline`,
    observe: async (context) => {
      const url = `http://allowed.example.com/logged-${context.tag}`;
      await sendToProxy(context.squid, request(url));
      const entry = await context.logFor(url);
      if (!entry) return 'no-log';
      return [entry.client_ip, entry.vpce_id, entry.method, entry.host, entry.status, entry.decision, entry.policy].map(String).join(' ');
    },
  },
  {
    name: 'hostile SNI bytes in the log',
    expected: 'valid JSON ev%22il%5Cx.example.com',
    observe: async (context) => {
      const authority = 'sni-hostile.example.com:443';
      await proxyConnect(context.squid, authority, { sni: 'ev"il\\x.example.com' });
      await context.logFor(authority, (line) => line.rule !== '-');
      const lines = context.squid.rawLogLines().filter((line) => line.includes(authority));
      if (lines.length === 0) return 'no-log';
      try {
        return `valid JSON ${lines.map((line) => String((JSON.parse(line) as Record<string, unknown>).sni)).join(',')}`;
      } catch {
        return 'broken JSON';
      }
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
  const logFor = (loggedUrl: string, extra: (line: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown> | undefined> =>
    squid.findLogLine((line) => line.url === loggedUrl && extra(line), LOG_LINE_LIMIT_MS);
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
