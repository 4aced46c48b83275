import { EC2_PACED_BUCKETS, PACED_COMMANDS, pacersFor, shareOf, systemClock, TokenBucketPacer } from '../../../functions/core/pacing';
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

describe('shareOf: one of several environments drawing on one bucket', () => {
  it('splits burst and refill so that the shares add up to the bucket, never more', () => {
    expect(shareOf(EC2_PACED_BUCKETS.endpointConnections, 2)).toEqual({ capacity: 5, refillPerSecond: 0.5 });
    // Rounding the burst down: three shares of 3 tokens stay within the 10.
    expect(shareOf(EC2_PACED_BUCKETS.endpointConnections, 3)).toEqual({ capacity: 3, refillPerSecond: 1 / 3 });
    expect(shareOf(EC2_PACED_BUCKETS.endpointConnections, 1)).toEqual(EC2_PACED_BUCKETS.endpointConnections);
  });

  it('leaves every share at least one token, or its caller could never call', () => {
    expect(shareOf({ capacity: 4, refillPerSecond: 0.3 }, 8)).toEqual({ capacity: 1, refillPerSecond: 0.0375 });
  });

  it('rejects a count of callers that is not a whole number from one up', () => {
    for (const callers of [0, -1, 1.5, Number.NaN]) {
      expect(() => shareOf(EC2_PACED_BUCKETS.endpointConnections, callers)).toThrow(`callers must be a whole number >= 1, got ${callers}`);
    }
  });

  it('two environments pacing to their shares send no more than the bucket refills (2 x 12 Accept calls at once)', () => {
    // Prepare: the two acceptance environments, each with its own pacer and no knowledge of the other
    const { clock } = manualPacerClock();
    const environments = [pacersFor(clock, { endpointConnectionCallers: 2 }), pacersFor(clock, { endpointConnectionCallers: 2 })];

    // Act: every call each would make at once, and when it may go out
    const sendTimes = environments.flatMap((pacers) => Array.from({ length: 12 }, () => pacers.endpointConnections.reserve())).sort((a, b) => a - b);

    // Assess: together a burst of 10, then one per second (less the per-reservation margin), as EC2's bucket allows
    expect(sendTimes.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(sendTimes.slice(10)).toEqual([2050, 2050, 4050, 4050, 6050, 6050, 8050, 8050, 10050, 10050, 12050, 12050, 14050, 14050]);
  });

  it('leaves the spoke-side bucket whole: each spoke account is its own bucket', () => {
    // Prepare
    const { clock } = manualPacerClock();
    const pacers = pacersFor(clock, { endpointConnectionCallers: 2 });

    // Act
    const waits = Array.from({ length: 5 }, () => pacers.vpcEndpoints.reserve());

    // Assess
    expect(waits).toEqual([0, 0, 0, 0, 3384]);
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
