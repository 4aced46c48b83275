/**
 * The throttler's arithmetic on a hand-driven clock (the HTTP suites check the wire codes; this one
 * pins the refill maths without depending on how fast the machine is).
 */
import type { ScaledClock } from '../../../local/cloud/core/clock';
import { Throttler } from '../../../local/cloud/core/throttle';
import { EC2_THROTTLE_BUCKETS } from '../../../local/cloud/ec2';
import { EVENTS_THROTTLE_BUCKETS } from '../../../local/cloud/events';

function manualClock(): ScaledClock & { advance(ms: number): void } {
  let now = 0;
  return {
    timeScale: 1,
    now: () => now,
    delay: () => Promise.resolve(),
    cancelAll: () => undefined,
    advance(ms) {
      now += ms;
    },
  };
}

const take = (t: Throttler, account = '1', cls = 'vpc-endpoints', region = 'eu-west-2') =>
  t.take(account, region, 'ec2', cls, EC2_THROTTLE_BUCKETS);
const takeAll = (t: Throttler, n: number, account = '1', cls = 'vpc-endpoints') => Array.from({ length: n }, () => take(t, account, cls));

describe('Throttler', () => {
  it('applies the EC2 module buckets (aws-facts.md): CreateVpcEndpoint bucket 4, refill 0.3/s', () => {
    // Prepare
    const clock = manualClock();
    const t = new Throttler(clock, {}, true);
    // Act / Assess
    expect(takeAll(t, 5)).toEqual([true, true, true, true, false]);
    clock.advance(3_000); // 0.9 tokens: still empty
    expect(take(t)).toBe(false);
    clock.advance(400); // 0.9 + 0.12 >= 1
    expect(take(t)).toBe(true);
  });

  it('never refills beyond capacity', () => {
    const clock = manualClock();
    const t = new Throttler(clock, {}, true);
    takeAll(t, 4);
    clock.advance(3_600_000);
    expect(takeAll(t, 5)).toEqual([true, true, true, true, false]);
  });

  it('keeps separate buckets per account, region and class', () => {
    const t = new Throttler(manualClock(), {}, true);
    takeAll(t, 4);
    expect(take(t, '2')).toBe(true);
    expect(take(t, '1', 'vpc-endpoints', 'us-east-1')).toBe(true);
    expect(take(t, '1', 'mutating')).toBe(true);
  });

  it("applies EventBridge's documented quotas: PutEvents 400 per second (the smallest Region's), other actions 50, apart", () => {
    // Prepare
    const clock = manualClock();
    const t = new Throttler(clock, {}, true);
    const events = (cls: string, n: number) => Array.from({ length: n }, () => t.take('1', 'eu-west-2', 'events', cls, EVENTS_THROTTLE_BUCKETS));

    // Act / Assess: a second's worth at once, then nothing until it refills
    expect(events('PutEvents', 401).filter(Boolean)).toHaveLength(400);
    expect(events('other', 51).filter(Boolean)).toHaveLength(50);
    clock.advance(250);
    expect(events('PutEvents', 101).filter(Boolean)).toHaveLength(100);
  });

  it('prefers overrides to the module buckets, and falls back to the core defaults', () => {
    const t = new Throttler(manualClock(), { 'ec2:mutating': { capacity: 1, refillPerSecond: 0 } }, true);
    expect(takeAll(t, 2, '1', 'mutating')).toEqual([true, false]);
    const organizations = Array.from({ length: 21 }, () => t.take('1', 'us-east-1', 'organizations', 'default'));
    expect(organizations.filter(Boolean)).toHaveLength(20);
  });

  it('lets everything through when switched off', () => {
    const t = new Throttler(manualClock(), {}, false);
    expect(takeAll(t, 100).every(Boolean)).toBe(true);
  });
});
