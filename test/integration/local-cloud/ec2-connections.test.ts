import {
  AcceptVpcEndpointConnectionsCommand,
  CreateVpcEndpointConnectionNotificationCommand,
  DeleteVpcEndpointsCommand,
  DescribeVpcEndpointConnectionNotificationsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointsCommand,
  RejectVpcEndpointConnectionsCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { HUB, OTHER, REGION, SPOKE, errorOf, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';
import { allow, createEndpoint, createService, createSpokeNetwork } from './ec2-privatelink-fixture';
import type { SpokeNetwork } from './ec2-privatelink-fixture';

const PENDING_MS = 30_000;
const DELETING_MS = 20_000;
const TOPIC = `arn:aws:sns:${REGION}:${HUB}:endpoint-connections`;

let h: Ec2Harness;
let hub: EC2Client;
let spoke: EC2Client;
let serviceId: string;
let serviceName: string;
let zoneIds: string[];
let net: SpokeNetwork;

beforeAll(async () => {
  h = await startEc2Harness({ endpointPendingMs: PENDING_MS, endpointDeletingMs: DELETING_MS });
  hub = h.client(HUB);
  spoke = h.client(SPOKE);
  const service = await createService(hub);
  serviceId = service.ServiceId!;
  serviceName = service.ServiceName!;
  zoneIds = service.AvailabilityZoneIds!;
  await allow(hub, serviceId, SPOKE, OTHER);
  net = await createSpokeNetwork(spoke);
});
afterAll(() => h.close());

const newEndpoint = async (client = spoke, network = net) => (await createEndpoint(client, network, serviceName, zoneIds.slice(0, 1))).VpcEndpointId!;
const stateOf = async (id: string) =>
  (await spoke.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }))).VpcEndpoints?.[0]?.State;
const connectionState = async (id: string) =>
  (await hub.send(new DescribeVpcEndpointConnectionsCommand({ Filters: [{ Name: 'vpc-endpoint-id', Values: [id] }] })))
    .VpcEndpointConnections?.[0]?.VpcEndpointState;

describe('connection lifecycle', () => {
  it('goes pendingAcceptance -> pending (accepted) -> available once the pending delay has passed', async () => {
    // Prepare
    const id = await newEndpoint();
    const initial = [await stateOf(id), await connectionState(id)];

    // Act
    const accepted = await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [id] }));
    const justAccepted = [await stateOf(id), await connectionState(id)];
    h.advance(PENDING_MS - 1);
    const almost = await stateOf(id);
    h.advance(1);

    // Assess
    expect(initial).toEqual(['pendingAcceptance', 'pendingAcceptance']);
    expect(accepted.Unsuccessful ?? []).toEqual([]);
    expect(justAccepted).toEqual(['pending', 'pending']);
    expect(almost).toBe('pending');
    expect([await stateOf(id), await connectionState(id)]).toEqual(['available', 'available']);
  });

  it('goes available -> deleting -> deleted when the consumer deletes it, on both sides, and cannot be rejected meanwhile', async () => {
    // Prepare
    const id = await newEndpoint();
    await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [id] }));
    h.advance(PENDING_MS);

    // Act
    await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
    const justDeleted = [await stateOf(id), await connectionState(id)];
    const rejected = await hub.send(new RejectVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [id] }));
    h.advance(DELETING_MS - 1);
    const almost = await connectionState(id);
    h.advance(1);

    // Assess: the consumer no longer finds it; the provider still sees the connection, as `deleted`.
    expect(justDeleted).toEqual(['deleting', 'deleting']);
    expect(rejected.Unsuccessful?.map((u) => u.Error?.Code)).toEqual(['InvalidState']);
    expect(almost).toBe('deleting');
    expect(await connectionState(id)).toBe('deleted');
    expect((await errorOf(stateOf(id))).name).toBe('InvalidVpcEndpointId.NotFound');
  });

  it('goes pendingAcceptance -> rejected on reject', async () => {
    const id = await newEndpoint();
    const rejected = await hub.send(new RejectVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [id] }));
    expect(rejected.Unsuccessful ?? []).toEqual([]);
    expect([await stateOf(id), await connectionState(id)]).toEqual(['rejected', 'rejected']);
  });

  it('accepts many endpoints in one call and reports unknown or not-pending ids as Unsuccessful', async () => {
    // Prepare
    const [a, b, done] = [await newEndpoint(), await newEndpoint(), await newEndpoint()];
    await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [done] }));
    const unknown = 'vpce-00000000000000bad';

    // Act
    const result = await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [a, unknown, b, done] }));

    // Assess
    expect(result.Unsuccessful?.map((u) => [u.ResourceId, u.Error?.Code])).toEqual([
      [unknown, 'InvalidVpcEndpointId.NotFound'],
      [done, 'InvalidState'],
    ]);
    expect(result.Unsuccessful?.[0]?.Error?.Message).toBe(`The Vpc Endpoint Id '${unknown}' does not exist`);
    expect([await stateOf(a), await stateOf(b)]).toEqual(['pending', 'pending']);
  });

  it('lets only the service owner accept or reject', async () => {
    const id = await newEndpoint();
    const err = await errorOf(spoke.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: [id] })));
    expect(err.name).toBe('InvalidVpcEndpointServiceId.NotFound');
    expect(await stateOf(id)).toBe('pendingAcceptance');
  });

  it('makes endpoints to a service without acceptance pending, then available', async () => {
    // Prepare
    const open = await createService(hub, { acceptanceRequired: false });
    await allow(hub, open.ServiceId!, SPOKE);

    // Act
    const endpoint = await createEndpoint(spoke, net, open.ServiceName!, open.AvailabilityZoneIds!.slice(0, 1));
    h.advance(PENDING_MS);

    // Assess
    expect(endpoint.State).toBe('pending');
    expect(await stateOf(endpoint.VpcEndpointId!)).toBe('available');
  });
});

describe('DescribeVpcEndpointConnections', () => {
  it('filters by service-id, vpc-endpoint-owner, vpc-endpoint-state, vpc-endpoint-id, and pages', async () => {
    // Prepare
    const service = await createService(hub);
    await allow(hub, service.ServiceId!, SPOKE, OTHER);
    const otherNet = await createSpokeNetwork(h.client(OTHER));
    const mk = (client: EC2Client, network: SpokeNetwork) =>
      createEndpoint(client, network, service.ServiceName!, service.AvailabilityZoneIds!.slice(0, 1)).then((e) => e.VpcEndpointId!);
    const spokeIds = [await mk(spoke, net), await mk(spoke, net), await mk(spoke, net), await mk(spoke, net)];
    const otherIds = [await mk(h.client(OTHER), otherNet), await mk(h.client(OTHER), otherNet)];
    await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: service.ServiceId, VpcEndpointIds: [spokeIds[0]!] }));
    const ofService = { Name: 'service-id', Values: [service.ServiceId!] };
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      ((await hub.send(new DescribeVpcEndpointConnectionsCommand({ Filters }))).VpcEndpointConnections ?? []).map((c) => c.VpcEndpointId);

    // Act + Assess
    expect(await ids([ofService])).toEqual([...spokeIds, ...otherIds]);
    expect(await ids([ofService, { Name: 'vpc-endpoint-owner', Values: [OTHER] }])).toEqual(otherIds);
    expect(await ids([ofService, { Name: 'vpc-endpoint-state', Values: ['pending'] }])).toEqual([spokeIds[0]]);
    expect(await ids([{ Name: 'vpc-endpoint-id', Values: [otherIds[1]!] }])).toEqual([otherIds[1]]);
    const page1 = await hub.send(new DescribeVpcEndpointConnectionsCommand({ Filters: [ofService], MaxResults: 5 }));
    const page2 = await hub.send(new DescribeVpcEndpointConnectionsCommand({ Filters: [ofService], MaxResults: 5, NextToken: page1.NextToken }));
    expect(page1.VpcEndpointConnections).toHaveLength(5);
    expect(page2.VpcEndpointConnections).toHaveLength(1);
    const connection = page1.VpcEndpointConnections?.[0];
    expect(connection).toMatchObject({ ServiceId: service.ServiceId, VpcEndpointOwner: SPOKE, VpcEndpointRegion: REGION });
    expect(connection?.VpcEndpointConnectionId).toMatch(/^vpce-con-/);
    expect(connection?.CreationTimestamp).toBeInstanceOf(Date);
  });

  it('shows a consumer nothing of the provider\'s connections', async () => {
    const { VpcEndpointConnections } = await spoke.send(new DescribeVpcEndpointConnectionsCommand({}));
    expect(VpcEndpointConnections ?? []).toEqual([]);
  });
});

describe('connection notifications', () => {
  it('publishes Connect, Accept, Reject and Delete to the topic of the service\'s notification', async () => {
    // Prepare
    const service = await createService(hub);
    await allow(hub, service.ServiceId!, SPOKE);
    const created = await hub.send(new CreateVpcEndpointConnectionNotificationCommand({
      ServiceId: service.ServiceId, ConnectionNotificationArn: TOPIC, ConnectionEvents: ['Connect', 'Accept', 'Reject', 'Delete'],
    }));
    const before = h.notifications.length;
    const mk = () => createEndpoint(spoke, net, service.ServiceName!, service.AvailabilityZoneIds!.slice(0, 1)).then((e) => e.VpcEndpointId!);

    // Act
    const accepted = await mk();
    const rejected = await mk();
    await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: service.ServiceId, VpcEndpointIds: [accepted] }));
    await hub.send(new RejectVpcEndpointConnectionsCommand({ ServiceId: service.ServiceId, VpcEndpointIds: [rejected] }));
    await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [accepted] }));

    // Assess
    expect(created.ConnectionNotification).toMatchObject({
      ServiceId: service.ServiceId,
      ConnectionNotificationArn: TOPIC,
      ConnectionNotificationType: 'Topic',
      ConnectionNotificationState: 'Enabled',
      ConnectionEvents: ['Connect', 'Accept', 'Reject', 'Delete'],
    });
    const published = h.notifications.slice(before);
    expect(published.every((n) => n.topicArn === TOPIC)).toBe(true);
    expect(published.map((n) => [n.message.EventType, n.message.EndpointId, n.message.EndpointState])).toEqual([
      ['Connect', accepted, 'pendingAcceptance'],
      ['Connect', rejected, 'pendingAcceptance'],
      ['Accept', accepted, 'pending'],
      ['Reject', rejected, 'rejected'],
      ['Delete', accepted, 'deleting'],
    ]);
    expect(published[0]?.message).toMatchObject({ ServiceId: service.ServiceId, EndpointOwner: SPOKE, VpcId: net.vpcId, Version: '1.0' });
  });

  it('publishes only the events the notification asked for', async () => {
    const service = await createService(hub);
    await allow(hub, service.ServiceId!, SPOKE);
    await hub.send(new CreateVpcEndpointConnectionNotificationCommand({ ServiceId: service.ServiceId, ConnectionNotificationArn: TOPIC, ConnectionEvents: ['Accept'] }));
    const before = h.notifications.length;
    const id = (await createEndpoint(spoke, net, service.ServiceName!, service.AvailabilityZoneIds!.slice(0, 1))).VpcEndpointId!;
    await hub.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: service.ServiceId, VpcEndpointIds: [id] }));
    expect(h.notifications.slice(before).map((n) => n.message.EventType)).toEqual(['Accept']);
  });

  it('describes notifications, and validates the topic ARN, the events and the owner', async () => {
    // Prepare
    const service = await createService(hub);
    const { ConnectionNotification } = await hub.send(new CreateVpcEndpointConnectionNotificationCommand({
      ServiceId: service.ServiceId, ConnectionNotificationArn: TOPIC, ConnectionEvents: ['Connect'],
    }));
    const create = (client: EC2Client, arn: string, events: string[]) =>
      errorOf(client.send(new CreateVpcEndpointConnectionNotificationCommand({ ServiceId: service.ServiceId, ConnectionNotificationArn: arn, ConnectionEvents: events })));

    // Act
    const byId = await hub.send(new DescribeVpcEndpointConnectionNotificationsCommand({ ConnectionNotificationId: ConnectionNotification!.ConnectionNotificationId }));
    const byService = await hub.send(new DescribeVpcEndpointConnectionNotificationsCommand({ Filters: [{ Name: 'service-id', Values: [service.ServiceId!] }] }));

    // Assess
    expect(ConnectionNotification?.ConnectionNotificationId).toMatch(/^vpce-nfn-/);
    expect(byId.ConnectionNotificationSet?.map((n) => n.ConnectionNotificationId)).toEqual([ConnectionNotification?.ConnectionNotificationId]);
    expect(byService.ConnectionNotificationSet).toHaveLength(1);
    expect((await create(hub, 'not-an-arn', ['Connect'])).name).toBe('InvalidParameter');
    expect((await create(hub, TOPIC, ['Explode'])).name).toBe('InvalidParameter');
    expect((await create(spoke, TOPIC, ['Connect'])).name).toBe('InvalidVpcEndpointServiceId.NotFound');
  });
});
