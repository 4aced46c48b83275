import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DescribeSecurityGroupsCommand,
  DescribeTagsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { OTHER, REGION, SPOKE, errorOf, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';

let h: Ec2Harness;
let spoke: EC2Client;

beforeAll(async () => {
  h = await startEc2Harness();
  spoke = h.client(SPOKE);
});
afterAll(() => h.close());

const newVpc = async (cidr = '10.0.0.0/16') => (await spoke.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;

describe('security groups', () => {
  it('creates a group, lists it with the VPC default group, and filters by id, vpc, name and tag', async () => {
    // Prepare
    const vpcId = await newVpc();

    // Act
    const created = await spoke.send(new CreateSecurityGroupCommand({
      VpcId: vpcId, GroupName: 'proxy-endpoint', Description: 'egress proxy endpoint',
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'role', Value: 'proxy' }] }],
    }));
    const names = async (Filters: { Name: string; Values: string[] }[]) =>
      ((await spoke.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups ?? []).map((g) => g.GroupName).sort();

    // Assess
    expect(created.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(await names([{ Name: 'vpc-id', Values: [vpcId] }])).toEqual(['default', 'proxy-endpoint']);
    expect(await names([{ Name: 'group-id', Values: [created.GroupId!] }])).toEqual(['proxy-endpoint']);
    expect(await names([{ Name: 'group-name', Values: ['proxy-*'] }, { Name: 'vpc-id', Values: [vpcId] }])).toEqual(['proxy-endpoint']);
    expect(await names([{ Name: 'tag:role', Values: ['proxy'] }])).toEqual(['proxy-endpoint']);
    const [group] = (await spoke.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }))).SecurityGroups ?? [];
    expect(group?.Description).toBe('egress proxy endpoint');
    expect(group?.IpPermissionsEgress?.[0]).toMatchObject({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
  });

  it('refuses a duplicate group name in the same VPC but not in another VPC', async () => {
    const [a, b] = [await newVpc(), await newVpc()];
    await spoke.send(new CreateSecurityGroupCommand({ VpcId: a, GroupName: 'dup', Description: 'd' }));
    const err = await errorOf(spoke.send(new CreateSecurityGroupCommand({ VpcId: a, GroupName: 'dup', Description: 'd' })));
    expect(err.name).toBe('InvalidGroup.Duplicate');
    await expect(spoke.send(new CreateSecurityGroupCommand({ VpcId: b, GroupName: 'dup', Description: 'd' }))).resolves.toBeDefined();
  });

  it('authorizes ingress rules, refuses a duplicate rule with InvalidPermission.Duplicate', async () => {
    // Prepare
    const vpcId = await newVpc();
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'sg', Description: 'd' }));
    const rule = { IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'spoke' }] };

    // Act
    const ok = await spoke.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }));
    const dup = await errorOf(spoke.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] })));

    // Assess
    expect(ok.Return).toBe(true);
    expect(ok.SecurityGroupRules?.[0]).toMatchObject({ IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, CidrIpv4: '10.0.0.0/16', IsEgress: false });
    expect(dup.name).toBe('InvalidPermission.Duplicate');
    const [group] = (await spoke.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups ?? [];
    expect(group?.IpPermissions).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'spoke' }] }),
    ]);
  });

  it('deletes a group, refuses the default group, and hides groups from other accounts', async () => {
    // Prepare
    const vpcId = await newVpc();
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'gone', Description: 'd' }));
    const defaultGroup = (await spoke.send(new DescribeSecurityGroupsCommand({
      Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }],
    }))).SecurityGroups?.[0];

    // Act
    const foreign = await errorOf(h.client(OTHER).send(new DeleteSecurityGroupCommand({ GroupId })));
    await spoke.send(new DeleteSecurityGroupCommand({ GroupId }));

    // Assess
    expect(foreign.name).toBe('InvalidGroup.NotFound');
    expect((await errorOf(spoke.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] })))).name).toBe('InvalidGroup.NotFound');
    expect((await errorOf(spoke.send(new DeleteSecurityGroupCommand({ GroupId: defaultGroup?.GroupId })))).name).toBe('CannotDelete');
  });
});

describe('tags', () => {
  it('creates, describes (filters resource-id, resource-type, key, value) and deletes tags', async () => {
    // Prepare
    const vpcId = await newVpc();
    const subnetId = (await spoke.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;

    // Act
    await spoke.send(new CreateTagsCommand({ Resources: [vpcId, subnetId], Tags: [{ Key: 'egress-proxy', Value: 'enabled' }, { Key: 'Name', Value: 'x' }] }));
    const tags = async (Filters: { Name: string; Values: string[] }[]) =>
      ((await spoke.send(new DescribeTagsCommand({ Filters }))).Tags ?? []).map((t) => `${t.ResourceType}:${t.ResourceId}:${t.Key}=${t.Value}`).sort();

    // Assess
    expect(await tags([{ Name: 'resource-id', Values: [vpcId] }])).toEqual([`vpc:${vpcId}:Name=x`, `vpc:${vpcId}:egress-proxy=enabled`]);
    expect(await tags([{ Name: 'resource-type', Values: ['subnet'] }, { Name: 'key', Values: ['egress-proxy'] }])).toEqual([
      `subnet:${subnetId}:egress-proxy=enabled`,
    ]);
    expect(await tags([{ Name: 'value', Values: ['enabled'] }, { Name: 'resource-id', Values: [vpcId, subnetId] }])).toHaveLength(2);

    // Act: delete by key with a non-matching value (kept), by key alone (gone)
    await spoke.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'Name', Value: 'other' }] }));
    await spoke.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'egress-proxy' }] }));
    expect(await tags([{ Name: 'resource-id', Values: [vpcId] }])).toEqual([`vpc:${vpcId}:Name=x`]);
  });

  it('pages DescribeTags', async () => {
    const client = h.client('666666666666');
    const { Vpc } = await client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    await client.send(new CreateTagsCommand({ Resources: [Vpc!.VpcId!], Tags: Array.from({ length: 7 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` })) }));
    const first = await client.send(new DescribeTagsCommand({ MaxResults: 5 }));
    const second = await client.send(new DescribeTagsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(first.Tags).toHaveLength(5);
    expect(second.Tags).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
  });

  it('refuses aws: keys and unknown or foreign resources', async () => {
    const vpcId = await newVpc();
    expect((await errorOf(spoke.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: '1' }] })))).name).toBe(
      'InvalidParameterValue',
    );
    expect((await errorOf(h.client(OTHER).send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'a', Value: '1' }] })))).name).toBe(
      'InvalidVpcID.NotFound',
    );
  });
});

describe('Tag Change on Resource events', () => {
  it('emits the exact aws.tag envelope in the VPC\'s account and region, version incrementing per change', async () => {
    // Prepare
    const vpcId = (await spoke.send(new CreateVpcCommand({
      CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'app' }] }],
    }))).Vpc!.VpcId!;
    const forVpc = () => h.events.filter((e) => e.resources[0]?.endsWith(`/${vpcId}`));

    // Act
    await spoke.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }));
    await spoke.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }));
    await spoke.send(new DeleteTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'egress-proxy' }] }));

    // Assess
    const events = forVpc();
    expect(events).toHaveLength(3);
    const [created, tagged, untagged] = events;
    expect(created?.detail).toEqual({ 'changed-tag-keys': ['Name'], service: 'ec2', 'resource-type': 'vpc', version: 1, tags: { Name: 'app' } });
    expect(tagged?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tagged?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect({ ...tagged, id: 'ID', time: 'TIME' }).toEqual({
      version: '0',
      id: 'ID',
      'detail-type': 'Tag Change on Resource',
      source: 'aws.tag',
      account: SPOKE,
      time: 'TIME',
      region: REGION,
      resources: [`arn:aws:ec2:${REGION}:${SPOKE}:vpc/${vpcId}`],
      detail: {
        'changed-tag-keys': ['egress-proxy'],
        service: 'ec2',
        'resource-type': 'vpc',
        version: 2,
        tags: { Name: 'app', 'egress-proxy': 'enabled' },
      },
    });
    expect(untagged?.detail).toEqual({ 'changed-tag-keys': ['egress-proxy'], service: 'ec2', 'resource-type': 'vpc', version: 3, tags: { Name: 'app' } });
  });

  it('emits subnet tag changes with resource-type subnet, and none for security groups', async () => {
    const vpcId = await newVpc();
    const subnetId = (await spoke.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24' }))).Subnet!.SubnetId!;
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'quiet', Description: 'd' }));
    const before = h.events.length;
    await spoke.send(new CreateTagsCommand({ Resources: [subnetId, GroupId!], Tags: [{ Key: 'k', Value: 'v' }] }));
    const emitted = h.events.slice(before);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]?.resources).toEqual([`arn:aws:ec2:${REGION}:${SPOKE}:subnet/${subnetId}`]);
    expect(emitted[0]?.detail['resource-type']).toBe('subnet');
  });

  it('a tag read after the event shows the new state (level-triggered handlers re-read)', async () => {
    const vpcId = await newVpc();
    await spoke.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }));
    const { Vpcs } = await spoke.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:egress-proxy', Values: ['enabled'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
    expect(Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
  });
});
