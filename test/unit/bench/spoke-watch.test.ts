import { parseEndpoints } from '../../../bench/support/spoke-watch';
import { spreadOf } from '../../../bench/support/percentile';
import { actionResponseXml } from '../../../local/cloud/ec2/xml';

const endpoint = (id: string, vpcId: string, state: string, created: string) => ({
  vpcEndpointId: id,
  vpcEndpointType: 'Interface',
  vpcId,
  serviceName: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0',
  state,
  subnetIdSet: ['subnet-1', 'subnet-2'],
  groupSet: [{ groupId: 'sg-1', groupName: 'egress-proxy' }],
  dnsEntrySet: [{ dnsName: 'vpce-1.example', hostedZoneId: 'Z1' }],
  creationTimestamp: new Date(created),
  // A tag whose key reads like a field must not be taken for one.
  tagSet: [{ key: 'state', value: 'available' }],
});

describe("a spoke team's view of its endpoints", () => {
  it('reads each endpoint of a DescribeVpcEndpoints answer: its VPC, state and creation time', () => {
    // Prepare
    const xml = actionResponseXml('DescribeVpcEndpoints', 'req-1', {
      vpcEndpointSet: [endpoint('vpce-1', 'vpc-a', 'pendingAcceptance', '2026-11-30T11:00:00.000Z'), endpoint('vpce-2', 'vpc-b', 'pending', '2026-11-30T11:00:02.500Z')],
    });

    // Act
    const endpoints = parseEndpoints(xml);

    // Assess
    expect(endpoints).toEqual([
      { vpcId: 'vpc-a', state: 'pendingAcceptance', createdAt: Date.parse('2026-11-30T11:00:00.000Z') },
      { vpcId: 'vpc-b', state: 'pending', createdAt: Date.parse('2026-11-30T11:00:02.500Z') },
    ]);
    expect(parseEndpoints(actionResponseXml('DescribeVpcEndpoints', 'req-2', { vpcEndpointSet: [] }))).toEqual([]);
  });

  it('refuses an answer it cannot read rather than report no endpoint', () => {
    expect(() => parseEndpoints('<vpcEndpointSet><item><vpcEndpointId>vpce-1</vpcEndpointId><state>pending</state></item></vpcEndpointSet>')).toThrow(/without vpcId/);
  });
});

describe('the spread of measured times', () => {
  it('gives count, p50, p90, p99 and max by rank, rounded to hundredths', () => {
    // Prepare: 1..100 shuffled, and one value of 1000/3
    const values = [...Array.from({ length: 100 }, (_, i) => 100 - i), 1000 / 3];

    // Act
    const spread = spreadOf(values);

    // Assess
    expect(spread).toEqual({ count: 101, p50: 51, p90: 91, p99: 100, max: 333.33 });
    expect(spreadOf([]).count).toBe(0);
    expect(spreadOf([]).p99).toBeNaN();
  });
});
