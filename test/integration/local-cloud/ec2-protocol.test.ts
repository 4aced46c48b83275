/** The EC2 query protocol on the wire: XML shapes, escaping, errors, and the throttle classes. */
import { createEc2Service, EC2_THROTTLE_BUCKETS } from '../../../local/cloud/ec2';
import type { RawRequest, World } from '../../../local/cloud/framework';
import { SPOKE, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';

let h: Ec2Harness;

beforeAll(async () => {
  h = await startEc2Harness();
});
afterAll(() => h.close());

const AUTH = `AWS4-HMAC-SHA256 Credential=${SPOKE}/20261121/eu-west-2/ec2/aws4_request, SignedHeaders=host, Signature=00`;

async function post(form: Record<string, string>) {
  const res = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: AUTH },
    body: new URLSearchParams({ Version: '2016-11-15', ...form }).toString(),
  });
  return { status: res.status, body: await res.text() };
}

describe('EC2 query protocol', () => {
  it('answers <ActionResponse> in the 2016-11-15 namespace with a requestId and <item> lists', async () => {
    const res = await post({ Action: 'DescribeAvailabilityZones' });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeAvailabilityZonesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><availabilityZoneInfo><item>/);
  });

  it('escapes tag values in XML', async () => {
    const res = await post({ Action: 'CreateVpc', CidrBlock: '10.0.0.0/16', 'TagSpecification.1.ResourceType': 'vpc', 'TagSpecification.1.Tag.1.Key': 'k', 'TagSpecification.1.Tag.1.Value': `<a href="x">&'</a>` });
    expect(res.body).toContain(`<value>&lt;a href="x"&gt;&amp;'&lt;/a&gt;</value>`);
  });

  it('answers errors as <Response><Errors><Error> with Code, Message and RequestID, HTTP 400', async () => {
    const res = await post({ Action: 'DescribeVpcs', 'VpcId.1': 'vpc-0000000000000000a' });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(
      /<Response><Errors><Error><Code>InvalidVpcID.NotFound<\/Code><Message>The vpc ID 'vpc-0000000000000000a' does not exist<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
  });

  it('refuses an unknown action with InvalidAction and a DryRun with DryRunOperation (412)', async () => {
    const unknown = await post({ Action: 'LaunchRockets' });
    const dryRun = await post({ Action: 'CreateVpc', CidrBlock: '10.0.0.0/16', DryRun: 'true' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('<Code>InvalidAction</Code>');
    expect(dryRun.status).toBe(412);
    expect(dryRun.body).toContain('<Code>DryRunOperation</Code>');
  });

  it('refuses a malformed NextToken with InvalidNextToken', async () => {
    const res = await post({ Action: 'DescribeVpcs', MaxResults: '5', NextToken: 'garbage' });
    expect(res.body).toContain('<Code>InvalidNextToken</Code>');
  });
});

describe('throttle classes', () => {
  const ec2 = createEc2Service({} as World);
  const classOf = (form: Record<string, string>) => {
    const body = new URLSearchParams(form).toString();
    const req: RawRequest = { method: 'POST', path: '/', query: new URLSearchParams(), headers: {}, body, bodyBytes: Buffer.from(body) };
    return ec2.throttleClass(ec2.actionOf(req));
  };

  it('puts each action in the bucket AWS documents', () => {
    expect(classOf({ Action: 'CreateVpcEndpoint' })).toBe('vpc-endpoints');
    expect(classOf({ Action: 'DeleteVpcEndpoints' })).toBe('vpc-endpoints');
    expect(classOf({ Action: 'AcceptVpcEndpointConnections' })).toBe('endpoint-connections');
    expect(classOf({ Action: 'RejectVpcEndpointConnections' })).toBe('endpoint-connections');
    expect(classOf({ Action: 'CreateVpcEndpointServiceConfiguration' })).toBe('endpoint-service-configuration');
    expect(classOf({ Action: 'CreateTags' })).toBe('mutating');
    expect(classOf({ Action: 'ModifyVpcEndpointServicePermissions' })).toBe('mutating');
  });

  it('draws Describe calls with a filter or MaxResults from the larger non-mutating bucket', () => {
    expect(classOf({ Action: 'DescribeVpcs' })).toBe('unfiltered-non-mutating');
    expect(classOf({ Action: 'DescribeVpcs', 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-1' })).toBe('non-mutating');
    expect(classOf({ Action: 'DescribeVpcEndpointConnections', MaxResults: '100' })).toBe('non-mutating');
  });

  it('publishes AWS\'s bucket numbers', () => {
    expect(EC2_THROTTLE_BUCKETS['vpc-endpoints']).toEqual({ capacity: 4, refillPerSecond: 0.3 });
    expect(EC2_THROTTLE_BUCKETS['endpoint-connections']).toEqual({ capacity: 10, refillPerSecond: 1 });
    expect(EC2_THROTTLE_BUCKETS['unfiltered-non-mutating']).toEqual({ capacity: 50, refillPerSecond: 10 });
    expect(ec2.throttleBuckets).toBe(EC2_THROTTLE_BUCKETS);
  });
});

describe('snapshot', () => {
  it('lists VPCs with tags per account and region', async () => {
    await post({ Action: 'CreateVpc', CidrBlock: '10.7.0.0/16', 'TagSpecification.1.ResourceType': 'vpc', 'TagSpecification.1.Tag.1.Key': 'snap', 'TagSpecification.1.Tag.1.Value': 'yes' });
    const snapshot = h.ec2.snapshot() as { regions: { accountId: string; region: string; vpcs: { tags: Record<string, string> }[] }[] };
    const spokeRegion = snapshot.regions.find((r) => r.accountId === SPOKE && r.region === 'eu-west-2');
    expect(spokeRegion?.vpcs.some((v) => v.tags.snap === 'yes')).toBe(true);
  });
});
