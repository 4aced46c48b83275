/* Template assertions (template.hasResourceProperties and friends) throw on mismatch. */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "stackSetTemplate.*", "spokeTemplate.*"] }] */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { MANAGED_BY_TAG } from '../../functions/core/managed-tags';
import type { EgressApp } from '../../infra/app';
import {
  actionsOf,
  buildControlPlaneTestApp,
  grantsOf,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  statementsOf,
  TEST_ORG_ID,
  type PolicyStatementJson,
} from './control-plane-app';

const HUB_BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-2:222222222222:event-bus/EgressProxy-egress-control-plane']] };
const HUB_SERVICE_NAME = 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0';
const MANAGED_TAG_CONDITION = `aws:RequestTag/${MANAGED_BY_TAG.key}`;
const MANAGED_RESOURCE_CONDITION = `ec2:ResourceTag/${MANAGED_BY_TAG.key}`;

/** Every EC2 call in functions/aws/spoke-vpc.ts and functions/aws/spoke-writer.ts. */
const SPOKE_EC2_CALLS = [
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:CreateSecurityGroup',
  'ec2:CreateTags',
  'ec2:CreateVpcEndpoint',
  'ec2:DeleteSecurityGroup',
  'ec2:DeleteTags',
  'ec2:DeleteVpcEndpoints',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeVpcEndpointServices',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'ec2:ModifyVpcEndpoint',
  'ec2:RevokeSecurityGroupIngress',
];

describe('spoke baseline', () => {
  let egress: EgressApp;
  let stackSetTemplate: Template;
  let spokeTemplate: Template;
  let spokeRole: PolicyStatementJson[];

  beforeAll(() => {
    egress = buildControlPlaneTestApp({
      spokeOrganizationalUnitIds: 'ou-ab12-cdef3456,r-ab12',
      stackSetCallAs: 'DELEGATED_ADMIN',
      stackSetAccount: '666666666666',
      hubEndpointServiceName: HUB_SERVICE_NAME,
    });
    stackSetTemplate = Template.fromStack(egress.controlPlane.stackSet);
    spokeTemplate = Template.fromStack(egress.controlPlane.spokeTemplate);
    spokeRole = statementsOf(spokeTemplate, egress.controlPlane.spokeTemplate.spokeRole.role);
  });

  describe('StackSet', () => {
    it('deploys automatically to the target OUs as a service-managed StackSet from the delegated administrator', () => {
      expect(egress.controlPlane.stackSet.account).toBe('666666666666');
      stackSetTemplate.hasResourceProperties('AWS::CloudFormation::StackSet', {
        PermissionModel: 'SERVICE_MANAGED',
        CallAs: 'DELEGATED_ADMIN',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'r-ab12'] }, Regions: ['eu-west-2'] }],
      });
    });

    it('inlines the synthesized spoke template, which needs no bootstrap and no assets', () => {
      const resources = (stackSetTemplate.toJSON() as { Resources: Record<string, { Properties: { TemplateBody: string } }> }).Resources;
      const body = JSON.parse(Object.values(resources)[0]!.Properties.TemplateBody) as Record<string, unknown>;
      expect(body).toEqual(spokeTemplate.toJSON());
      expect(body).not.toHaveProperty('Parameters');
      expect(body).not.toHaveProperty('Rules');
    });
  });

  describe('spoke role', () => {
    it('is named for the functions and trusts only the control plane roles, inside the organization', () => {
      spokeTemplate.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'EgressProxySpokeRole',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } },
              Condition: {
                ArnEquals: {
                  'aws:PrincipalArn': [
                    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/EgressProxy-cp-vpc-onboarding']] },
                    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/EgressProxy-cp-connection-acceptance']] },
                    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/EgressProxy-cp-reconciler']] },
                    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/EgressProxy-cp-account-reconciler']] },
                  ],
                },
                StringEquals: { 'aws:PrincipalOrgID': TEST_ORG_ID },
              },
            },
          ],
        },
      });
    });

    it('allows exactly the EC2 calls VPC onboarding makes', () => {
      expect([...new Set(spokeRole.flatMap(actionsOf))].sort()).toEqual(SPOKE_EC2_CALLS);
    });

    it('uses "*" only for Describe calls', () => {
      const wildcard = spokeRole.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
      expect(wildcard.every((action) => action.startsWith('ec2:Describe'))).toBe(true);
    });

    it('creates endpoints only with the managed tag, to the hub\'s one endpoint service', () => {
      const onEndpoint = grantsOf(spokeRole, 'ec2:CreateVpcEndpoint').filter((s) => JSON.stringify(s.Resource).includes(':vpc-endpoint/'));
      expect(onEndpoint).toEqual([
        expect.objectContaining({
          Condition: {
            StringEquals: {
              [MANAGED_TAG_CONDITION]: MANAGED_BY_TAG.value,
              'ec2:VpceServiceOwner': '222222222222',
              'ec2:VpceServiceName': HUB_SERVICE_NAME,
            },
          },
        }),
      ]);
    });

    it('attaches only managed security groups to endpoints, on create and on modify', () => {
      const onGroups = [...grantsOf(spokeRole, 'ec2:CreateVpcEndpoint'), ...grantsOf(spokeRole, 'ec2:ModifyVpcEndpoint')].filter((s) =>
        JSON.stringify(s.Resource).includes(':security-group/'),
      );
      expect(onGroups).toEqual([
        expect.objectContaining({ Action: 'ec2:CreateVpcEndpoint', Condition: { StringEquals: { [MANAGED_RESOURCE_CONDITION]: MANAGED_BY_TAG.value } } }),
      ]);
    });

    it('has no Route 53 permission while the service has no private DNS name', () => {
      expect(grantsOf(spokeRole, 'route53:AssociateVPCWithHostedZone')).toEqual([]);
    });

    it('creates security groups only with the managed tag', () => {
      const onGroup = grantsOf(spokeRole, 'ec2:CreateSecurityGroup').filter((s) => JSON.stringify(s.Resource).includes(':security-group/'));
      expect(onGroup).toEqual([expect.objectContaining({ Condition: { StringEquals: { [MANAGED_TAG_CONDITION]: MANAGED_BY_TAG.value } } })]);
    });

    it('changes and deletes only endpoints and security groups that carry the managed tag', () => {
      for (const action of ['ec2:DeleteVpcEndpoints', 'ec2:DeleteSecurityGroup', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']) {
        const grants = grantsOf(spokeRole, action);
        expect(grants.length).toBeGreaterThan(0);
        for (const grant of grants) expect(grant.Condition).toEqual({ StringEquals: { [MANAGED_RESOURCE_CONDITION]: MANAGED_BY_TAG.value } });
      }
      const modifyEndpoint = grantsOf(spokeRole, 'ec2:ModifyVpcEndpoint').filter((s) => JSON.stringify(s.Resource).includes(':vpc-endpoint/'));
      expect(modifyEndpoint).toEqual([expect.objectContaining({ Condition: { StringEquals: { [MANAGED_RESOURCE_CONDITION]: MANAGED_BY_TAG.value } } })]);
    });

    it('tags VPCs only under the managed prefix, and never deletes every tag', () => {
      const onVpc = [...grantsOf(spokeRole, 'ec2:CreateTags'), ...grantsOf(spokeRole, 'ec2:DeleteTags')].filter((s) =>
        JSON.stringify(s.Resource).includes(':vpc/'),
      );
      expect(onVpc.length).toBeGreaterThan(0);
      for (const grant of onVpc) {
        expect(grant.Condition).toEqual({
          'ForAllValues:StringLike': { 'aws:TagKeys': ['egress-proxy-managed:*'] },
          Null: { 'aws:TagKeys': 'false' },
        });
      }
      const otherCreateTags = grantsOf(spokeRole, 'ec2:CreateTags').filter((s) => !JSON.stringify(s.Resource).includes(':vpc/'));
      for (const grant of otherCreateTags) {
        expect(grant.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': ['CreateSecurityGroup', 'CreateVpcEndpoint'] } });
      }
    });

    it('acts only in its own account and region', () => {
      for (const arn of spokeRole.flatMap(resourcesOf).filter((r) => r !== '*')) {
        expect(JSON.stringify(arn)).toContain('{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"}');
      }
    });
  });

  describe('tag forwarding rule', () => {
    it('forwards to the hub bus with a role that may only put events there', () => {
      const forwarder = egress.controlPlane.spokeTemplate.forwarders[0]!;
      spokeTemplate.hasResourceProperties('AWS::Events::Rule', {
        Targets: [{ Arn: HUB_BUS_ARN, Id: 'Target0', RoleArn: { 'Fn::GetAtt': [logicalIdOf(forwarder.role), 'Arn'] } }],
      });
      const statements = statementsOf(spokeTemplate, forwarder.role);
      expect(statements).toEqual([expect.objectContaining({ Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS_ARN })]);
      expect(resourceOf(spokeTemplate, forwarder.role).Properties).toMatchObject({
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }] },
      });
    });

    it('lets EventBridge assume the forwarder role only for its own rule in its own account (confused deputy)', () => {
      const forwarder = egress.controlPlane.spokeTemplate.forwarders[0]!;
      const ruleName = resourceOf(spokeTemplate, forwarder.rule).Properties.Name;
      expect(ruleName).toBe('EgressProxy-ForwardVpcProxyTagChanges');
      expect(resourceOf(spokeTemplate, forwarder.role).Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':rule/EgressProxy-ForwardVpcProxyTagChanges']],
                },
              },
            },
          },
        ],
      });
    });
  });
});

describe('spoke role before the hub\'s service name is configured', () => {
  let egress: EgressApp;
  let spokeRole: PolicyStatementJson[];

  beforeAll(() => {
    egress = buildControlPlaneTestApp({ hubEndpointServiceName: '' });
    spokeRole = statementsOf(Template.fromStack(egress.controlPlane.spokeTemplate), egress.controlPlane.spokeTemplate.spokeRole.role);
  });

  it('creates endpoints only to services the hub account owns in the hub region', () => {
    const onEndpoint = grantsOf(spokeRole, 'ec2:CreateVpcEndpoint').filter((s) => JSON.stringify(s.Resource).includes(':vpc-endpoint/'));
    expect(onEndpoint).toEqual([
      expect.objectContaining({
        Condition: {
          StringEquals: { [MANAGED_TAG_CONDITION]: MANAGED_BY_TAG.value, 'ec2:VpceServiceOwner': '222222222222' },
          StringLike: { 'ec2:VpceServiceName': 'com.amazonaws.vpce.eu-west-2.vpce-svc-*' },
        },
      }),
    ]);
  });

  it('warns at synth that the role is not pinned to the one service yet', () => {
    const warnings = Annotations.fromStack(egress.controlPlane.stackSet).findWarning('*', Match.stringLikeRegexp('hubEndpointServiceName'));
    expect(warnings).toHaveLength(1);
  });
});

describe('spoke role with a private DNS name on the hub service', () => {
  let spokeRole: PolicyStatementJson[];

  beforeAll(() => {
    const egress = buildControlPlaneTestApp({ privateDnsName: 'proxy.egress.example.com', hubEndpointServiceName: HUB_SERVICE_NAME });
    spokeRole = statementsOf(Template.fromStack(egress.controlPlane.spokeTemplate), egress.controlPlane.spokeTemplate.spokeRole.role);
  });

  it('may associate the endpoint\'s private hosted zone with VPCs of its own region only (CreateVpcEndpoint\'s dependent action)', () => {
    expect(grantsOf(spokeRole, 'route53:AssociateVPCWithHostedZone')).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/*']] },
        Condition: { StringLike: { 'route53:VPCs': { 'Fn::Join': ['', ['VPCId=vpc-*,VPCRegion=', { Ref: 'AWS::Region' }]] } } },
      }),
    ]);
  });
});
