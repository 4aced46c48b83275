import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface RamOrganizationSharingProps {
  readonly logRetention: logs.RetentionDays;
}

/**
 * Turns on RAM sharing with the organization (management account only), so the discovery share reaches members
 * without invitations. Idempotent in RAM; nothing is undone on delete, because other shares may depend on it.
 */
export class RamOrganizationSharing extends Construct {
  constructor(scope: Construct, id: string, props: RamOrganizationSharingProps) {
    super(scope, id);
    const resource = new cr.AwsCustomResource(this, 'Enable', {
      onCreate: {
        service: 'RAM',
        action: 'enableSharingWithAwsOrganization',
        physicalResourceId: cr.PhysicalResourceId.of('ram-sharing-with-aws-organization'),
      },
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention }),
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          // RAM enables trusted access for itself in Organizations and creates its service-linked role.
          actions: ['ram:EnableSharingWithAwsOrganization', 'organizations:EnableAWSServiceAccess', 'organizations:DescribeOrganization'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: ['*'],
          conditions: { StringEquals: { 'iam:AWSServiceName': 'ram.amazonaws.com' } },
        }),
      ]),
    });
    acknowledgeIamWildcards(resource, ['Resource::*'], 'EnableSharingWithAwsOrganization and EnableAWSServiceAccess act on the organization and have no resource ARN');
    // The custom resource's provider function is a singleton at stack level, outside this construct.
    Validations.of(Stack.of(this)).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AwsCustomResource provider (CDK-managed, runs once per deployment) needs only its own logs',
    });
  }
}
