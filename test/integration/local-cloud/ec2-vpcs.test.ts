import {
  AssociateVpcCidrBlockCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { HUB, OTHER, REGION, SPOKE, errorOf, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';

let h: Ec2Harness;
let spoke: EC2Client;

beforeAll(async () => {
  h = await startEc2Harness();
  spoke = h.client(SPOKE);
});
afterAll(() => h.close());

async function createVpc(client: EC2Client, cidr: string, tags: Record<string, string> = {}) {
  const { Vpc } = await client.send(
    new CreateVpcCommand({
      CidrBlock: cidr,
      TagSpecifications: Object.keys(tags).length
        ? [{ ResourceType: 'vpc', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }]
        : undefined,
    }),
  );
  return Vpc!;
}

describe('CreateVpc and DescribeVpcs', () => {
  it('creates a VPC with its tags, owner and CIDR association, described back by id', async () => {
    // Act
    const vpc = await createVpc(spoke, '10.1.0.0/16', { Name: 'app', team: 'a&b <x>' });
    const { Vpcs } = await spoke.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }));

    // Assess
    expect(vpc.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(vpc.State).toBe('available');
    expect(vpc.OwnerId).toBe(SPOKE);
    expect(vpc.CidrBlockAssociationSet?.[0]?.CidrBlock).toBe('10.1.0.0/16');
    expect(Vpcs).toHaveLength(1);
    expect(Vpcs?.[0]?.CidrBlock).toBe('10.1.0.0/16');
    expect(Vpcs?.[0]?.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'a&b <x>' }, { Key: 'Name', Value: 'app' }]));
  });

  it('filters by vpc-id, owner-id, tag:KEY (with wildcards), tag-key and cidr', async () => {
    // Prepare
    const a = await createVpc(spoke, '10.2.0.0/16', { 'egress-proxy': 'enabled', env: 'prod' });
    const b = await createVpc(spoke, '10.3.0.0/16', { 'egress-proxy': 'disabled' });
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      ((await spoke.send(new DescribeVpcsCommand({ Filters }))).Vpcs ?? []).map((v) => v.VpcId).sort();

    // Act + Assess
    expect(await ids([{ Name: 'vpc-id', Values: [a.VpcId!] }])).toEqual([a.VpcId]);
    expect(await ids([{ Name: 'tag:egress-proxy', Values: ['enabled'] }])).toEqual([a.VpcId]);
    expect(await ids([{ Name: 'tag:egress-proxy', Values: ['*abled'] }])).toEqual([a.VpcId, b.VpcId].sort());
    expect(await ids([{ Name: 'tag-key', Values: ['env'] }])).toEqual([a.VpcId]);
    expect(await ids([{ Name: 'cidr', Values: ['10.3.0.0/16'] }])).toEqual([b.VpcId]);
    expect(await ids([{ Name: 'owner-id', Values: [HUB] }])).toEqual([]);
    expect(await ids([{ Name: 'owner-id', Values: [SPOKE] }, { Name: 'tag:egress-proxy', Values: ['disabled'] }])).toEqual([b.VpcId]);
  });

  it('rejects an unknown filter and a VPC CIDR outside /16../28', async () => {
    expect((await errorOf(spoke.send(new DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await errorOf(createVpc(spoke, '10.0.0.0/8'))).name).toBe('InvalidVpc.Range');
  });

  it('pages with MaxResults and NextToken, and validates MaxResults', async () => {
    // Prepare
    const client = h.client('555555555555');
    for (let i = 0; i < 7; i++) await createVpc(client, `10.${i}.0.0/16`);

    // Act
    const pages: number[] = [];
    const seen = new Set<string>();
    for await (const page of paginateDescribeVpcs({ client, pageSize: 5 }, {})) {
      pages.push(page.Vpcs?.length ?? 0);
      for (const vpc of page.Vpcs ?? []) seen.add(vpc.VpcId!);
    }

    // Assess
    expect(pages).toEqual([5, 2]);
    expect(seen.size).toBe(7);
    expect((await errorOf(client.send(new DescribeVpcsCommand({ MaxResults: 2 })))).name).toBe('InvalidParameterValue');
  });

  it('hides one account\'s VPC from another: InvalidVpcID.NotFound', async () => {
    // Prepare
    const vpc = await createVpc(spoke, '10.9.0.0/16');

    // Act
    const err = await errorOf(h.client(OTHER).send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] })));
    const listed = await h.client(OTHER).send(new DescribeVpcsCommand({}));

    // Assess
    expect(err.name).toBe('InvalidVpcID.NotFound');
    expect(err.message).toBe(`The vpc ID '${vpc.VpcId}' does not exist`);
    expect(listed.Vpcs ?? []).toEqual([]);
    expect((await errorOf(h.client(OTHER).send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.9.1.0/24' })))).name).toBe(
      'InvalidVpcID.NotFound',
    );
  });

  it('answers InvalidVpcID.Malformed for an id that cannot be a VPC id, and NotFound for a well-formed unknown one', async () => {
    // Act
    const malformed = await errorOf(spoke.send(new DescribeVpcsCommand({ VpcIds: ['not-a-vpc'] })));
    const unknown = await errorOf(spoke.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })));
    const malformedSubnet = await errorOf(spoke.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-xyz'] })));

    // Assess
    expect(malformed).toMatchObject({ name: 'InvalidVpcID.Malformed', message: 'Invalid id: "not-a-vpc" (expecting "vpc-...")' });
    expect(unknown.name).toBe('InvalidVpcID.NotFound');
    expect(malformedSubnet.name).toBe('InvalidSubnetID.Malformed');
  });

  it('keeps regions apart: a VPC in eu-west-2 is not in us-east-1', async () => {
    const vpc = await createVpc(spoke, '10.10.0.0/16');
    const err = await errorOf(h.client(SPOKE, 'us-east-1').send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] })));
    expect(err.name).toBe('InvalidVpcID.NotFound');
  });
});

describe('VPC attributes and CIDR blocks', () => {
  it('defaults to DNS support on and hostnames off, and lets hostnames be turned on', async () => {
    // Prepare
    const vpc = await createVpc(spoke, '10.20.0.0/16');
    const attribute = async (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') =>
      spoke.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute }));

    // Act
    const before = [(await attribute('enableDnsSupport')).EnableDnsSupport?.Value, (await attribute('enableDnsHostnames')).EnableDnsHostnames?.Value];
    await spoke.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true } }));

    // Assess
    expect(before).toEqual([true, false]);
    expect((await attribute('enableDnsHostnames')).EnableDnsHostnames?.Value).toBe(true);
  });

  it('associates a secondary CIDR that subnets can then use, refusing overlaps', async () => {
    // Prepare
    const vpc = await createVpc(spoke, '10.21.0.0/16');

    // Act
    const assoc = await spoke.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, CidrBlock: '100.64.0.0/16' }));
    const subnet = await spoke.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '100.64.1.0/24', AvailabilityZone: `${REGION}a` }));
    const overlap = await errorOf(spoke.send(new AssociateVpcCidrBlockCommand({ VpcId: vpc.VpcId, CidrBlock: '10.21.128.0/17' })));

    // Assess
    expect(assoc.CidrBlockAssociation?.CidrBlock).toBe('100.64.0.0/16');
    expect(subnet.Subnet?.CidrBlock).toBe('100.64.1.0/24');
    expect(overlap.name).toBe('InvalidVpc.Range');
    const { Vpcs } = await spoke.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] }));
    expect(Vpcs?.[0]?.CidrBlockAssociationSet?.map((c) => c.CidrBlock)).toEqual(['10.21.0.0/16', '100.64.0.0/16']);
  });
});

describe('Availability zones and subnets', () => {
  it('maps AZ names to AZ ids differently per account, deterministically, 3 zones in eu-west-2', async () => {
    // Act
    const zonesOf = async (account: string) =>
      ((await h.client(account).send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? []).map((z) => [z.ZoneName, z.ZoneId]);
    const hub = await zonesOf(HUB);
    const spokeZones = await zonesOf(SPOKE);

    // Assess
    expect(hub.map(([name]) => name)).toEqual(['eu-west-2a', 'eu-west-2b', 'eu-west-2c']);
    expect(hub.map(([, id]) => id).sort()).toEqual(['euw2-az1', 'euw2-az2', 'euw2-az3']);
    expect(spokeZones.map(([, id]) => id).sort()).toEqual(['euw2-az1', 'euw2-az2', 'euw2-az3']);
    expect(spokeZones).not.toEqual(hub);
    expect(await zonesOf(HUB)).toEqual(hub);
  });

  it('lists 6 zones in us-east-1 with use1 ids, and filters by zone-id', async () => {
    const client = h.client(SPOKE, 'us-east-1');
    const all = (await client.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
    const one = await client.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['use1-az4'] }] }));
    expect(all).toHaveLength(6);
    expect(all.every((z) => /^use1-az[1-6]$/.test(z.ZoneId!) && z.RegionName === 'us-east-1' && z.State === 'available')).toBe(true);
    expect(one.AvailabilityZones?.map((z) => z.ZoneId)).toEqual(['use1-az4']);
  });

  it('creates subnets by AZ name or AZ id and filters them', async () => {
    // Prepare
    const vpc = await createVpc(spoke, '10.30.0.0/16');
    const zones = (await spoke.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
    const zoneB = zones[1]!;

    // Act
    const byName = (await spoke.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.30.0.0/24', AvailabilityZone: 'eu-west-2a' }))).Subnet!;
    const byId = (await spoke.send(new CreateSubnetCommand({
      VpcId: vpc.VpcId, CidrBlock: '10.30.1.0/24', AvailabilityZoneId: zoneB.ZoneId,
      TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'tier', Value: 'private' }] }],
    }))).Subnet!;
    const filtered = async (Name: string, Values: string[]) =>
      ((await spoke.send(new DescribeSubnetsCommand({ Filters: [{ Name, Values }] }))).Subnets ?? []).map((s) => s.SubnetId).sort();

    // Assess
    expect(byName.AvailabilityZone).toBe('eu-west-2a');
    expect(byName.AvailabilityZoneId).toBe(zones[0]?.ZoneId);
    expect(byName.AvailableIpAddressCount).toBe(251);
    expect(byId.AvailabilityZone).toBe(zoneB.ZoneName);
    expect(await filtered('vpc-id', [vpc.VpcId!])).toEqual([byName.SubnetId, byId.SubnetId].sort());
    expect(await filtered('availability-zone', ['eu-west-2a'])).toContain(byName.SubnetId);
    expect(await filtered('availability-zone-id', [zoneB.ZoneId!])).toEqual(expect.arrayContaining([byId.SubnetId]));
    expect(await filtered('subnet-id', [byId.SubnetId!])).toEqual([byId.SubnetId]);
    expect(await filtered('tag:tier', ['private'])).toEqual([byId.SubnetId]);
  });

  it('refuses subnets outside the VPC, overlapping another, or in an unknown AZ', async () => {
    // Prepare
    const vpc = await createVpc(spoke, '10.31.0.0/16');
    await spoke.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.31.0.0/24' }));
    const create = (CidrBlock: string, AvailabilityZone?: string) =>
      errorOf(spoke.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock, AvailabilityZone })));

    // Act + Assess
    expect((await create('10.32.0.0/24')).name).toBe('InvalidSubnet.Range');
    expect((await create('10.31.0.128/25')).name).toBe('InvalidSubnet.Conflict');
    expect((await create('10.31.5.0/24', 'eu-west-2z')).name).toBe('InvalidParameterValue');
    expect((await errorOf(spoke.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-00000000000000bad'] })))).name).toBe(
      'InvalidSubnetID.NotFound',
    );
  });
});
