/**
 * The health endpoint used by the NLB target group and the container HEALTHCHECK
 * (squid-config/healthcheck.sh): works without a PROXY header, proves Squid itself answers, and
 * is no back door around the proxy port.
 */
import { join } from 'node:path';
import { once } from 'node:events';
import { describeWithSquid } from './support/availability';
import { HUB_NLB_ADDRESS } from './support/fixture';
import { exchange, parseHttpResponse } from '../../local/squid-lab/relay-client';
import { SQUID_CONFIG_DIR } from '../../local/squid-lab/render-config';
import { startSquidWorld, stopSquidWorld, type SquidWorld } from './support/squid-world';

const HEALTHCHECK_SCRIPT = join(SQUID_CONFIG_DIR, 'healthcheck.sh');

describeWithSquid('health endpoint', { needNamespaces: true })('health endpoint (real Squid)', () => {
  let world: SquidWorld | undefined;

  beforeAll(async () => {
    world = await startSquidWorld('health');
  });

  afterAll(async () => {
    await stopSquidWorld(world);
  });

  function started(): SquidWorld {
    if (!world) throw new Error('squid world not started');
    return world;
  }

  /** Runs the container's HEALTHCHECK command inside the namespace; resolves with its exit code. */
  async function runContainerHealthcheck(): Promise<number | null> {
    const { namespace, squid } = started();
    const child = namespace.spawn('bash', [HEALTHCHECK_SCRIPT], {
      ...process.env,
      HEALTH_PORT: String(squid.healthPort),
      HEALTH_TIMEOUT_SECONDS: '1',
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    return code;
  }

  test('the NLB health check (hub address, no PROXY header) gets 200', async () => {
    const response = await started().squid.healthCheck(HUB_NLB_ADDRESS);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
  });

  test('the health port refuses to proxy, even to an allowlisted name', async () => {
    const { squid } = started();
    const result = await exchange(
      squid.relaySocket,
      { from: HUB_NLB_ADDRESS, to: HUB_NLB_ADDRESS, port: squid.healthPort },
      Buffer.from('GET http://allowed.example.com/ HTTP/1.1\r\nHost: allowed.example.com\r\nConnection: close\r\n\r\n'),
    );

    expect(parseHttpResponse(result.received).status).toBe(403);
    const entry = await squid.waitForLogLine((line) => line.url === 'http://allowed.example.com/' && line.client_ip === HUB_NLB_ADDRESS);
    expect(entry).toMatchObject({ decision: 'deny', rule: 'health_port_is_not_a_proxy' });
  });

  test('the container HEALTHCHECK passes while Squid serves', async () => {
    expect(await runContainerHealthcheck()).toBe(0);
  });

  test('the container HEALTHCHECK fails while Squid is wedged (stopped, sockets still accepting)', async () => {
    const { squid } = started();
    squid.freeze();
    try {
      expect(await runContainerHealthcheck()).not.toBe(0);
    } finally {
      squid.thaw();
    }
    expect(await runContainerHealthcheck()).toBe(0);
  });

  test('the container HEALTHCHECK fails once Squid is gone', async () => {
    await started().squid.stop();

    expect(await runContainerHealthcheck()).not.toBe(0);
  });
});
