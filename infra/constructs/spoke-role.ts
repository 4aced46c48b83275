import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MANAGED_BY_TAG, MANAGED_TAG_PREFIX } from '../../functions/core/managed-tags';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';
import { controlPlaneTrust } from './control-plane-trust';

export interface SpokeRoleProps {
  readonly roleName: string;
  readonly hubAccount: string;
  readonly organizationId: string;
  /** The control plane execution roles that act in spokes. */
  readonly trustedRoleArns: readonly string[];
}

/**
 * The role VPC onboarding assumes in a spoke account: exactly the EC2 calls of functions/aws/spoke-vpc.ts (reads)
 * and functions/aws/spoke-writer.ts (writes). Writes are bound by tags wherever EC2 evaluates them: the control
 * plane creates security groups and endpoints only with its managed-by tag, changes and deletes only resources that
 * carry it, and tags VPCs only under its own key prefix. Endpoints may only be created to a service the hub owns.
 */
export class SpokeRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SpokeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Lets the egress control plane create and remove the proxy endpoint in this account\'s VPCs',
      assumedBy: controlPlaneTrust({ hubAccount: props.hubAccount, roleArns: props.trustedRoleArns, organizationId: props.organizationId }),
      inlinePolicies: { VpcOnboarding: new iam.PolicyDocument({ statements: spokeStatements(props.hubAccount) }) },
    });
    acknowledgeIamWildcards(this.role, ['Resource::*'], 'Only on EC2 Describe* calls, which support no resource-level permissions');
    acknowledgeIamWildcards(
      this.role,
      ['vpc', 'subnet', 'security-group', 'vpc-endpoint'].map(
        (type) => `Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:${type}/*`,
      ),
      'Ids are unknown until onboarding runs; this account and region only, and every write is bound by the managed-by tag, the hub as service owner, or the managed tag key prefix',
    );
  }
}

const arn = (resource: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}/*`;
const requestTagged = { StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG.key}`]: MANAGED_BY_TAG.value } };
const resourceTagged = { StringEquals: { [`ec2:ResourceTag/${MANAGED_BY_TAG.key}`]: MANAGED_BY_TAG.value } };

export function spokeStatements(hubAccount: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadVpcs',
      // EC2 Describe* calls support no resource-level permissions.
      actions: [
        'ec2:DescribeVpcs',
        'ec2:DescribeVpcAttribute',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeVpcEndpoints',
        'ec2:DescribeVpcEndpointServices',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'CreateSecurityGroupInVpc',
      actions: ['ec2:CreateSecurityGroup'],
      resources: [arn('vpc')],
    }),
    new iam.PolicyStatement({
      sid: 'CreateManagedSecurityGroup',
      actions: ['ec2:CreateSecurityGroup'],
      resources: [arn('security-group')],
      conditions: requestTagged,
    }),
    new iam.PolicyStatement({
      sid: 'CreateEndpointInVpc',
      actions: ['ec2:CreateVpcEndpoint'],
      resources: [arn('vpc'), arn('subnet'), arn('security-group')],
    }),
    new iam.PolicyStatement({
      sid: 'CreateManagedEndpointToHubService',
      actions: ['ec2:CreateVpcEndpoint'],
      resources: [arn('vpc-endpoint')],
      conditions: { StringEquals: { ...requestTagged.StringEquals, 'ec2:VpceServiceOwner': hubAccount } },
    }),
    new iam.PolicyStatement({
      sid: 'TagOnCreate',
      actions: ['ec2:CreateTags'],
      resources: [arn('security-group'), arn('vpc-endpoint')],
      conditions: { StringEquals: { 'ec2:CreateAction': ['CreateSecurityGroup', 'CreateVpcEndpoint'] } },
    }),
    new iam.PolicyStatement({
      sid: 'ManageManagedSecurityGroups',
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: [arn('security-group')],
      conditions: resourceTagged,
    }),
    new iam.PolicyStatement({
      sid: 'ManageManagedEndpoints',
      actions: ['ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints'],
      resources: [arn('vpc-endpoint')],
      conditions: resourceTagged,
    }),
    new iam.PolicyStatement({
      sid: 'AddEndpointSubnets',
      actions: ['ec2:ModifyVpcEndpoint'],
      resources: [arn('subnet'), arn('security-group')],
    }),
    new iam.PolicyStatement({
      sid: 'WriteBackVpcTags',
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [arn('vpc')],
      conditions: {
        'ForAllValues:StringLike': { 'aws:TagKeys': [`${MANAGED_TAG_PREFIX}*`] },
        // DeleteTags without keys deletes every tag, and ForAllValues holds for an empty set: require keys.
        Null: { 'aws:TagKeys': 'false' },
      },
    }),
  ];
}
