import { availabilityTimeline, type EndpointAvailability } from '../../../bench/support/endpoint-availability';
import { EventSizeMeter, PUT_EVENTS_ENTRY_LIMIT_BYTES, putEventsEntryBytes } from '../../../bench/support/event-size';
import { BUCKETS, fanOutFloor, rolloutFloor } from '../../../bench/support/floor';
import { rateCost, SCHEDULE_PERIOD_SECONDS } from '../../../bench/support/rate-cost';
import type { CloudEvent, LocalCloudSinks } from '../../../local/cloud/api';

const event = (overrides: Partial<CloudEvent> = {}): CloudEvent => ({
  version: '0',
  id: 'event-1',
  'detail-type': 'Endpoint Created',
  source: 'egress.control-plane',
  account: '111111111111',
  time: '2026-12-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {},
  ...overrides,
});

describe("a PutEvents entry's size as EventBridge counts it against 256 KB", () => {
  it('adds the UTF-8 bytes of source, detail type, detail and resources, not the envelope', () => {
    // Act
    const bytes = putEventsEntryBytes(event({ source: 'abc', 'detail-type': 'de', detail: { k: 'é' }, resources: ['r1', 'r22'] }));

    // Assess: 3 + 2 + {"k":"é"} (10 bytes, é is two) + 2 + 3
    expect(bytes).toBe(20);
  });

  it('is measured once per entry, leaves AWS service events out, flags entries over the limit and passes everything on', () => {
    // Prepare
    const inner = { onEvent: jest.fn(), onNotification: jest.fn() } satisfies LocalCloudSinks;
    const meter = new EventSizeMeter(inner);
    const big = event({ id: 'big', detail: { blob: 'x'.repeat(PUT_EVENTS_ENTRY_LIMIT_BYTES) } });

    // Act
    meter.onEvent(event(), 'hub');
    meter.onEvent(event(), 'management');
    meter.onEvent(event({ id: 'aws', source: 'aws.ec2', detail: { blob: 'y'.repeat(PUT_EVENTS_ENTRY_LIMIT_BYTES) } }), 'hub');
    meter.onEvent(big, 'hub');
    meter.onNotification('arn:topic', 'message');

    // Assess
    expect(meter.sizes()).toEqual({ entries: 2, maxBytes: putEventsEntryBytes(big), largestDetailType: 'Endpoint Created', overLimit: 1 });
    expect(inner.onEvent).toHaveBeenCalledTimes(4);
    expect(inner.onNotification).toHaveBeenCalledWith('arn:topic', 'message');
  });
});

describe("a run's cost to a shared rate", () => {
  it("counts only the service's calls and says what share of the schedule's period their refill takes", () => {
    // Act
    const cost = rateCost({ 'organizations:ListAccountsForParent': 500, 'organizations:ListRoots': 1, 'sts:AssumeRole': 9 }, 'organizations', BUCKETS.organizations);

    // Assess
    expect(cost.calls).toBe(501);
    expect(cost.refillSeconds).toBeCloseTo(501 / BUCKETS.organizations.refillPerSecond, 2);
    expect(cost.shareOfPeriod).toBeCloseTo(cost.refillSeconds / SCHEDULE_PERIOD_SECONDS, 4);
  });
});

describe('endpoints available over time', () => {
  const endpoint = (availableAt: number | undefined): EndpointAvailability => ({ accountId: 'a', vpcId: 'v', vpcEndpointId: 'e', state: 'available', availableAt });

  it('is a step curve from the start, leaving out endpoints not accepted or not yet available', () => {
    // Act
    const timeline = availabilityTimeline([endpoint(3_000), endpoint(1_000), endpoint(undefined), endpoint(9_000)], 0, 5_000);

    // Assess
    expect(timeline).toEqual([{ seconds: 0, available: 0 }, { seconds: 1, available: 1 }, { seconds: 3, available: 2 }]);
  });

  it('keeps at most the points asked for, ending at the last endpoint', () => {
    // Act
    const timeline = availabilityTimeline(Array.from({ length: 1_001 }, (_, i) => endpoint(i * 10)), 0, 100_000, 100);

    // Assess
    expect(timeline.length).toBeLessThanOrEqual(102);
    expect(timeline[timeline.length - 1]).toEqual({ seconds: 10, available: 1_001 });
  });
});

describe("the fan-out rollout's floor", () => {
  it("adds the hub bus's PutEvents path to the inline rollout's, and it becomes the critical path when it is the longest", () => {
    // Prepare
    const input = { accounts: 10_000, vpcsPerAccount: 3, endpointPendingSeconds: 5 };

    // Act
    const inline = rolloutFloor(input);
    const floor = fanOutFloor(input);

    // Assess: 1,000 calls of 10 work items, and per account one hand-off and one shard notice
    const putEvents = floor.paths['hub events:PutEvents (work items, hand-offs, shard notices)'];
    expect(putEvents?.calls).toBe(21_000);
    expect(floor.paths).toMatchObject(inline.paths);
    expect(floor.floorSeconds).toBe(Math.max(...Object.values(floor.paths).map((p) => p.seconds)) + 5);
    expect(floor.floorSeconds).toBeGreaterThanOrEqual(inline.floorSeconds);
  });
});
