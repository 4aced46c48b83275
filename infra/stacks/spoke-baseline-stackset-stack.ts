import { Annotations, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type { Construct } from 'constructs';
import type { ControlPlaneConfig } from '../control-plane-config';
import { synthesizedTemplate, type SpokeBaselineStack } from './spoke-baseline-stack';

export interface SpokeBaselineStackSetStackProps extends StackProps {
  readonly config: ControlPlaneConfig;
  /** The synthesized spoke stack whose template every target account receives. */
  readonly template: SpokeBaselineStack;
}

/**
 * A service-managed StackSet in the management account (or a delegated StackSets administrator) that deploys the
 * spoke baseline to every account of the target OUs, including accounts that join later, and removes it from
 * accounts that leave. Deployed to the hub region only: the control plane serves VPCs in its own region, and the
 * spoke role is global (a second region would try to create it twice).
 */
export class SpokeBaselineStackSetStack extends Stack {
  readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: SpokeBaselineStackSetStackProps) {
    super(scope, id, props);
    const { config, template } = props;
    if (config.hubEndpointServiceName === undefined) {
      Annotations.of(this).addWarningV2(
        'egress:spoke-role-service-not-pinned',
        'The spoke role may create endpoints to any endpoint service of the hub account in the hub region: set ' +
          'hubEndpointServiceName to the Hub stack\'s EndpointServiceName output and deploy this stack again to pin it to the one service',
      );
    }
    this.stackSet = new cloudformation.CfnStackSet(this, 'SpokeBaseline', {
      stackSetName: `${config.hub.deploymentName}-spoke-baseline`,
      description: 'Egress proxy spoke baseline: the control plane role and the VPC tag forwarding rule',
      permissionModel: 'SERVICE_MANAGED',
      callAs: config.stackSet.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      // Resolved at synth, after the spoke stage is synthesized: the template is inlined, no asset bucket needed.
      templateBody: Lazy.string({ produce: () => JSON.stringify(synthesizedTemplate(template)) }),
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 10,
      },
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...config.spokeOrganizationalUnitIds] },
          regions: [config.hub.env.region],
        },
      ],
    });
  }
}
