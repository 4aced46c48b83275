import { byVpc, serviceFacts, vpcSnapshotOf, withVpcDns, type AccountSnapshot } from '../../../functions/core/account-snapshot';

const subnet = (subnetId: string, availabilityZoneId: string, azName: string) => ({ subnetId, availabilityZoneId, azName, mapPublicIpOnLaunch: false, tags: {} });
const endpoint = (endpointId: string) => ({ endpointId, state: 'available', subnetIds: [], dnsName: undefined, privateDnsEnabled: false });

const account: AccountSnapshot = {
  accountId: '123456789012',
  vpcs: [
    { vpcId: 'vpc-a', tags: { 'egress-proxy': 'enabled' }, cidrBlocks: ['10.0.0.0/16'] },
    { vpcId: 'vpc-b', tags: {}, cidrBlocks: ['10.1.0.0/16'] },
  ],
  subnetsByVpc: byVpc([
    { vpcId: 'vpc-a', item: subnet('subnet-a1', 'euw2-az1', 'eu-west-2a') },
    { vpcId: 'vpc-b', item: subnet('subnet-b1', 'euw2-az2', 'eu-west-2b') },
    { vpcId: 'vpc-a', item: subnet('subnet-a2', 'euw2-az2', 'eu-west-2b') },
  ]),
  endpointsByVpc: byVpc([{ vpcId: 'vpc-b', item: endpoint('vpce-b') }]),
  securityGroupsByVpc: byVpc([{ vpcId: 'vpc-a', item: { groupId: 'sg-a', ingressCidrs: [] } }]),
  service: { availabilityZoneIds: new Set(['euw2-az1']), privateDnsName: undefined, privateDnsVerificationState: undefined },
};

describe('vpcSnapshotOf', () => {
  it("gives each VPC only its own subnets, endpoints and groups, and the account's view of the service", () => {
    const a = vpcSnapshotOf(account, 'vpc-a');
    const b = vpcSnapshotOf(account, 'vpc-b');

    expect(a).toMatchObject({ accountId: '123456789012', vpcId: 'vpc-a', vpc: { tags: { 'egress-proxy': 'enabled' }, cidrBlocks: ['10.0.0.0/16'], dns: undefined } });
    expect(a.subnets.map((s) => s.subnetId)).toEqual(['subnet-a1', 'subnet-a2']);
    expect(a.managedEndpoints).toEqual([]);
    expect(a.managedSecurityGroups).toEqual([{ groupId: 'sg-a', ingressCidrs: [] }]);
    expect(b.subnets.map((s) => s.subnetId)).toEqual(['subnet-b1']);
    expect(b.managedEndpoints.map((e) => e.endpointId)).toEqual(['vpce-b']);
    expect(b.managedSecurityGroups).toEqual([]);
    expect(a.service).toBe(account.service);
  });

  it('reports a VPC the account does not have as gone', () => {
    expect(vpcSnapshotOf(account, 'vpc-gone')).toMatchObject({ vpc: undefined, subnets: [], managedEndpoints: [], service: undefined });
  });

  it('adds DNS attributes once read', () => {
    const dns = { enableDnsSupport: true, enableDnsHostnames: false };
    expect(withVpcDns(vpcSnapshotOf(account, 'vpc-a'), dns).vpc?.dns).toEqual(dns);
  });
});

describe('serviceFacts', () => {
  it('maps AZ names to ids with any subnet of the account when the service gives only names', () => {
    const subnets = [...account.subnetsByVpc.values()].flat();
    const facts = serviceFacts({ availabilityZoneIds: [], availabilityZoneNames: ['eu-west-2b'], privateDnsName: undefined, privateDnsVerificationState: undefined }, subnets);
    expect([...(facts?.availabilityZoneIds ?? [])]).toEqual(['euw2-az2']);
  });

  it('is undefined for an invisible service', () => {
    expect(serviceFacts(undefined, [])).toBeUndefined();
  });
});

describe('vpcSnapshotOf: what a VPC without entries gets', () => {
  it('gives a VPC the account does not have nothing at all to plan with', () => {
    // Act
    const gone = vpcSnapshotOf(account, 'vpc-gone');

    // Assess
    expect(gone).toEqual({
      accountId: '123456789012',
      vpcId: 'vpc-gone',
      vpc: undefined,
      subnets: [],
      managedEndpoints: [],
      managedSecurityGroups: [],
      service: undefined,
    });
  });

  it('gives a VPC with no subnets, endpoints or groups read empty lists', () => {
    // Prepare
    const bare: AccountSnapshot = { ...account, subnetsByVpc: new Map(), endpointsByVpc: new Map(), securityGroupsByVpc: new Map() };

    // Act
    const snapshot = vpcSnapshotOf(bare, 'vpc-a');

    // Assess
    expect(snapshot).toMatchObject({ subnets: [], managedEndpoints: [], managedSecurityGroups: [] });
  });
});

describe('withVpcDns', () => {
  it('leaves a VPC that is gone gone', () => {
    // Prepare
    const gone = vpcSnapshotOf(account, 'vpc-gone');

    // Act
    const snapshot = withVpcDns(gone, { enableDnsSupport: true, enableDnsHostnames: true });

    // Assess
    expect(snapshot.vpc).toBeUndefined();
  });
});

describe('serviceFacts: the AZ ids the service reports', () => {
  it('takes the AZ ids as reported when the service gives them, without mapping names', () => {
    // Prepare: the account's subnets would map eu-west-2a to euw2-az1; the reported ids win
    const subnets = [...account.subnetsByVpc.values()].flat();
    const details = {
      availabilityZoneIds: ['euw2-az3'],
      availabilityZoneNames: ['eu-west-2a'],
      privateDnsName: 'proxy.example.internal',
      privateDnsVerificationState: 'verified',
    };

    // Act
    const facts = serviceFacts(details, subnets);

    // Assess
    expect(facts).toEqual({
      availabilityZoneIds: new Set(['euw2-az3']),
      privateDnsName: 'proxy.example.internal',
      privateDnsVerificationState: 'verified',
    });
  });
});
