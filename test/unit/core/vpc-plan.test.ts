import { endpointClientToken } from '../../../functions/core/client-token';
import { isNoop, needsVpcDns, planVpc, writeBackTags, type EndpointFacts, type VpcSnapshot } from '../../../functions/core/vpc-plan';

const SERVICE = 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0';
const settings = { serviceName: SERVICE, proxyTag: { key: 'egress-proxy', value: 'enabled' }, proxyPort: 3128 };
const inScope = { inScope: true as const, reason: 'active member' };

function snapshot(overrides: Partial<VpcSnapshot> = {}): VpcSnapshot {
  return {
    accountId: '123456789012',
    vpcId: 'vpc-0abc',
    vpc: {
      tags: { 'egress-proxy': 'enabled' },
      cidrBlocks: ['10.0.0.0/16', '10.1.0.0/16'],
      dns: { enableDnsSupport: true, enableDnsHostnames: true },
    },
    subnets: [
      { subnetId: 'subnet-0a', availabilityZoneId: 'euw2-az1', mapPublicIpOnLaunch: false, tags: {} },
      { subnetId: 'subnet-0b', availabilityZoneId: 'euw2-az2', mapPublicIpOnLaunch: false, tags: {} },
      { subnetId: 'subnet-0c', availabilityZoneId: 'euw2-az3', mapPublicIpOnLaunch: false, tags: {} },
    ],
    managedEndpoints: [],
    managedSecurityGroups: [],
    service: {
      availabilityZoneIds: new Set(['euw2-az1', 'euw2-az2']),
      privateDnsName: 'proxy.egress.internal',
      privateDnsVerificationState: 'verified',
    },
    ...overrides,
  };
}

const endpoint = (endpointId: string, state: string, subnetIds = ['subnet-0a', 'subnet-0b']): EndpointFacts => ({
  endpointId,
  state,
  subnetIds,
  dnsName: `${endpointId}.vpce.amazonaws.com`,
  privateDnsEnabled: true,
});

describe('planVpc: tagged VPC of an in-scope account', () => {
  it('creates a security group for every CIDR block and one endpoint in supported AZs with private DNS', () => {
    const plan = planVpc(snapshot(), inScope, settings);
    expect(plan).toMatchObject({
      kind: 'present',
      securityGroup: { groupId: undefined, authorize: ['10.0.0.0/16', '10.1.0.0/16'], revoke: [] },
      endpoint: {
        action: 'create',
        subnetIds: ['subnet-0a', 'subnet-0b'],
        privateDnsEnabled: true,
        clientToken: endpointClientToken({ vpcId: 'vpc-0abc', serviceName: SERVICE, subnetIds: ['subnet-0a', 'subnet-0b'] }),
      },
      deleteEndpointIds: [],
      warnings: [],
    });
  });

  it('keeps an existing endpoint and changes nothing when converged', () => {
    const plan = planVpc(
      snapshot({
        managedEndpoints: [endpoint('vpce-01', 'available')],
        managedSecurityGroups: [{ groupId: 'sg-01', ingressCidrs: ['10.0.0.0/16', '10.1.0.0/16'] }],
      }),
      inScope,
      settings,
    );
    expect(plan).toMatchObject({ kind: 'present', endpoint: { action: 'keep', addSubnetIds: [] } });
    expect(isNoop(plan)).toBe(true);
  });

  it('updates the security group when the VPC gains or loses a CIDR block', () => {
    const plan = planVpc(
      snapshot({
        managedEndpoints: [endpoint('vpce-01', 'available')],
        managedSecurityGroups: [{ groupId: 'sg-01', ingressCidrs: ['10.0.0.0/16', '10.9.0.0/16'] }],
      }),
      inScope,
      settings,
    );
    expect(plan).toMatchObject({ securityGroup: { groupId: 'sg-01', authorize: ['10.1.0.0/16'], revoke: ['10.9.0.0/16'] } });
    expect(isNoop(plan)).toBe(false);
  });

  it('keeps exactly one live endpoint: the available one, deleting the extra', () => {
    const plan = planVpc(snapshot({ managedEndpoints: [endpoint('vpce-01', 'pendingAcceptance'), endpoint('vpce-02', 'available')] }), inScope, settings);
    expect(plan).toMatchObject({ endpoint: { action: 'keep', current: { endpointId: 'vpce-02' } }, deleteEndpointIds: ['vpce-01'] });
  });

  it('replaces a rejected endpoint with a new one whose token names the one it supersedes', () => {
    const plan = planVpc(snapshot({ managedEndpoints: [endpoint('vpce-0dead', 'rejected')] }), inScope, settings);
    expect(plan).toMatchObject({
      kind: 'present',
      deleteEndpointIds: ['vpce-0dead'],
      endpoint: {
        action: 'create',
        clientToken: endpointClientToken({
          vpcId: 'vpc-0abc',
          serviceName: SERVICE,
          subnetIds: ['subnet-0a', 'subnet-0b'],
          supersedesEndpointId: 'vpce-0dead',
        }),
      },
    });
  });

  it('adds subnets for AZs the existing endpoint does not cover yet', () => {
    const plan = planVpc(snapshot({ managedEndpoints: [endpoint('vpce-01', 'available', ['subnet-0a'])] }), inScope, settings);
    expect(plan).toMatchObject({ endpoint: { action: 'keep', addSubnetIds: ['subnet-0b'] } });
  });

  it('turns private DNS off with a warning when the VPC lacks DNS hostnames', () => {
    const base = snapshot();
    const plan = planVpc(
      { ...base, vpc: { ...base.vpc!, dns: { enableDnsSupport: true, enableDnsHostnames: false } } },
      inScope,
      settings,
    );
    expect(plan).toMatchObject({ endpoint: { privateDnsEnabled: false }, warnings: ['private DNS off: the VPC lacks enableDnsHostnames'] });
  });

  it('is blocked, with the skipped subnets named, when no subnet is in a supported AZ', () => {
    const plan = planVpc(snapshot({ subnets: [{ subnetId: 'subnet-0c', availabilityZoneId: 'euw2-az3', mapPublicIpOnLaunch: false, tags: {} }] }), inScope, settings);
    expect(plan.kind).toBe('blocked');
    expect(plan.reason).toContain('subnet-0c: AZ euw2-az3 is not supported by the service');
  });

  it('is blocked when the service is not visible to the account', () => {
    expect(planVpc(snapshot({ service: undefined }), inScope, settings)).toEqual({
      kind: 'blocked',
      reason: `service ${SERVICE} is not visible to account 123456789012`,
    });
  });
});

describe('planVpc: nothing wanted', () => {
  const ours = {
    managedEndpoints: [endpoint('vpce-01', 'available'), endpoint('vpce-02', 'deleting')],
    managedSecurityGroups: [{ groupId: 'sg-01', ingressCidrs: [] }],
  };

  it('removes only managed resources and the write-back tags when the tag is gone', () => {
    const base = snapshot(ours);
    const plan = planVpc(
      { ...base, vpc: { ...base.vpc!, tags: { Name: 'app', 'egress-proxy-managed:endpoint-id': 'vpce-01' } } },
      inScope,
      settings,
    );
    expect(plan).toEqual({
      kind: 'absent',
      reason: 'VPC is not tagged egress-proxy=enabled',
      deleteEndpointIds: ['vpce-01'],
      deleteSecurityGroupIds: ['sg-01'],
      removeTagKeys: ['egress-proxy-managed:endpoint-id'],
    });
  });

  it('treats a tag with another value as not tagged', () => {
    const base = snapshot();
    expect(planVpc({ ...base, vpc: { ...base.vpc!, tags: { 'egress-proxy': 'disabled' } } }, inScope, settings).kind).toBe('absent');
  });

  it('removes our resources from a tagged VPC when the account left the scope', () => {
    const plan = planVpc(snapshot(ours), { inScope: false, reason: 'account is SUSPENDED' }, settings);
    expect(plan).toMatchObject({ kind: 'absent', reason: 'account is SUSPENDED', deleteEndpointIds: ['vpce-01'] });
  });

  it('is a no-op for an untagged VPC we never touched', () => {
    const base = snapshot();
    const plan = planVpc({ ...base, vpc: { ...base.vpc!, tags: {} } }, inScope, settings);
    expect(isNoop(plan)).toBe(true);
  });
});

describe('writeBackTags', () => {
  it('returns only the tags that differ', () => {
    const current = { 'egress-proxy-managed:endpoint-id': 'vpce-01' };
    expect(writeBackTags(current, 'vpce-01', 'http://x:3128')).toEqual({ 'egress-proxy-managed:proxy-url': 'http://x:3128' });
    expect(writeBackTags({ ...current, 'egress-proxy-managed:proxy-url': 'http://x:3128' }, 'vpce-01', 'http://x:3128')).toEqual({});
  });
});

describe('planVpc: service not visible because the account lost its principal', () => {
  const invisible = snapshot({ service: undefined });

  it('is blocked when nothing earlier in the plan restores the principal', () => {
    expect(planVpc(invisible, inScope, settings)).toEqual({
      kind: 'blocked',
      reason: `service ${SERVICE} is not visible to account 123456789012`,
    });
  });

  it('plans the endpoint after the principal when the same plan adds the principal', () => {
    const plan = planVpc(invisible, inScope, settings, { principalPlanned: true });
    expect(plan).toMatchObject({
      kind: 'present',
      reason: expect.stringContaining("the endpoint is created once the account's principal is allowed") as string,
      securityGroup: { groupId: undefined, authorize: ['10.0.0.0/16', '10.1.0.0/16'], revoke: [] },
      // The service's AZs are unknown: every AZ of the VPC stands in, and private DNS stays off.
      endpoint: { action: 'create', awaitsPrincipal: true, subnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'], privateDnsEnabled: false },
      deleteEndpointIds: [],
    });
    expect(plan.kind === 'present' && plan.warnings.some((w) => w.includes('provisional'))).toBe(true);
    expect(isNoop(plan)).toBe(false);
  });

  it('keeps a live endpoint without guessing at new AZs when the principal is planned', () => {
    const plan = planVpc(
      snapshot({ service: undefined, managedEndpoints: [endpoint('vpce-01', 'available', ['subnet-0a'])] }),
      inScope,
      settings,
      { principalPlanned: true },
    );
    expect(plan).toMatchObject({ kind: 'present', endpoint: { action: 'keep', addSubnetIds: [] } });
  });

  it('marks nothing as awaiting the principal once the service is visible', () => {
    const plan = planVpc(snapshot(), inScope, settings, { principalPlanned: true });
    expect(plan.kind === 'present' && plan.endpoint.action === 'create' && plan.endpoint.awaitsPrincipal).toBeFalsy();
  });
});

describe('needsVpcDns: the two DescribeVpcAttribute calls are made only when the plan reads their answer', () => {
  const withoutDns = (overrides: Partial<VpcSnapshot> = {}): VpcSnapshot => {
    const base = snapshot(overrides);
    return base.vpc === undefined ? base : { ...base, vpc: { ...base.vpc, dns: undefined } };
  };
  const outOfScope = { inScope: false as const, reason: 'account left the scope' };
  const cases: [string, VpcSnapshot, typeof inScope | typeof outOfScope, boolean][] = [
    ['an endpoint to create with a verified private DNS name', withoutDns(), inScope, true],
    ['a live endpoint already there', withoutDns({ managedEndpoints: [endpoint('vpce-01', 'available')] }), inScope, false],
    ['only a dead endpoint (it is replaced)', withoutDns({ managedEndpoints: [endpoint('vpce-0dead', 'rejected')] }), inScope, true],
    ['a service without a private DNS name', withoutDns({ service: { ...snapshot().service!, privateDnsName: undefined } }), inScope, false],
    ['an unverified private DNS name', withoutDns({ service: { ...snapshot().service!, privateDnsVerificationState: 'pendingVerification' } }), inScope, false],
    ['an invisible service', withoutDns({ service: undefined }), inScope, false],
    ['an untagged VPC', withoutDns({ vpc: { tags: {}, cidrBlocks: ['10.0.0.0/16'], dns: undefined } }), inScope, false],
    ['an out-of-scope account', withoutDns(), outOfScope, false],
    ['a VPC that is gone', withoutDns({ vpc: undefined }), inScope, false],
  ];

  it.each(cases)('%s', (_, vpcSnapshot, scope, expected) => {
    expect(needsVpcDns(vpcSnapshot, scope, settings)).toBe(expected);
  });

  it.each(cases)('agrees with planVpc for %s: it plans without them exactly when they are not needed', (_, vpcSnapshot, scope, expected) => {
    const needsThem = (() => {
      try {
        planVpc(vpcSnapshot, scope, settings, { principalPlanned: true });
        return false;
      } catch (error) {
        return error instanceof Error && error.message.includes('needs its DNS attributes');
      }
    })();
    expect(needsThem).toBe(expected);
  });
});
