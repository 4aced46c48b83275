import { vpcPlanActions } from '../../../functions/core/plan-actions';
import type { AbsentPlan, EndpointFacts, PresentPlan } from '../../../functions/core/vpc-plan';

const ACCOUNT = '123456789012';
const VPC = 'vpc-0abc';
const scope = { accountId: ACCOUNT, vpcId: VPC };
const current: EndpointFacts = { endpointId: 'vpce-01', state: 'available', subnetIds: ['subnet-0a'], dnsName: undefined, privateDnsEnabled: true };

function present(overrides: Partial<PresentPlan> = {}): PresentPlan {
  return {
    kind: 'present',
    reason: 'VPC is tagged egress-proxy=enabled and active member',
    securityGroup: { groupId: 'sg-01', authorize: [], revoke: [] },
    endpoint: { action: 'keep', current, addSubnetIds: [] },
    deleteEndpointIds: [],
    warnings: [],
    ...overrides,
  };
}

function absent(overrides: Partial<AbsentPlan> = {}): AbsentPlan {
  return { kind: 'absent', reason: 'VPC is not tagged egress-proxy=enabled', deleteEndpointIds: [], deleteSecurityGroupIds: [], removeTagKeys: [], ...overrides };
}

describe('vpcPlanActions: a VPC that must lose the proxy', () => {
  it('lists every managed endpoint and security group to delete and the write-back tags to remove, with the reason', () => {
    // Prepare
    const plan = absent({
      deleteEndpointIds: ['vpce-01', 'vpce-02'],
      deleteSecurityGroupIds: ['sg-01'],
      removeTagKeys: ['egress-proxy-managed:endpoint-id'],
    });

    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, plan);

    // Assess
    const reason = 'VPC is not tagged egress-proxy=enabled';
    expect(actions).toEqual([
      { action: 'vpc.delete-endpoint', scope: { ...scope, endpointId: 'vpce-01' }, reason },
      { action: 'vpc.delete-endpoint', scope: { ...scope, endpointId: 'vpce-02' }, reason },
      { action: 'vpc.delete-security-group', scope, reason, details: { groupId: 'sg-01' } },
      { action: 'vpc.remove-tags', scope, reason, details: { keys: ['egress-proxy-managed:endpoint-id'] } },
    ]);
  });

  it('lists nothing when nothing of ours is left', () => {
    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, absent());

    // Assess
    expect(actions).toEqual([]);
  });
});

describe('vpcPlanActions: a VPC that must have the proxy', () => {
  it('lists nothing for a converged VPC', () => {
    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, present());

    // Assess
    expect(actions).toEqual([]);
  });

  it('lists nothing for a blocked VPC', () => {
    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, { kind: 'blocked', reason: 'service not visible' });

    // Assess
    expect(actions).toEqual([]);
  });

  it('creates the security group, then the endpoint, for a newly tagged VPC', () => {
    // Prepare
    const endpoint = { action: 'create' as const, subnetIds: ['subnet-0a'], privateDnsEnabled: true, clientToken: 'egress-1' };
    const plan = present({ securityGroup: { groupId: undefined, authorize: ['10.0.0.0/16'], revoke: [] }, endpoint });

    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, plan);

    // Assess
    expect(actions).toEqual([
      { action: 'vpc.create-security-group', scope, reason: plan.reason, details: { authorize: ['10.0.0.0/16'] } },
      { action: 'vpc.create-endpoint', scope, reason: plan.reason, details: endpoint },
    ]);
  });

  it.each([
    ['gains a CIDR block', { groupId: 'sg-01', authorize: ['10.1.0.0/16'], revoke: [] }],
    ['loses a CIDR block', { groupId: 'sg-01', authorize: [], revoke: ['10.9.0.0/16'] }],
  ])('updates the security group when the VPC %s', (_, securityGroup) => {
    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, present({ securityGroup }));

    // Assess
    expect(actions).toEqual([{ action: 'vpc.update-security-group', scope, reason: 'the VPC CIDR blocks changed', details: securityGroup }]);
  });

  it('deletes superseded managed endpoints', () => {
    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, present({ deleteEndpointIds: ['vpce-02'] }));

    // Assess
    expect(actions).toEqual([{ action: 'vpc.delete-endpoint', scope: { ...scope, endpointId: 'vpce-02' }, reason: 'superseded managed endpoint' }]);
  });

  it('adds subnets to the kept endpoint for newly supported AZs', () => {
    // Act
    const actions = vpcPlanActions(ACCOUNT, VPC, present({ endpoint: { action: 'keep', current, addSubnetIds: ['subnet-0b'] } }));

    // Assess
    expect(actions).toEqual([
      {
        action: 'vpc.add-endpoint-subnets',
        scope: { ...scope, endpointId: 'vpce-01' },
        reason: 'cover newly supported AZs',
        details: { add: ['subnet-0b'] },
      },
    ]);
  });
});
