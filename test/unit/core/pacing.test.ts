import { EC2_PACED_BUCKETS, PACED_COMMANDS, systemClock, TokenBucketPacer } from '../../../functions/core/pacing';
import { manualPacerClock } from '../support/manual-pacer-clock';

describe('TokenBucketPacer', () => {
  it('lets the burst through, then spaces calls by the refill interval (CreateVpcEndpoint: 4, then one per 3.33 s, plus a margin)', () => {
    // Prepare
    const { clock } = manualPacerClock();
    const pacer = new TokenBucketPacer(EC2_PACED_BUCKETS.vpcEndpoints, clock);

    // Act: seven reservations at the same instant, as seven concurrent callers would make them
    const waits = Array.from({ length: 7 }, () => pacer.reserve());

    // Assess: first-come first-served, each later caller one refill interval behind the one before (+50 ms margin)
    expect(waits).toEqual([0, 0, 0, 0, 3384, 6717, 10050]);
  });

  it('credits tokens refilled while idle, never above the capacity', () => {
    // Prepare
    let now = 0;
    const pacer = new TokenBucketPacer({ capacity: 2, refillPerSecond: 1 }, { now: () => now, sleep: () => Promise.resolve() });
    pacer.reserve();
    pacer.reserve();

    // Act: a long idle period refills the bucket to its capacity, not beyond
    now = 60_000;
    const waits = [pacer.reserve(), pacer.reserve(), pacer.reserve()];

    // Assess
    expect(waits).toEqual([0, 0, 1050]);
  });

  it('take() sleeps exactly the reserved wait, so a paced caller never spends a token EC2 has not refilled', async () => {
    // Prepare
    const { clock, sleeps } = manualPacerClock();
    const pacer = new TokenBucketPacer(EC2_PACED_BUCKETS.endpointConnections, clock);

    // Act: 12 Accept batches in a row
    for (let i = 0; i < 12; i++) await pacer.take();

    // Assess: ten from the burst, then one per second (the margin is paid once: waits count from the reservation)
    expect(sleeps).toEqual([1050, 1000]);
  });

  it('rejects a bucket that could never hand out a token', () => {
    expect(() => new TokenBucketPacer({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new TokenBucketPacer({ capacity: 4, refillPerSecond: 0 })).toThrow(RangeError);
  });

  it('paces every call that draws from the small PrivateLink buckets, and only those', () => {
    expect(PACED_COMMANDS).toEqual({
      CreateVpcEndpointCommand: 'vpcEndpoints',
      ModifyVpcEndpointCommand: 'vpcEndpoints',
      DeleteVpcEndpointsCommand: 'vpcEndpoints',
      AcceptVpcEndpointConnectionsCommand: 'endpointConnections',
      RejectVpcEndpointConnectionsCommand: 'endpointConnections',
    });
  });
});

describe('TokenBucketPacer: the smallest valid bucket', () => {
  it('accepts a capacity of one token: one call at once, the next one refill interval later', () => {
    // Prepare
    const { clock } = manualPacerClock();

    // Act
    const pacer = new TokenBucketPacer({ capacity: 1, refillPerSecond: 2 }, clock);
    const waits = [pacer.reserve(), pacer.reserve()];

    // Assess
    expect(waits).toEqual([0, 550]);
  });

  it('names the rejected bucket in the error', () => {
    // Act / Assess
    expect(() => new TokenBucketPacer({ capacity: 0.5, refillPerSecond: 1 })).toThrow(
      'a bucket needs capacity >= 1 and a positive refill, got {"capacity":0.5,"refillPerSecond":1}',
    );
  });
});

describe('systemClock', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the performance clock and sleeps for the given milliseconds', async () => {
    // Prepare
    jest.useFakeTimers();
    const start = systemClock.now();
    let woke = false;

    // Act
    const sleeping = systemClock.sleep(1000).then(() => {
      woke = true;
    });
    await jest.advanceTimersByTimeAsync(999);
    const awakeEarly = woke;
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;

    // Assess
    expect(awakeEarly).toBe(false);
    expect(woke).toBe(true);
    expect(systemClock.now() - start).toBe(1000);
  });
});
