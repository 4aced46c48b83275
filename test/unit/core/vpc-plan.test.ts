import { endpointClientToken } from '../../../functions/core/client-token';
import { vpcPlanActions } from '../../../functions/core/plan-actions';
import type { SubnetFacts } from '../../../functions/core/subnets';
import { isNoop, needsVpcDns, planVpc, writeBackTags, type EndpointFacts, type PresentPlan, type VpcPlan, type VpcSnapshot } from '../../../functions/core/vpc-plan';

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

describe('planVpc: endpoints in a dead state are replaced', () => {
  it.each(['rejected', 'failed', 'expired'])('deletes a %s endpoint and creates one that supersedes it', (state) => {
    // Prepare
    const dead = snapshot({ managedEndpoints: [endpoint('vpce-0dead', state)] });

    // Act
    const plan = planVpc(dead, inScope, settings);

    // Assess
    expect(plan).toMatchObject({
      kind: 'present',
      deleteEndpointIds: ['vpce-0dead'],
      endpoint: {
        action: 'create',
        clientToken: endpointClientToken({ vpcId: 'vpc-0abc', serviceName: SERVICE, subnetIds: ['subnet-0a', 'subnet-0b'], supersedesEndpointId: 'vpce-0dead' }),
      },
    });
  });

  it.each(['deleting', 'deleted', 'Deleting'])('creates a replacement for a %s endpoint without deleting it again', (state) => {
    // Prepare
    const going = snapshot({ managedEndpoints: [endpoint('vpce-0gone', state)] });

    // Act
    const plan = planVpc(going, inScope, settings);

    // Assess
    expect(plan).toMatchObject({
      kind: 'present',
      deleteEndpointIds: [],
      endpoint: {
        action: 'create',
        clientToken: endpointClientToken({ vpcId: 'vpc-0abc', serviceName: SERVICE, subnetIds: ['subnet-0a', 'subnet-0b'], supersedesEndpointId: 'vpce-0gone' }),
      },
    });
  });

  it('supersedes the lowest dead endpoint id whatever order DescribeVpcEndpoints lists them in (one token for every run)', () => {
    // Prepare
    const dead = [endpoint('vpce-0dead2', 'failed'), endpoint('vpce-0dead1', 'rejected'), endpoint('vpce-0dead3', 'expired')];

    // Act
    const plans = [planVpc(snapshot({ managedEndpoints: dead }), inScope, settings), planVpc(snapshot({ managedEndpoints: [...dead].reverse() }), inScope, settings)];

    // Assess
    const token = endpointClientToken({ vpcId: 'vpc-0abc', serviceName: SERVICE, subnetIds: ['subnet-0a', 'subnet-0b'], supersedesEndpointId: 'vpce-0dead1' });
    for (const plan of plans) {
      expect(plan).toMatchObject({ endpoint: { action: 'create', clientToken: token }, deleteEndpointIds: ['vpce-0dead1', 'vpce-0dead2', 'vpce-0dead3'] });
    }
  });

  it('keeps the live endpoint and leaves one already being deleted alone', () => {
    // Prepare
    const endpoints = [endpoint('vpce-0gone', 'deleting'), endpoint('vpce-01', 'available')];

    // Act
    const plan = planVpc(snapshot({ managedEndpoints: endpoints }), inScope, settings);

    // Assess
    expect(plan).toMatchObject({ endpoint: { action: 'keep', current: { endpointId: 'vpce-01' } }, deleteEndpointIds: [] });
  });
});

describe('planVpc: the plan for a tagged VPC, in full', () => {
  it('gives the reason and no warning for a plain creation', () => {
    // Act
    const plan = planVpc(snapshot(), inScope, settings);

    // Assess
    expect(plan).toMatchObject({ reason: 'VPC is tagged egress-proxy=enabled and active member', warnings: [] });
  });

  it('uses the lowest of several managed security groups and warns about the others', () => {
    // Prepare
    const groups = [
      { groupId: 'sg-02', ingressCidrs: [] },
      { groupId: 'sg-01', ingressCidrs: ['10.0.0.0/16', '10.1.0.0/16'] },
    ];

    // Act
    const plan = planVpc(snapshot({ managedEndpoints: [endpoint('vpce-01', 'available')], managedSecurityGroups: groups }), inScope, settings);

    // Assess
    expect(plan).toMatchObject({
      securityGroup: { groupId: 'sg-01', authorize: [], revoke: [] },
      warnings: ['several managed security groups; using sg-01'],
    });
  });

  it('authorizes and revokes CIDR blocks in sorted order', () => {
    // Prepare
    const base = snapshot({ managedSecurityGroups: [{ groupId: 'sg-01', ingressCidrs: ['10.9.0.0/16', '10.8.0.0/16', '10.0.0.0/16'] }] });
    const vpc = { ...base.vpc!, cidrBlocks: ['10.3.0.0/16', '10.0.0.0/16', '10.2.0.0/16'] };

    // Act
    const plan = planVpc({ ...base, vpc }, inScope, settings);

    // Assess
    expect(plan).toMatchObject({ securityGroup: { groupId: 'sg-01', authorize: ['10.2.0.0/16', '10.3.0.0/16'], revoke: ['10.8.0.0/16', '10.9.0.0/16'] } });
  });

  it('warns when it keeps one of several live endpoints, and deletes the others and the dead ones in id order', () => {
    // Prepare
    const endpoints = [endpoint('vpce-04', 'available'), endpoint('vpce-03', 'failed'), endpoint('vpce-02', 'available'), endpoint('vpce-01', 'pendingAcceptance')];

    // Act
    const plan = planVpc(snapshot({ managedEndpoints: endpoints }), inScope, settings);

    // Assess
    expect(plan).toMatchObject({
      endpoint: { action: 'keep', current: { endpointId: 'vpce-02' } },
      deleteEndpointIds: ['vpce-01', 'vpce-03', 'vpce-04'],
      warnings: ['found 3 live managed endpoints; keeping vpce-02'],
    });
  });

  it('gives no warning when it keeps the only live endpoint and the only managed security group', () => {
    // Prepare
    const converged = snapshot({
      managedEndpoints: [endpoint('vpce-01', 'available')],
      managedSecurityGroups: [{ groupId: 'sg-01', ingressCidrs: ['10.0.0.0/16', '10.1.0.0/16'] }],
    });

    // Act
    const plan = planVpc(converged, inScope, settings);

    // Assess
    expect(plan).toMatchObject({ endpoint: { action: 'keep' }, warnings: [] });
  });

  it('adds the missing AZs to an endpoint that also sits in a subnet the VPC no longer lists', () => {
    // Prepare
    const kept = endpoint('vpce-01', 'available', ['subnet-0gone', 'subnet-0a']);

    // Act
    const plan = planVpc(snapshot({ managedEndpoints: [kept] }), inScope, settings);

    // Assess
    expect(plan).toMatchObject({ endpoint: { action: 'keep', addSubnetIds: ['subnet-0b'] } });
  });

  it('names the supported AZs in order and every skipped subnet when no subnet is usable', () => {
    // Prepare
    const service = { ...snapshot().service!, availabilityZoneIds: new Set(['euw2-az2', 'euw2-az1']) };
    const subnets: SubnetFacts[] = [
      { subnetId: 'subnet-0c', availabilityZoneId: 'euw2-az3', mapPublicIpOnLaunch: false, tags: {} },
      { subnetId: 'subnet-0a', availabilityZoneId: 'euw2-az1', mapPublicIpOnLaunch: false, tags: { 'egress-proxy:subnet': 'false' } },
    ];

    // Act
    const plan = planVpc(snapshot({ service, subnets }), inScope, settings);

    // Assess
    expect(plan).toEqual({
      kind: 'blocked',
      reason:
        'no subnet of vpc-0abc is in an AZ the service supports (euw2-az1, euw2-az2): ' +
        'subnet-0c: AZ euw2-az3 is not supported by the service; subnet-0a: tagged egress-proxy:subnet=false',
    });
  });

  it('says only which AZs are supported when the VPC has no subnet at all', () => {
    // Act
    const plan = planVpc(snapshot({ subnets: [] }), inScope, settings);

    // Assess
    expect(plan).toEqual({ kind: 'blocked', reason: 'no subnet of vpc-0abc is in an AZ the service supports (euw2-az1, euw2-az2)' });
  });
});

describe('planVpc: removal, in full', () => {
  it('plans nothing to remove for a VPC that no longer exists', () => {
    // Act
    const plan = planVpc(snapshot({ vpc: undefined }), inScope, settings);

    // Assess
    expect(plan).toEqual({ kind: 'absent', reason: 'VPC vpc-0abc does not exist', deleteEndpointIds: [], deleteSecurityGroupIds: [], removeTagKeys: [] });
  });

  it('deletes managed endpoints and groups in id order, skipping endpoints already deleting or deleted', () => {
    // Prepare
    const base = snapshot({
      managedEndpoints: [endpoint('vpce-03', 'available'), endpoint('vpce-02', 'deleted'), endpoint('vpce-01', 'failed'), endpoint('vpce-04', 'Deleting')],
      managedSecurityGroups: [{ groupId: 'sg-02', ingressCidrs: [] }, { groupId: 'sg-01', ingressCidrs: [] }],
    });

    // Act
    const plan = planVpc({ ...base, vpc: { ...base.vpc!, tags: {} } }, inScope, settings);

    // Assess
    expect(plan).toMatchObject({ kind: 'absent', deleteEndpointIds: ['vpce-01', 'vpce-03'], deleteSecurityGroupIds: ['sg-01', 'sg-02'] });
  });
});

describe('writeBackTags: the endpoint id and proxy URL tags', () => {
  it('writes both tags on a VPC that has neither', () => {
    // Act
    const tags = writeBackTags({ Name: 'app' }, 'vpce-01', 'http://x:3128');

    // Assess
    expect(tags).toEqual({ 'egress-proxy-managed:endpoint-id': 'vpce-01', 'egress-proxy-managed:proxy-url': 'http://x:3128' });
  });

  it('writes the endpoint id and leaves the proxy URL tag alone while the URL is not known', () => {
    // Prepare
    const current = { 'egress-proxy-managed:endpoint-id': 'vpce-old', 'egress-proxy-managed:proxy-url': 'http://old:3128' };

    // Act
    const tags = writeBackTags(current, 'vpce-01', undefined);

    // Assess: no proxy-url key at all (a key with an undefined value would still be written)
    expect(tags).toStrictEqual({ 'egress-proxy-managed:endpoint-id': 'vpce-01' });
  });
});

describe('isNoop: a plan changes nothing only when every part of it is empty', () => {
  const keep = { action: 'keep' as const, current: endpoint('vpce-01', 'available'), addSubnetIds: [] };
  const converged = {
    kind: 'present' as const,
    reason: 'tagged',
    securityGroup: { groupId: 'sg-01', authorize: [], revoke: [] },
    endpoint: keep,
    deleteEndpointIds: [],
    warnings: [],
  };
  const nothingLeft = { kind: 'absent' as const, reason: 'untagged', deleteEndpointIds: [], deleteSecurityGroupIds: [], removeTagKeys: [] };

  it('counts a blocked VPC, a converged VPC and a VPC with nothing of ours left as no-ops', () => {
    // Act / Assess
    expect(isNoop({ kind: 'blocked', reason: 'service not visible' })).toBe(true);
    expect(isNoop(converged)).toBe(true);
    expect(isNoop(nothingLeft)).toBe(true);
  });

  it.each([
    ['an endpoint', { deleteEndpointIds: ['vpce-01'] }],
    ['a security group', { deleteSecurityGroupIds: ['sg-01'] }],
    ['write-back tags', { removeTagKeys: ['egress-proxy-managed:endpoint-id'] }],
    ['an endpoint and a security group', { deleteEndpointIds: ['vpce-01'], deleteSecurityGroupIds: ['sg-01'] }],
    ['a security group and tags', { deleteSecurityGroupIds: ['sg-01'], removeTagKeys: ['egress-proxy-managed:endpoint-id'] }],
  ])('counts removing %s as a change', (_, removals) => {
    // Act / Assess
    expect(isNoop({ ...nothingLeft, ...removals })).toBe(false);
  });

  it.each([
    ['an endpoint to create', { endpoint: { action: 'create' as const, subnetIds: ['subnet-0a'], privateDnsEnabled: true, clientToken: 'egress-1' } }],
    ['subnets to add', { endpoint: { ...keep, addSubnetIds: ['subnet-0b'] } }],
    ['a security group to create', { securityGroup: { groupId: undefined, authorize: ['10.0.0.0/16'], revoke: [] } }],
    ['a CIDR block to revoke', { securityGroup: { groupId: 'sg-01', authorize: [], revoke: ['10.9.0.0/16'] } }],
    ['an endpoint to delete', { deleteEndpointIds: ['vpce-02'] }],
  ])('counts a tagged VPC with %s as a change', (_, change) => {
    // Act / Assess
    expect(isNoop({ ...converged, ...change })).toBe(false);
  });
});

describe('isNoop agrees with the plan lines: a plan is a no-op exactly when it lists no action', () => {
  const keep = { action: 'keep' as const, current: endpoint('vpce-01', 'available'), addSubnetIds: [] };
  const present = (overrides: Partial<PresentPlan>): PresentPlan => ({
    kind: 'present',
    reason: 'tagged',
    securityGroup: { groupId: 'sg-01', authorize: [], revoke: [] },
    endpoint: keep,
    deleteEndpointIds: [],
    warnings: [],
    ...overrides,
  });

  it.each<[string, VpcPlan]>([
    ['a converged VPC', present({})],
    ['a VPC whose security group is missing, even with no CIDR block to authorize yet', present({ securityGroup: { groupId: undefined, authorize: [], revoke: [] } })],
    ['a VPC with a CIDR block to authorize', present({ securityGroup: { groupId: 'sg-01', authorize: ['10.1.0.0/16'], revoke: [] } })],
    ['a blocked VPC', { kind: 'blocked', reason: 'service not visible' }],
    ['an untagged VPC with nothing of ours', { kind: 'absent', reason: 'untagged', deleteEndpointIds: [], deleteSecurityGroupIds: [], removeTagKeys: [] }],
  ])('%s', (_, plan) => {
    // Act
    const actions = vpcPlanActions('123456789012', 'vpc-0abc', plan);

    // Assess
    expect(isNoop(plan)).toBe(actions.length === 0);
  });
});
