/**
 * The matcher against the examples of the EventBridge user guide ("Event patterns", "Arrays in event
 * patterns", "Matching null values and empty strings", "Content filtering" / "Comparison operators"),
 * each with the result the guide states.
 */
import type { EventPattern } from '../../../events/pattern-types';
import { compilePattern, InvalidEventPatternError, matchesPattern } from '../../../local/bus/pattern-matcher';

const ec2TerminatedEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieEvent = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'rule-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id', 'alert-type': 'basic', risk: 8 },
  },
};

function withDetail(detail: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { ...ec2TerminatedEvent, ...extra, detail };
}

describe('pattern matcher: event patterns guide', () => {
  it('matches the EC2 termination pattern and not another state', () => {
    // Prepare
    const pattern: EventPattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };

    // Act / Assess
    expect(matchesPattern(pattern, ec2TerminatedEvent)).toBe(true);
    expect(matchesPattern(pattern, withDetail({ state: 'running' }))).toBe(false);
    expect(matchesPattern(pattern, { ...ec2TerminatedEvent, source: 'aws.fargate' })).toBe(false);
  });

  it('matches any value of a list (source is aws.ec2 or aws.fargate)', () => {
    const pattern: EventPattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(matchesPattern(pattern, ec2TerminatedEvent)).toBe(true);
    expect(matchesPattern(pattern, { ...ec2TerminatedEvent, source: 'aws.fargate' })).toBe(true);
    expect(matchesPattern(pattern, { ...ec2TerminatedEvent, source: 'aws.s3' })).toBe(false);
  });

  it('requires every field of the pattern, with the same nesting', () => {
    const pattern: EventPattern = { detail: { 'instance-id': ['i-1234567890abcdef0'] } };
    expect(matchesPattern(pattern, ec2TerminatedEvent)).toBe(true);
    expect(matchesPattern(pattern, { ...ec2TerminatedEvent, 'instance-id': 'i-1234567890abcdef0', detail: {} })).toBe(
      false,
    );
  });

  it('matches numbers in nested objects (Macie risk score 80 and trigger risk 8)', () => {
    const pattern: EventPattern = {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    };
    expect(matchesPattern(pattern, macieEvent)).toBe(true);
    expect(matchesPattern(pattern, { ...macieEvent, detail: { ...macieEvent.detail, 'risk-score': 79 } })).toBe(false);
  });

  it('matches null and empty strings, which are not interchangeable', () => {
    expect(matchesPattern({ detail: { responseElements: [null] } }, autoscalingEvent)).toBe(true);
    expect(matchesPattern({ detail: { eventVersion: [''] } }, autoscalingEvent)).toBe(true);
    expect(matchesPattern({ detail: { responseElements: [''] } }, autoscalingEvent)).toBe(false);
    expect(matchesPattern({ detail: { eventVersion: [null] } }, autoscalingEvent)).toBe(false);
  });

  it('matches an event array when it intersects the pattern array', () => {
    const pattern: EventPattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-other'] })).toBe(false);
    expect(matchesPattern(pattern, { resources: [] })).toBe(false);
  });

  it('matches booleans exactly', () => {
    expect(matchesPattern({ detail: { readOnly: [false] } }, withDetail({ readOnly: false }))).toBe(true);
    expect(matchesPattern({ detail: { readOnly: [false] } }, withDetail({ readOnly: 'false' }))).toBe(false);
  });
});

describe('pattern matcher: comparison operators', () => {
  it('prefix: time starting with 2017-10-02; region in Europe', () => {
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    const europe: EventPattern = { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] };
    expect(matchesPattern(europe, { source: 'aws.autoscaling', region: 'eu-west-2' })).toBe(true);
    expect(matchesPattern(europe, { source: 'aws.autoscaling', region: 'us-east-1' })).toBe(false);
  });

  it('prefix only applies to strings', () => {
    expect(matchesPattern({ detail: { n: [{ prefix: '1' }] } }, withDetail({ n: 123 }))).toBe(false);
  });

  it('prefix and suffix ignoring case (service starts with "EventB", file ends with ".png")', () => {
    const prefix: EventPattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    expect(matchesPattern(prefix, withDetail({ service: 'eventbridge' }))).toBe(true);
    expect(matchesPattern(prefix, withDetail({ service: 'EVENTBRIDGE' }))).toBe(true);
    expect(matchesPattern(prefix, withDetail({ service: 'sns' }))).toBe(false);
    const suffix: EventPattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matchesPattern(suffix, withDetail({ FileName: 'photo.PNG' }))).toBe(true);
    expect(matchesPattern(suffix, withDetail({ FileName: 'photo.jpg' }))).toBe(false);
  });

  it('suffix: file names ending in .png', () => {
    const pattern: EventPattern = { FileName: [{ suffix: '.png' }] };
    expect(matchesPattern(pattern, { FileName: 'image.png' })).toBe(true);
    expect(matchesPattern(pattern, { FileName: 'image.PNG' })).toBe(false);
  });

  it('equals-ignore-case: Name is alice in any case', () => {
    const pattern: EventPattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matchesPattern(pattern, { Name: 'Alice' })).toBe(true);
    expect(matchesPattern(pattern, { Name: 'Alicia' })).toBe(false);
  });

  it('anything-but a string, a number, lists of each', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'running' }))).toBe(
      true,
    );
    expect(
      matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({ state: 'initializing' })),
    ).toBe(false);
    expect(matchesPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 124 }))).toBe(true);
    expect(matchesPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123 }))).toBe(false);
    const states: EventPattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesPattern(states, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesPattern(states, withDetail({ state: 'overloaded' }))).toBe(false);
    const limits: EventPattern = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesPattern(limits, withDetail({ 'x-limit': 150 }))).toBe(true);
    expect(matchesPattern(limits, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('anything-but never matches an absent field', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({}))).toBe(false);
  });

  it('anything-but excluding CloudTrail API calls, and excluding aws.ec2 and aws.s3', () => {
    const notApiCalls: EventPattern = { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] };
    expect(matchesPattern(notApiCalls, ec2TerminatedEvent)).toBe(true);
    expect(matchesPattern(notApiCalls, { ...ec2TerminatedEvent, 'detail-type': 'AWS API Call via CloudTrail' })).toBe(false);
    const notEc2OrS3: EventPattern = { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] };
    expect(matchesPattern(notEc2OrS3, macieEvent)).toBe(true);
    expect(matchesPattern(notEc2OrS3, ec2TerminatedEvent)).toBe(false);
  });

  it('anything-but a prefix: only our own events (source not starting with aws.)', () => {
    const pattern: EventPattern = { source: [{ 'anything-but': { prefix: 'aws.' } }] };
    expect(matchesPattern(pattern, { source: 'egress-control-plane' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.ec2' })).toBe(false);
    const notInit: EventPattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesPattern(notInit, withDetail({ state: 'initializing' }))).toBe(false);
    expect(matchesPattern(notInit, withDetail({ state: 'running' }))).toBe(true);
  });

  it('anything-but a suffix, ignoring case, and a wildcard', () => {
    const notPng: EventPattern = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matchesPattern(notPng, { FileName: 'a.jpg' })).toBe(true);
    expect(matchesPattern(notPng, { FileName: 'a.png' })).toBe(false);
    const notInitializing: EventPattern = { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] };
    expect(matchesPattern(notInitializing, { state: 'INITIALIZING' })).toBe(false);
    expect(matchesPattern(notInitializing, { state: 'running' })).toBe(true);
    const notListed: EventPattern = { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'Overloaded'] } }] };
    expect(matchesPattern(notListed, { state: 'stopped' })).toBe(false);
    expect(matchesPattern(notListed, { state: 'running' })).toBe(true);
    const notLib: EventPattern = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesPattern(notLib, { FilePath: '/usr/lib/libc.so' })).toBe(false);
    expect(matchesPattern(notLib, { FilePath: '/usr/bin/env' })).toBe(true);
  });

  it('numeric ranges and equality', () => {
    const pattern: EventPattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 9.5, 'x-limit': 301.8 }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ 'c-count': 0, 'd-count': 9.5, 'x-limit': 301.8 }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ 'c-count': '5', 'd-count': 9, 'x-limit': 301.8 }))).toBe(false);
  });

  it('cidr: addresses 10.0.0.0 to 10.0.0.255', () => {
    const pattern: EventPattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    expect(matchesPattern(pattern, withDetail({ sourceIPAddress: '10.0.0.24' }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ sourceIPAddress: '10.0.1.1' }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ sourceIPAddress: 'AWS Internal' }))).toBe(false);
  });

  it('exists false: matches an absent field, and a field that is not a leaf', () => {
    const pattern: EventPattern = { detail: { 'c-count': [{ exists: false }] } };
    const base = {
      'detail-type': ['EC2 Instance State-change Notification'],
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
    };
    expect(matchesPattern(pattern, { ...base, detail: { state: ['initializing', 'running'] } })).toBe(true);
    expect(
      matchesPattern(pattern, { ...base, detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } }),
    ).toBe(true);
    expect(matchesPattern(pattern, { ...base, detail: { 'c-count': 3 } })).toBe(false);
  });

  it('exists true: events that have a description', () => {
    const pattern: EventPattern = { detail: { description: [{ exists: true }] } };
    expect(matchesPattern(pattern, withDetail({ description: 'x' }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({}))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ description: { nested: 'x' } }))).toBe(false);
  });

  it('wildcard: any run of characters, with an escaped star', () => {
    const pattern: EventPattern = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(matchesPattern(pattern, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/hub' })).toBe(true);
    expect(matchesPattern(pattern, { EventBusArn: 'arn:aws:events:eu-west-2:123456789012:event-bus/hub' })).toBe(false);
    expect(matchesPattern({ name: [{ wildcard: 'dir/*.png' }] }, { name: 'dir/abc.png' })).toBe(true);
    expect(matchesPattern({ name: [{ wildcard: 'dir/*.png' }] }, { name: 'dir/abc.jpg' })).toBe(false);
    expect(matchesPattern({ name: [{ wildcard: 'a\\*b' }] }, { name: 'a*b' })).toBe(true);
    expect(matchesPattern({ name: [{ wildcard: 'a\\*b' }] }, { name: 'axxb' })).toBe(false);
  });

  it('$or between fields (metricName or namespace)', () => {
    const pattern: EventPattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency', namespace: 'AWS/RDS' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.cloudwatch', metricName: 'DiskIO', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.cloudwatch', metricName: 'DiskIO', namespace: 'AWS/RDS' })).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('$or inside detail with numeric alternatives', () => {
    const pattern: EventPattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    expect(matchesPattern(pattern, withDetail({ 'c-count': 50, 'd-count': 3 }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ 'x-limit': 301.8 }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ 'c-count': 50, 'd-count': 30 }))).toBe(false);
  });

  it('the complex example: prefix, anything-but and numeric together', () => {
    const pattern: EventPattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const detail = { state: 'running', 'c-count': 3, 'd-count': 1, 'x-limit': 150 };
    expect(matchesPattern(pattern, { time: '2017-10-02T18:43:48Z', detail })).toBe(true);
    expect(matchesPattern(pattern, { time: '2017-10-02T18:43:48Z', detail: { ...detail, 'x-limit': 300 } })).toBe(false);
    expect(matchesPattern(pattern, { time: '2017-10-03T00:00:00Z', detail })).toBe(false);
  });

  it('matches nested patterns inside arrays of objects', () => {
    const pattern: EventPattern = { detail: { items: { name: ['b'] } } };
    expect(matchesPattern(pattern, withDetail({ items: [{ name: 'a' }, { name: 'b' }] }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ items: [{ name: 'a' }] }))).toBe(false);
  });
});

describe('pattern matcher: invalid patterns are rejected with the path', () => {
  it.each([
    [{ source: 'aws.ec2' }, 'source'],
    [{ source: [] }, 'source'],
    [{ source: [{ bogus: 1 }] }, 'unknown operator "bogus"'],
    [{ n: [{ numeric: ['>', 'x'] }] }, 'n[0].numeric'],
    [{ s: [{ 'anything-but': ['a', 1] }] }, 'only strings or only numbers'],
    [{ s: [{ exists: 'yes' }] }, 'exists takes true or false'],
    [{ $or: [{ a: ['x'] }] }, '$or'],
    [{ ip: [{ cidr: '10.0.0.0' }] }, 'IPv4 CIDR'],
    [{ w: [{ wildcard: 'a**' }] }, 'consecutive'],
  ])('rejects %j', (pattern, expected) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidEventPatternError);
    expect(() => compilePattern(pattern)).toThrow(expected);
  });
});

describe('pattern matcher: numeric comparisons at their bounds', () => {
  it('"=" matches that number only', () => {
    // Prepare
    const pattern: EventPattern = { n: [{ numeric: ['=', 5] }] };

    // Act / Assess
    expect(matchesPattern(pattern, { n: 5 })).toBe(true);
    expect(matchesPattern(pattern, { n: 6 })).toBe(false);
    expect(matchesPattern(pattern, { n: 4.99 })).toBe(false);
  });

  it('">=" includes its bound, ">" excludes it', () => {
    // Prepare
    const atLeast: EventPattern = { n: [{ numeric: ['>=', 5] }] };
    const above: EventPattern = { n: [{ numeric: ['>', 5] }] };

    // Act / Assess
    expect([4, 5, 6].map((n) => matchesPattern(atLeast, { n }))).toEqual([false, true, true]);
    expect([4, 5, 6].map((n) => matchesPattern(above, { n }))).toEqual([false, false, true]);
  });

  it('accepts bounds up to ±1e9 and no further', () => {
    // Act / Assess
    expect(matchesPattern({ n: [{ numeric: ['<=', 1e9] }] }, { n: 1e9 })).toBe(true);
    expect(matchesPattern({ n: [{ numeric: ['>=', -1e9] }] }, { n: -1e9 })).toBe(true);
    expect(() => compilePattern({ n: [{ numeric: ['<', 1e9 + 1] }] })).toThrow(
      'invalid event pattern at n[0].numeric: numeric bounds must be numbers within ±1000000000',
    );
  });
});

describe('pattern matcher: cidr bounds', () => {
  it('/0 matches every address and nothing that is not one', () => {
    // Prepare
    const pattern: EventPattern = { ip: [{ cidr: '0.0.0.0/0' }] };

    // Act / Assess
    expect(matchesPattern(pattern, { ip: '203.0.113.7' })).toBe(true);
    expect(matchesPattern(pattern, { ip: '255.255.255.255' })).toBe(true);
    expect(matchesPattern(pattern, { ip: 'AWS Internal' })).toBe(false);
  });

  it('/32 matches exactly one address', () => {
    // Prepare
    const pattern: EventPattern = { ip: [{ cidr: '10.0.0.5/32' }] };

    // Act / Assess
    expect(matchesPattern(pattern, { ip: '10.0.0.5' })).toBe(true);
    expect(matchesPattern(pattern, { ip: '10.0.0.4' })).toBe(false);
  });

  it('reads multi-digit inner octets and octets up to 255', () => {
    // Prepare
    const pattern: EventPattern = { ip: [{ cidr: '10.100.200.0/24' }] };

    // Act / Assess
    expect(matchesPattern(pattern, { ip: '10.100.200.255' })).toBe(true);
    expect(matchesPattern(pattern, { ip: '10.100.201.0' })).toBe(false);
  });

  it('does not read a value with an octet over 255, five octets, or letters as an address', () => {
    // Prepare: ranges that the misread values would fall in
    const wide: EventPattern = { ip: [{ cidr: '10.0.0.0/16' }] };
    const low: EventPattern = { ip: [{ cidr: '0.0.0.0/8' }] };
    const ten: EventPattern = { ip: [{ cidr: '10.0.0.0/8' }] };

    // Act / Assess
    expect(matchesPattern(wide, { ip: '10.0.0.256' })).toBe(false);
    expect(matchesPattern(ten, { ip: '1.10.1.2.3' })).toBe(false);
    expect(matchesPattern(low, { ip: '0.0.0.1x' })).toBe(false);
    expect(matchesPattern(low, { ip: '0.0.0.x1' })).toBe(false);
    expect(matchesPattern(low, { ip: '0.0.0.x' })).toBe(false);
  });

  it('matches only strings', () => {
    // Act / Assess
    expect(matchesPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: 167772161 })).toBe(false);
  });

  it.each(['10.0.0.0/33', 'x10.0.0.0/24', '10.0.0.0/245', '10.0.0.256/24', '10.0.0/24'])('rejects the range %s', (cidr) => {
    // Act / Assess
    expect(() => compilePattern({ ip: [{ cidr }] })).toThrow(
      `invalid event pattern at ip[0].cidr: expected an IPv4 CIDR such as 10.0.0.0/24 (IPv6 is not emulated), got ${cidr}`,
    );
  });
});

describe('pattern matcher: leaves, arrays and missing branches', () => {
  it('a value list with exists: false matches an absent field or one of the values', () => {
    // Prepare
    const pattern: EventPattern = { detail: { state: [{ exists: false }, 'running'] } };

    // Act / Assess
    expect(matchesPattern(pattern, withDetail({}))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ state: { nested: 'running' } }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ state: 'stopped' }))).toBe(false);
  });

  it('a value never matches a field that holds an object', () => {
    // Act / Assess
    expect(matchesPattern({ detail: { state: ['running'] } }, withDetail({ state: { name: 'running' } }))).toBe(false);
  });

  it('exists: true does not match a field holding only objects; exists: false does, and an empty array', () => {
    // Prepare
    const present: EventPattern = { detail: { items: [{ exists: true }] } };
    const absent: EventPattern = { detail: { items: [{ exists: false }] } };

    // Act / Assess
    expect(matchesPattern(present, withDetail({ items: [{ name: 'a' }] }))).toBe(false);
    expect(matchesPattern(present, withDetail({ items: ['a', { name: 'b' }] }))).toBe(true);
    expect(matchesPattern(absent, withDetail({ items: [{ name: 'a' }] }))).toBe(true);
    expect(matchesPattern(absent, withDetail({ items: [] }))).toBe(true);
  });

  it('a nested pattern over an array looks only at its objects, and treats an array without objects as absent', () => {
    // Prepare
    const pattern: EventPattern = { detail: { items: { name: [{ exists: false }] } } };

    // Act / Assess
    expect(matchesPattern(pattern, withDetail({ items: ['x', { name: 'b' }] }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ items: ['x'] }))).toBe(true);
    expect(matchesPattern(pattern, withDetail({ items: [] }))).toBe(true);
  });

  it('exists: false matches when a whole branch of the event is missing, and nothing fails on a non-object event', () => {
    // Prepare
    const pattern: EventPattern = { detail: { a: { b: { c: [{ exists: false }] } } } };
    const required: EventPattern = { detail: { a: { b: { c: ['x'] } } } };

    // Act / Assess
    expect(matchesPattern(pattern, withDetail({}))).toBe(true);
    expect(matchesPattern(required, withDetail({}))).toBe(false);
    expect(matchesPattern(required, null)).toBe(false);
    expect(matchesPattern({ source: ['aws.ec2'] }, 'aws.ec2')).toBe(false);
  });

  it('an empty pattern at the root matches every event', () => {
    // Act / Assess
    expect(matchesPattern({}, ec2TerminatedEvent)).toBe(true);
  });
});

describe('pattern matcher: string operators only match strings', () => {
  it.each<[string, EventPattern]>([
    ['equals-ignore-case', { n: [{ 'equals-ignore-case': '123' }] }],
    ['prefix ignoring case', { n: [{ prefix: { 'equals-ignore-case': '1' } }] }],
    ['suffix ignoring case', { n: [{ suffix: { 'equals-ignore-case': '3' } }] }],
    ['wildcard', { n: [{ wildcard: '1*' }] }],
  ])('%s does not match the number 123', (_, pattern) => {
    // Act / Assess
    expect(matchesPattern(pattern, { n: 123 })).toBe(false);
    expect(matchesPattern(pattern, { n: '123' })).toBe(true);
  });

  it('anything-but a prefix matches any value that is not a string', () => {
    // Prepare
    const pattern: EventPattern = { n: [{ 'anything-but': { prefix: '1' } }] };

    // Act / Assess
    expect(matchesPattern(pattern, { n: 123 })).toBe(true);
    expect(matchesPattern(pattern, { n: '123' })).toBe(false);
  });
});

describe('pattern matcher: wildcards', () => {
  it('lets a star span line breaks', () => {
    // Act / Assess
    expect(matchesPattern({ s: [{ wildcard: 'a*b' }] }, { s: 'a\nb' })).toBe(true);
  });

  it('reads "\\\\" as one literal backslash', () => {
    // Prepare
    const pattern: EventPattern = { path: [{ wildcard: 'C:\\\\*' }] };

    // Act / Assess
    expect(matchesPattern(pattern, { path: 'C:\\Windows' })).toBe(true);
    expect(matchesPattern(pattern, { path: 'C:/Windows' })).toBe(false);
  });

  it('lets an escaped star be followed by a wildcard star', () => {
    // Prepare: a literal "*", then anything
    const pattern: EventPattern = { s: [{ wildcard: 'a\\**' }] };

    // Act / Assess
    expect(matchesPattern(pattern, { s: 'a*xyz' })).toBe(true);
    expect(matchesPattern(pattern, { s: 'abc' })).toBe(false);
  });
});

describe('pattern matcher: every invalid pattern is rejected with its path and reason', () => {
  it.each<[string, unknown, string]>([
    ['a pattern that is not an object', 'aws.ec2', 'invalid event pattern at (root): a pattern must be a JSON object'],
    ['a pattern that is an array', [{ source: ['aws.ec2'] }], 'invalid event pattern at (root): a pattern must be a JSON object'],
    ['a field holding a string', { source: 'aws.ec2' }, 'invalid event pattern at source: a field must map to an array of matchers or an object'],
    ['a nested field holding a string', { detail: { state: 'x' } }, 'invalid event pattern at detail.state: a field must map to an array of matchers or an object'],
    ['an empty nested object', { detail: {} }, 'invalid event pattern at detail: an object in a pattern must not be empty'],
    ['an empty match list', { source: [] }, 'invalid event pattern at source: a match list must not be empty'],
    ['a list as a matcher', { source: [['aws.ec2']] }, 'invalid event pattern at source[0]: a matcher must be a JSON value or an operator object'],
    ['an operator object with two operators', { s: [{ prefix: 'a', suffix: 'b' }] }, 'invalid event pattern at s[0]: an operator object must have exactly one operator'],
    ['an empty operator object', { s: [{}] }, 'invalid event pattern at s[0]: an operator object must have exactly one operator'],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }, 'invalid event pattern at $or: $or takes an array of at least two patterns'],
    ['$or that is not a list', { $or: { a: ['x'] } }, 'invalid event pattern at $or: $or takes an array of at least two patterns'],
    ['a $or alternative that is not an object', { $or: [{ a: ['x'] }, 'b'] }, 'invalid event pattern at $or[1]: each $or alternative must be an object'],
    ['a bad field in a $or alternative', { $or: [{ a: ['x'] }, { b: 'y' }] }, 'invalid event pattern at $or[1].b: a field must map to an array of matchers or an object'],
    ['prefix of a number', { s: [{ prefix: 1 }] }, 'invalid event pattern at s[0].prefix: expects a string or {"equals-ignore-case": string}'],
    ['prefix of null', { s: [{ prefix: null }] }, 'invalid event pattern at s[0].prefix: expects a string or {"equals-ignore-case": string}'],
    ['prefix with another option', { s: [{ prefix: { 'equals-ignore-case': 'a', other: 'b' } }] }, 'invalid event pattern at s[0].prefix: expects a string or {"equals-ignore-case": string}'],
    ['prefix with an unknown option', { s: [{ prefix: { exactly: 'a' } }] }, 'invalid event pattern at s[0].prefix: expects a string or {"equals-ignore-case": string}'],
    ['prefix ignoring case of a number', { s: [{ prefix: { 'equals-ignore-case': 1 } }] }, 'invalid event pattern at s[0].prefix.equals-ignore-case: expects a string'],
    ['equals-ignore-case of a number', { s: [{ 'equals-ignore-case': 1 }] }, 'invalid event pattern at s[0].equals-ignore-case: expects a string'],
    ['anything-but null', { s: [{ 'anything-but': null }] }, 'invalid event pattern at s[0].anything-but: anything-but takes a string, a number, a list or a nested operator'],
    ['anything-but a boolean', { s: [{ 'anything-but': true }] }, 'invalid event pattern at s[0].anything-but: anything-but takes a string, a number, a list or a nested operator'],
    ['anything-but an empty list', { s: [{ 'anything-but': [] }] }, 'invalid event pattern at s[0].anything-but: anything-but takes a non-empty list of only strings or only numbers'],
    ['anything-but two nested operators', { s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, 'invalid event pattern at s[0].anything-but: anything-but takes exactly one nested operator'],
    ['anything-but no nested operator', { s: [{ 'anything-but': {} }] }, 'invalid event pattern at s[0].anything-but: anything-but takes exactly one nested operator'],
    ['anything-but a prefix of a number', { s: [{ 'anything-but': { prefix: 1 } }] }, 'invalid event pattern at s[0].anything-but.prefix: expects a string'],
    ['anything-but prefixes with a number', { s: [{ 'anything-but': { prefix: ['a', 1] } }] }, 'invalid event pattern at s[0].anything-but.prefix[1]: expects a string'],
    ['anything-but an unsupported operator', { s: [{ 'anything-but': { exists: 'x' } }] }, 'invalid event pattern at s[0].anything-but.exists: anything-but does not support "exists"'],
    ['numeric of a string', { n: [{ numeric: '>' }] }, 'invalid event pattern at n[0].numeric: numeric takes [op, n] or [op, n, op, n]'],
    ['numeric with three items', { n: [{ numeric: ['>', 1, '<'] }] }, 'invalid event pattern at n[0].numeric: numeric takes [op, n] or [op, n, op, n]'],
    ['numeric "=" in a range', { n: [{ numeric: ['=', 1, '<', 2] }] }, 'invalid event pattern at n[0].numeric: "=" cannot be part of a range'],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 1] }] }, 'invalid event pattern at n[0].numeric: unknown numeric operator "!="'],
    ['a wildcard escaping a letter', { w: [{ wildcard: 'a\\b' }] }, 'invalid event pattern at w[0].wildcard: in a wildcard, "\\" may only escape "*" or "\\"'],
    ['a wildcard ending in a backslash', { w: [{ wildcard: 'a\\' }] }, 'invalid event pattern at w[0].wildcard: in a wildcard, "\\" may only escape "*" or "\\"'],
  ])('rejects %s', (_, pattern, message) => {
    // Act
    const compiling = () => compilePattern(pattern);

    // Assess
    expect(compiling).toThrow(InvalidEventPatternError);
    expect(compiling).toThrow(message);
  });

  it('names its errors InvalidEventPatternError', () => {
    // Act
    const error = (() => {
      try {
        compilePattern(null);
        return undefined;
      } catch (caught) {
        return caught as Error;
      }
    })();

    // Assess
    expect(error?.name).toBe('InvalidEventPatternError');
    expect(error?.message).toBe('invalid event pattern at (root): a pattern must be a JSON object');
  });
});
