/**
 * The core of the local cloud: routing by signing name, throttling with each protocol's own code,
 * injected faults reproducible by seed, event delivery faults, PutEvents, and the /_local endpoints.
 */
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateEventBusCommand, DescribeEventBusCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { GetResourceSharesCommand } from '@aws-sdk/client-ram';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListenError, startLocalCloud, type LocalCloudOptions } from '../../../local/cloud';
import { HUB, MANAGEMENT, REGION, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness } from './cloud-harness';

const harnesses: CloudHarness[] = [];
async function harness(options: LocalCloudOptions = {}): Promise<CloudHarness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

/** A local cloud whose hub has the custom bus `hub-bus` (PutEvents to a bus that does not exist fails). */
async function harnessWithHubBus(options: LocalCloudOptions = {}): Promise<CloudHarness> {
  const h = await harness(options);
  await h.eventBridge(HUB).send(new CreateEventBusCommand({ Name: 'hub-bus' }));
  return h;
}
afterAll(async () => {
  for (const h of harnesses) await h.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `call` until it succeeds; a throttled call must recover once its bucket refills. */
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt > 100) throw err;
      await sleep(50);
    }
  }
}

describe('throttling', () => {
  // A token every 2 s: slow enough that three back-to-back calls do not see a refill even on a busy
  // machine, fast enough to wait for.
  const tiny = { capacity: 2, refillPerSecond: 0.5 };

  it.each([
    ['sts', 'Throttling', 400, (h: CloudHarness) => h.sts(HUB).send(new GetCallerIdentityCommand({}))],
    ['organizations', 'TooManyRequestsException', 400, (h: CloudHarness) => h.organizations(MANAGEMENT).send(new ListRootsCommand({}))],
    ['ram', 'ThrottlingException', 429, (h: CloudHarness) => h.ram(HUB).send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))],
  ])('answers %s over its bucket with %s (%d), then succeeds after refill', async (service, code, status, call) => {
    // Prepare
    const h = await harness({ throttling: { buckets: { [`${service}:default`]: tiny } } });
    await h.sts('999999999999').send(new GetCallerIdentityCommand({})); // warm the SDK up outside the bucket under test
    // Act
    await call(h);
    await call(h);
    const throttled = await rejectionOf(call(h));
    // Assess
    expect(throttled.name).toBe(code);
    expect(throttled.$metadata.httpStatusCode).toBe(status);
    await expect(eventually(() => call(h))).resolves.toBeDefined();
    const metrics = h.cloud.metrics().toJSON() as { totals: { throttled: number } };
    expect(metrics.totals.throttled).toBeGreaterThanOrEqual(1);
  });

  it("answers EventBridge over its quota with ThrottlingException (400), PutEvents' quota apart from the other actions'", async () => {
    // Prepare
    const h = await harnessWithHubBus({ throttling: { buckets: { 'events:other': { capacity: 1, refillPerSecond: 0.001 } } } });
    const eventBridge = h.eventBridge(HUB);

    // Act: CreateEventBus took the one token of the other actions
    const throttled = await rejectionOf(eventBridge.send(new DescribeEventBusCommand({ Name: 'hub-bus' })));
    const put = await eventBridge.send(new PutEventsCommand({ Entries: [{ EventBusName: 'hub-bus', Source: 'test', DetailType: 'x', Detail: '{}' }] }));

    // Assess
    expect(throttled.name).toBe('ThrottlingException');
    expect(throttled.$metadata.httpStatusCode).toBe(400);
    expect(put.FailedEntryCount).toBe(0);
  });

  it('keeps a bucket per account: one account being throttled does not throttle another', async () => {
    const h = await harness({ throttling: { buckets: { 'sts:default': { capacity: 1, refillPerSecond: 0.001 } } } });
    await h.sts(HUB).send(new GetCallerIdentityCommand({}));
    expect((await rejectionOf(h.sts(HUB).send(new GetCallerIdentityCommand({})))).name).toBe('Throttling');
    await expect(h.sts('333333333333').send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    // ... and per region.
    await expect(h.sts(HUB, 'us-east-1').send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
  });

  it('can be switched off at run time through /_local/throttling', async () => {
    const h = await harness({ throttling: { buckets: { 'sts:default': { capacity: 1, refillPerSecond: 0.001 } } } });
    await h.sts(HUB).send(new GetCallerIdentityCommand({}));
    const off = await fetch(`${h.cloud.url}/_local/throttling`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    expect(await off.json()).toEqual({ enabled: false });
    for (let i = 0; i < 5; i++) await h.sts(HUB).send(new GetCallerIdentityCommand({}));
  });
});

describe('injected faults', () => {
  async function outcomes(seed: number): Promise<string[]> {
    const h = await harness({ throttling: false, faults: { seed, errorRate: 0.3 } });
    const results: string[] = [];
    for (let i = 0; i < 40; i++) {
      try {
        await h.sts(HUB).send(new GetCallerIdentityCommand({}));
        results.push('ok');
      } catch (err) {
        const e = err as { name: string; $metadata: { httpStatusCode?: number } };
        results.push(`${e.name}/${e.$metadata.httpStatusCode}`);
      }
    }
    return results;
  }

  it('answers a share of calls with 500/503 in the protocol shape, the same calls for the same seed', async () => {
    const first = await outcomes(7);
    const second = await outcomes(7);
    const other = await outcomes(8);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'InternalFailure/500', 'ServiceUnavailable/503']));
  });
});

describe('events', () => {
  const putEvents = (h: CloudHarness, count: number) =>
    (async () => {
      for (let i = 0; i < count; i++) {
        await h.eventBridge(HUB).send(
          new PutEventsCommand({ Entries: [{ Source: 'egress.test', DetailType: 'Probe', Detail: JSON.stringify({ i }), EventBusName: 'hub-bus' }] }),
        );
      }
    })();

  /** Waits until every scheduled delivery has happened, then returns the detail.i of each, in delivery order. */
  async function delivered(h: CloudHarness): Promise<number[]> {
    const m = h.cloud.metrics().events;
    while (m.delivered < m.sent - m.dropped + m.duplicated) await sleep(5);
    return h.events.map((d) => (d.event.detail as { i: number }).i);
  }

  it('PutEvents turns each entry into an event on the named bus of the caller account and region', async () => {
    const h = await harnessWithHubBus();
    const out = await h.eventBridge(HUB).send(
      new PutEventsCommand({
        Entries: [
          { Source: 'egress.control-plane', DetailType: 'Onboard Account', Detail: '{"accountId":"333333333333"}', EventBusName: 'hub-bus', Resources: ['arn:x'] },
          { Source: 'egress.control-plane', DetailType: 'Broken', Detail: '{not json' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    const event = await h.waitForEvent((e) => e['detail-type'] === 'Onboard Account');
    expect(event).toMatchObject({
      version: '0',
      id: out.Entries?.[0]?.EventId,
      source: 'egress.control-plane',
      account: HUB,
      region: REGION,
      resources: ['arn:x'],
      detail: { accountId: '333333333333' },
    });
    expect(h.events.find((d) => d.event === event)?.bus).toBe('hub-bus');
  });

  it('drops and duplicates deliveries reproducibly for a seed', async () => {
    const run = async (seed: number) => {
      const h = await harnessWithHubBus({ faults: { seed, eventDrop: 0.2, eventDuplicate: 0.2 } });
      await putEvents(h, 30);
      return delivered(h);
    };
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    const counts = new Map<number, number>();
    for (const i of first) counts.set(i, (counts.get(i) ?? 0) + 1);
    expect([...counts.values()]).toContain(2);
    expect(counts.size).toBeLessThan(30);
  });

  it('delays deliveries by a random amount, which reorders them', async () => {
    const h = await harnessWithHubBus({ timeScale: 10, faults: { seed: 5, eventDelayMs: [0, 2_000] } });
    // One call: every entry is scheduled at the same moment, so only the drawn delays order them.
    const entries = [...Array(10).keys()].map((i) => ({ Source: 'egress.test', DetailType: 'Probe', Detail: JSON.stringify({ i }) }));
    await h.eventBridge(HUB).send(new PutEventsCommand({ Entries: entries }));
    const order = await delivered(h);
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(order).not.toEqual([...Array(10).keys()]);
  });

  it('delivers to sinks set after start', async () => {
    const h = await harnessWithHubBus();
    const late: string[] = [];
    h.cloud.setSinks({ onEvent: (e) => late.push(e['detail-type']), onNotification: () => undefined });
    await putEvents(h, 1);
    while (late.length === 0) await sleep(5);
    expect(late).toEqual(['Probe']);
  });
});

describe('routing and the /_local endpoints', () => {
  it('answers unsigned requests and unknown services with clear errors', async () => {
    const h = await harness();
    const unsigned = await fetch(h.cloud.url, { method: 'POST', body: 'Action=GetCallerIdentity' });
    expect(unsigned.status).toBe(403);
    const unknown = await fetch(h.cloud.url, {
      method: 'POST',
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${HUB}/20261121/${REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=x` },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownServiceException' });
  });

  it('serves state with accounts, roles and every service, and counts calls in metrics', async () => {
    const h = await harness();
    const created = await fetch(`${h.cloud.url}/_local/accounts`, { method: 'POST', body: JSON.stringify({ id: '444444444444', name: 'outsider' }) });
    expect(await created.json()).toMatchObject({ id: '444444444444', name: 'outsider', spokeRoleEnabled: true });
    await h.sts(HUB).send(new GetCallerIdentityCommand({}));

    const state = (await (await fetch(`${h.cloud.url}/_local/state`)).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ managementAccountId: MANAGEMENT, hubAccountId: HUB });
    expect((state.accounts as { id: string }[]).map((a) => a.id)).toEqual(expect.arrayContaining([MANAGEMENT, HUB, '444444444444']));
    expect((state.roles as { arn: string }[]).map((r) => r.arn)).toContain('arn:aws:iam::444444444444:role/EgressProxySpokeRole');
    expect(Object.keys(state)).toEqual(expect.arrayContaining(['ec2', 'sts', 'organizations', 'ram', 'events']));
    // A non-member account: it exists, but outside the organization.
    expect((state.organizations as { members: { Id: string }[] }).members.map((m) => m.Id)).not.toContain('444444444444');

    const metrics = (await (await fetch(`${h.cloud.url}/_local/metrics`)).json()) as { calls: Record<string, number> };
    expect(metrics.calls['sts:GetCallerIdentity']).toBe(1);
  });
});

describe('callers', () => {
  it('says once per key that an access key id which is not an account id acts as the management account', async () => {
    // Prepare
    const h = await harness();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    try {
      // Act
      const identity = await h.sts({ accessKeyId: 'AKIAEXAMPLEKEY000001', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}));
      await h.sts({ accessKeyId: 'AKIAEXAMPLEKEY000001', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}));

      // Assess
      expect(identity.Account).toBe(MANAGEMENT);
      const notices = warn.mock.calls.filter(([line]) => String(line).includes('AKIAEXAMPLEKEY000001'));
      expect(notices).toHaveLength(1);
      expect(String(notices[0]?.[0])).toContain(`is not a 12-digit account id, so it acts as the management account ${MANAGEMENT}`);
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a region AWS does not have with each protocol’s error', async () => {
    // Prepare
    const h = await harness();

    const ec2 = new EC2Client({ endpoint: h.cloud.url, region: 'mars-east-1', credentials: { accessKeyId: HUB, secretAccessKey: 'x' } });

    // Act
    const vpc = await rejectionOf(ec2.send(new CreateVpcCommand({ CidrBlock: '10.11.0.0/16' })));
    ec2.destroy();
    const sts = await rejectionOf(h.sts(HUB, 'mars-east-1').send(new GetCallerIdentityCommand({})));
    const events = await rejectionOf(h.eventBridge(HUB, 'mars-east-1').send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })));

    // Assess: refused before anything is created there
    expect(vpc).toMatchObject({ name: 'SignatureDoesNotMatch', message: "Credential should be scoped to a valid region, not 'mars-east-1'." });
    expect(JSON.stringify(h.cloud.snapshot())).not.toContain('mars-east-1');
    expect(sts).toMatchObject({ name: 'SignatureDoesNotMatch', message: "Credential should be scoped to a valid region, not 'mars-east-1'." });
    expect(events).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
  });
});

describe('starting', () => {
  it('says in a sentence that the port is taken, and what to do', async () => {
    // Prepare
    const h = await harness();

    // Act
    const second = startLocalCloud({ port: h.cloud.port });

    // Assess
    await expect(second).rejects.toBeInstanceOf(ListenError);
    await expect(second).rejects.toThrow(`port ${h.cloud.port} on 127.0.0.1 is already in use (another \`npm run local\`?): stop it, or choose another port with --port <n>`);
  });
});
