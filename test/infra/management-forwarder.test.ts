/* Template assertions (template.hasResourceProperties and friends) throw on mismatch. */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "template.*"] }] */
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { EgressApp } from '../../infra/app';
import { CONTROL_PLANE_FUNCTIONS } from '../../infra/control-plane-config';
import { forwarderRuleName } from '../../infra/constructs/forward-to-hub-bus';
import { actionsOf, buildControlPlaneTestApp, logicalIdOf, resourceOf, resourcesOf, statementsOf, TEST_ORG_ID } from './control-plane-app';
import { unacknowledgedFindings } from './support/nag';

const HUB_BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-2:222222222222:event-bus/EgressProxy-egress-control-plane']] };

describe('management forwarder stack', () => {
  let egress: EgressApp;
  let template: Template;

  beforeAll(() => {
    egress = buildControlPlaneTestApp({ managementAccount: '999999999999', enableRamSharingWithOrganization: 'true' });
    template = Template.fromStack(egress.controlPlane.management);
  });

  it('lives in the management account in us-east-1, where Organizations events arrive', () => {
    expect(egress.controlPlane.management.account).toBe('999999999999');
    expect(egress.controlPlane.management.region).toBe('us-east-1');
  });

  it('forwards organization membership events to the hub bus with a role limited to PutEvents there', () => {
    const forwarder = egress.controlPlane.management.forwarders[0]!;
    expect(resourceOf(template, forwarder.rule).Properties).toMatchObject({
      EventPattern: { source: ['aws.organizations'] },
      Targets: [{ Arn: HUB_BUS_ARN, RoleArn: { 'Fn::GetAtt': [logicalIdOf(forwarder.role), 'Arn'] } }],
    });
    expect(statementsOf(template, forwarder.role)).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS_ARN }),
    ]);
  });

  it('lets EventBridge assume the forwarder role only for its own rule in the management account (confused deputy)', () => {
    const forwarder = egress.controlPlane.management.forwarders[0]!;
    expect(resourceOf(template, forwarder.rule).Properties.Name).toBe('EgressProxy-ForwardOrganizationMembershipEvents');
    expect(resourceOf(template, forwarder.role).Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'events.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': '999999999999',
              'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:999999999999:rule/EgressProxy-ForwardOrganizationMembershipEvents']] },
            },
          },
        },
      ],
    });
  });

  it('gives the control plane a read-only Organizations role that only its execution roles can assume', () => {
    const role = egress.controlPlane.management.readRole.role;
    expect(resourceOf(template, role).Properties).toMatchObject({
      RoleName: 'EgressOrganizationsReadRole',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } },
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': CONTROL_PLANE_FUNCTIONS.map((fn) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::222222222222:role/EgressProxy-cp-${fn}`]] })) },
              StringEquals: { 'aws:PrincipalOrgID': TEST_ORG_ID },
            },
          },
        ],
      },
    });
    // Exactly the calls of functions/aws/organizations.ts; nothing that writes.
    expect(statementsOf(template, role).flatMap(actionsOf).sort()).toEqual([
      'organizations:DescribeAccount',
      'organizations:ListAWSServiceAccessForOrganization',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListParents',
      'organizations:ListRoots',
    ]);
  });

  it('scopes every Organizations read but ListRoots and ListAWSServiceAccessForOrganization to the organization\'s own account, OU and root ARNs', () => {
    const statements = statementsOf(template, egress.controlPlane.management.readRole.role);
    const orgArn = (type: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:organizations::999999999999:${type}/${TEST_ORG_ID}/*`]] });
    const resourcesFor = (action: string) => statements.filter((s) => actionsOf(s).includes(action)).flatMap(resourcesOf);
    expect(resourcesFor('organizations:ListRoots')).toEqual(['*']);
    expect(resourcesFor('organizations:ListAWSServiceAccessForOrganization')).toEqual(['*']);
    expect(resourcesFor('organizations:DescribeAccount')).toEqual([orgArn('account')]);
    expect(resourcesFor('organizations:ListParents')).toEqual([orgArn('account'), orgArn('ou')]);
    expect(resourcesFor('organizations:ListAccountsForParent')).toEqual([orgArn('ou'), orgArn('root')]);
    expect(resourcesFor('organizations:ListOrganizationalUnitsForParent')).toEqual([orgArn('ou'), orgArn('root')]);
  });

  it('enables RAM sharing with the organization when configured, with cdk-nag findings acknowledged', () => {
    template.hasResourceProperties('Custom::AWS', {
      Create: Match.serializedJson(Match.objectLike({ service: 'RAM', action: 'enableSharingWithAwsOrganization' })),
    });
    expect(unacknowledgedFindings(egress.app, egress.controlPlane.management)).toEqual([]);
  });

  it('leaves RAM sharing alone by default', () => {
    // Prepare
    const defaults = buildControlPlaneTestApp();
    // Assess
    Template.fromStack(defaults.controlPlane.management).resourceCountIs('Custom::AWS', 0);
  });
});

describe('forwarder rule names', () => {
  it('fit EventBridge\'s 64 characters, and long ones stay distinct', () => {
    const long = 'A'.repeat(30);
    const names = ['ForwardOrganizationMembershipEvents', 'ForwardOrganizationMembershipEventz'].map((id) => forwarderRuleName(long, id));
    for (const name of names) expect(name).toMatch(/^[\w.-]{1,64}$/);
    expect(new Set(names).size).toBe(2);
    expect(forwarderRuleName('EgressProxy', 'ForwardVpcProxyTagChanges')).toBe('EgressProxy-ForwardVpcProxyTagChanges');
  });
});
