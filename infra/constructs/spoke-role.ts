import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MANAGED_BY_TAG, MANAGED_TAG_PREFIX } from '../../functions/core/managed-tags';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';
import { controlPlaneTrust } from './control-plane-trust';

export interface SpokeRoleProps {
  readonly roleName: string;
  readonly hubAccount: string;
  readonly hubRegion: string;
  /** The hub's endpoint service name; undefined admits any service of the hub account in the hub region. */
  readonly hubEndpointServiceName: string | undefined;
  /** The hub service has a private DNS name: CreateVpcEndpoint with private DNS associates a Route 53 zone. */
  readonly privateDns: boolean;
  readonly organizationId: string;
  /** The control plane execution roles that act in spokes. */
  readonly trustedRoleArns: readonly string[];
}

/**
 * The role VPC onboarding assumes in a spoke account: exactly the EC2 calls of functions/aws/spoke-vpc.ts (reads)
 * and functions/aws/spoke-writer.ts (writes). Writes are bound by tags wherever EC2 evaluates them: the control
 * plane creates security groups and endpoints only with its managed-by tag, changes and deletes only resources that
 * carry it, and tags VPCs only under its own key prefix. Endpoints may only be created to the hub's endpoint
 * service, and only with managed security groups. What IAM cannot bind (the ports of the ingress rules it adds to
 * its own groups, the VPC's private hosted zone) is listed in infra/README.md, "The spoke role".
 */
export class SpokeRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SpokeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Lets the egress control plane create and remove the proxy endpoint in this account\'s VPCs',
      assumedBy: controlPlaneTrust({ hubAccount: props.hubAccount, roleArns: props.trustedRoleArns, organizationId: props.organizationId }),
      inlinePolicies: { VpcOnboarding: new iam.PolicyDocument({ statements: spokeStatements(props) }) },
    });
    acknowledgeIamWildcards(this.role, ['Resource::*'], 'Only on EC2 Describe* calls, which support no resource-level permissions');
    acknowledgeIamWildcards(
      this.role,
      ['vpc', 'subnet', 'security-group', 'vpc-endpoint'].map(
        (type) => `Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:${type}/*`,
      ),
      'Ids are unknown until onboarding runs; this account and region only, and every write is bound by the managed-by tag, the hub as service owner, or the managed tag key prefix',
    );
    if (props.privateDns) {
      acknowledgeIamWildcards(
        this.role,
        ['Resource::arn:<AWS::Partition>:route53:::hostedzone/*'],
        'The private hosted zone of an interface endpoint is created and owned by AWS, its id unknown beforehand; only VPCs of this region may be associated',
      );
    }
  }
}

const arn = (resource: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}/*`;
const requestTagged = { StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG.key}`]: MANAGED_BY_TAG.value } };
const resourceTagged = { StringEquals: { [`ec2:ResourceTag/${MANAGED_BY_TAG.key}`]: MANAGED_BY_TAG.value } };

export function spokeStatements(props: Pick<SpokeRoleProps, 'hubAccount' | 'hubRegion' | 'hubEndpointServiceName' | 'privateDns'>): iam.PolicyStatement[] {
  // ec2:VpceServiceName and ec2:VpceServiceOwner apply to the vpc-endpoint resource of CreateVpcEndpoint (Service
  // Authorization Reference). Without the configured name, the hub account's services in the hub region.
  const serviceName = props.hubEndpointServiceName === undefined
    ? { StringLike: { 'ec2:VpceServiceName': `com.amazonaws.vpce.${props.hubRegion}.vpce-svc-*` } }
    : undefined;
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
      resources: [arn('vpc'), arn('subnet')],
    }),
    new iam.PolicyStatement({
      // The security-group resource of CreateVpcEndpoint takes ec2:ResourceTag: only groups the control plane made.
      sid: 'CreateEndpointWithManagedSecurityGroup',
      actions: ['ec2:CreateVpcEndpoint'],
      resources: [arn('security-group')],
      conditions: resourceTagged,
    }),
    new iam.PolicyStatement({
      sid: 'CreateManagedEndpointToHubService',
      actions: ['ec2:CreateVpcEndpoint'],
      resources: [arn('vpc-endpoint')],
      conditions: {
        StringEquals: {
          ...requestTagged.StringEquals,
          'ec2:VpceServiceOwner': props.hubAccount,
          ...(props.hubEndpointServiceName === undefined ? {} : { 'ec2:VpceServiceName': props.hubEndpointServiceName }),
        },
        ...serviceName,
      },
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
      // Subnets only: the control plane never changes an endpoint's security groups, so it may not.
      sid: 'AddEndpointSubnets',
      actions: ['ec2:ModifyVpcEndpoint'],
      resources: [arn('subnet')],
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
    ...(props.privateDns ? [associatePrivateHostedZone()] : []),
  ];
}

/**
 * CreateVpcEndpoint with PrivateDnsEnabled lists route53:AssociateVPCWithHostedZone as a dependent action: the caller
 * associates the endpoint's AWS-owned private hosted zone with the VPC. The zone's id is unknown beforehand; the
 * route53:VPCs key (format `VPCId=<id>,VPCRegion=<region>`) keeps it to VPCs of this account's region.
 */
function associatePrivateHostedZone(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AssociateEndpointPrivateHostedZone',
    actions: ['route53:AssociateVPCWithHostedZone'],
    resources: [`arn:${Aws.PARTITION}:route53:::hostedzone/*`],
    conditions: { StringLike: { 'route53:VPCs': `VPCId=vpc-*,VPCRegion=${Aws.REGION}` } },
  });
}
