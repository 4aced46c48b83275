/**
 * The clients whose rate is shared by every environment of every function (Organizations, STS) retry throttles in
 * adaptive mode and long enough to outlast contention; the rest keep the configured standard retries.
 */
import { loadConfig } from '../../../functions/shared/config';
import { buildRuntime } from '../../../functions/shared/runtime';
import { SHARED_RATE_MIN_ATTEMPTS } from '../../../functions/aws/client-config';

interface ResolvedRetry {
  retryStrategy: () => Promise<{ mode: string; maxAttemptsProvider?: () => Promise<number>; maxAttempts?: () => Promise<number> }>;
}

async function retryOf(client: { config: unknown }): Promise<{ mode: string; attempts: number }> {
  const strategy = await (client.config as ResolvedRetry).retryStrategy();
  // The adaptive strategy exposes maxAttemptsProvider(), the standard one maxAttempts().
  const attempts = await (strategy.maxAttemptsProvider ?? strategy.maxAttempts)?.call(strategy);
  return { mode: strategy.mode, attempts: attempts ?? Number.NaN };
}

function runtimeWith(maxAttempts: string) {
  return buildRuntime(
    loadConfig({
      HUB_SERVICE_ID: 'vpce-svc-0fedcba9876543210',
      HUB_SERVICE_NAME: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0fedcba9876543210',
      HUB_EVENT_BUS_NAME: 'egress-control-plane',
      AWS_MAX_ATTEMPTS: maxAttempts,
    }),
    'eu-west-2',
  );
}

describe('SDK client retries', () => {
  it('Organizations, STS, EventBridge and the hub EC2 client retry adaptively with at least the shared-rate attempts, whatever AWS_MAX_ATTEMPTS says', async () => {
    const runtime = runtimeWith('3');

    expect(await retryOf(runtime.hubEc2)).toEqual({ mode: 'adaptive', attempts: SHARED_RATE_MIN_ATTEMPTS });
    expect(await retryOf(runtime.organizations)).toEqual({ mode: 'adaptive', attempts: SHARED_RATE_MIN_ATTEMPTS });
    expect(await retryOf(runtime.sts)).toEqual({ mode: 'adaptive', attempts: SHARED_RATE_MIN_ATTEMPTS });
    expect(await retryOf(runtime.events)).toEqual({ mode: 'adaptive', attempts: SHARED_RATE_MIN_ATTEMPTS });
    expect(SHARED_RATE_MIN_ATTEMPTS).toBeGreaterThanOrEqual(8);
    expect(await runtime.organizations.config.region()).toBe('us-east-1');
  });

  it('a higher AWS_MAX_ATTEMPTS raises the shared-rate clients too', async () => {
    const runtime = runtimeWith('15');

    expect(await retryOf(runtime.organizations)).toEqual({ mode: 'adaptive', attempts: 15 });
  });

  it('the RAM client keeps standard retries with AWS_MAX_ATTEMPTS', async () => {
    const runtime = runtimeWith('3');

    expect(await retryOf(runtime.ram)).toEqual({ mode: 'standard', attempts: 3 });
  });
});
