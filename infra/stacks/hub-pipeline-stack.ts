import { CrossStackReferences, ReferenceStrength, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { policyStoreBucketName, type HubConfig } from '../config';
import { SquidPipeline } from '../constructs/squid-pipeline';

export interface HubPipelineStackProps extends StackProps {
  readonly config: HubConfig;
  readonly repository: ecr.IRepository;
  readonly service: ecs.IBaseService;
}

/**
 * The configuration pipeline, in its own stack so the data plane can be deployed, updated or rolled back
 * without touching the pipeline (and the other way round).
 */
export class HubPipelineStack extends Stack {
  readonly pipeline: SquidPipeline;

  constructor(scope: Construct, id: string, props: HubPipelineStackProps) {
    super(scope, id, props);
    // Strong references (exports) to the Hub stack, whatever the app's default: both stacks share account and region,
    // and a weak reference (Fn::GetStackOutput) inside the Fn::Split that CDK builds the repository URI with is
    // cfn-lint E1022. The exports also keep the Hub stack from dropping the repository or the service under the pipeline.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    this.pipeline = new SquidPipeline(this, 'SquidConfig', {
      source: props.config.pipelineSource,
      repository: props.repository,
      service: props.service,
      hubVpcCidr: props.config.vpcCidr,
      logRetention: props.config.logRetentionDays,
      // Named from the deployment, like the Hub stack's bucket: no cross-stack reference needed.
      policyBucketName: policyStoreBucketName(props.config),
    });
  }
}
