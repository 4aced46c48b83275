/**
 * EC2 inside the whole local cloud (core server, SigV4 accounts, throttling, event sink): the path the
 * control plane and the "done when" script take.
 */
import {
  AcceptVpcEndpointConnectionsCommand,
  CreateTagsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { CloudEvent } from '../../../local/cloud/api';
import { startLocalCloud } from '../../../local/cloud';
import type { LocalCloud } from '../../../local/cloud';
import { errorOf } from './ec2-harness';
import { allow, createEndpoint, createService, createSpokeNetwork } from './ec2-privatelink-fixture';

const HUB = '222222222222';
const SPOKE = '333333333333';

let cloud: LocalCloud;
const events: CloudEvent[] = [];
const notifications: string[] = [];
const clients: EC2Client[] = [];

function client(accountId: string) {
  const c = new EC2Client({
    endpoint: cloud.url,
    region: 'eu-west-2',
    credentials: { accessKeyId: accountId, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    hubAccountId: HUB,
    timeScale: 1000,
    ec2: { endpointPendingMs: 60_000 },
    throttling: { enabled: true, buckets: { 'ec2:unfiltered-non-mutating': { capacity: 2, refillPerSecond: 0.001 } } },
    sinks: { onEvent: (event) => events.push(event), onNotification: (_topic, message) => notifications.push(message) },
  });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await cloud.stop();
});

describe('EC2 in the local cloud', () => {
  it('tags a VPC (event on the sink), creates an endpoint to the hub service and sees it become available', async () => {
    // Prepare
    const hub = client(HUB);
    const spoke = client(SPOKE);
    const service = await createService(hub);
    await allow(hub, service.ServiceId!, SPOKE);
    const net = await createSpokeNetwork(spoke);

    // Act
    await spoke.send(new CreateTagsCommand({ Resources: [net.vpcId], Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }));
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, service.AvailabilityZoneIds!);
    await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: service.ServiceId, VpcEndpointIds: [endpoint.VpcEndpointId!] }));
    let state: string | undefined;
    // Emulated time runs 1000x: the 60 s pending delay passes in about 60 ms of wall time.
    for (let i = 0; i < 200 && state !== 'available'; i++) {
      const filtered = await spoke.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-id', Values: [endpoint.VpcEndpointId!] }] }));
      state = filtered.VpcEndpoints?.[0]?.State;
      if (state !== 'available') await new Promise((resolve) => setTimeout(resolve, 5));
    }

    // Assess
    expect(endpoint.State).toBe('pendingAcceptance');
    expect(state).toBe('available');
    const tagEvent = events.find((e) => e.source === 'aws.tag' && e.resources[0]?.endsWith(net.vpcId));
    expect(tagEvent).toMatchObject({ account: SPOKE, region: 'eu-west-2', detail: { 'changed-tag-keys': ['egress-proxy'], 'resource-type': 'vpc' } });
    const snapshot = cloud.snapshot() as { ec2: { regions: { accountId: string; endpoints: { vpcEndpointId: string }[] }[] } };
    const spokeState = snapshot.ec2.regions.find((r) => r.accountId === SPOKE);
    expect(spokeState?.endpoints.map((e) => e.vpcEndpointId)).toContain(endpoint.VpcEndpointId);
  });

  it('throttles unfiltered Describe calls in their own bucket with RequestLimitExceeded (503)', async () => {
    // Prepare
    const caller = client('888888888888');
    await caller.send(new DescribeVpcsCommand({}));
    await caller.send(new DescribeVpcsCommand({}));

    // Act
    const throttled = await errorOf(caller.send(new DescribeVpcsCommand({})));
    const filtered = await caller.send(new DescribeVpcsCommand({ Filters: [{ Name: 'owner-id', Values: ['888888888888'] }] }));

    // Assess
    expect(throttled.name).toBe('RequestLimitExceeded');
    expect(throttled.$metadata?.httpStatusCode).toBe(503);
    expect(filtered.Vpcs ?? []).toEqual([]);
  });

  it('lets the admin hook choose the zones an endpoint service supports', async () => {
    // Prepare
    const hub = client(HUB);
    const spoke = client(SPOKE);
    const service = await createService(hub);
    await allow(hub, service.ServiceId!, SPOKE);
    const net = await createSpokeNetwork(spoke);
    const allZones = [...net.subnetByZoneId.keys()];

    // Act
    cloud.ec2.setEndpointServiceZones(service.ServiceId!, allZones);
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, allZones);

    // Assess
    expect(endpoint.SubnetIds).toHaveLength(3);
  });
});
