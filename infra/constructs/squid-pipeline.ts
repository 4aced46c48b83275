import { Duration, RemovalPolicy, Validations, type CfnResource } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeCodeBuildWildcards, acknowledgeIamWildcards, nagReference, S3_READ_WILDCARDS } from '../nag-acknowledgements';
import type { PipelineSourceConfig } from '../config';
import { SQUID_CONTRACT } from '../squid-contract';
import { policyStoreStatements } from './policy-store';
import { allowSquidImagePush, squidImageBuildProps } from './squid-image-build';
import { SquidPipelineSource } from './squid-pipeline-source';

/** The build action's variable namespace: the Deploy stage reads `#{BuildImage.IMAGE_CHANGED}` from it. */
const BUILD_VARIABLES = 'BuildImage';

export interface SquidPipelineProps {
  readonly source: PipelineSourceConfig;
  readonly repository: ecr.IRepository;
  readonly service: ecs.IBaseService;
  /** Baked into squid.conf by the image build: only the hub VPC may send PROXY protocol headers. */
  readonly hubVpcCidr: string;
  readonly logRetention: logs.RetentionDays;
  /** The policy store's bucket: the build publishes the checked policy bundle there (buildspec.yml). */
  readonly policyBucketName: string;
}

/**
 * Source -> Build -> Deploy for the proxy configuration. The build (squid-config/buildspec.yml) checks
 * the allowlist and the policies, parses squid.conf, pushes an immutable image tag, publishes the policy
 * bundle to the policy store (every task applies it within a minute) and writes imagedefinitions.json; the
 * deploy stage rolls the ECS service to that image.
 */
export class SquidPipeline extends Construct {
  readonly pipeline: codepipeline.Pipeline;
  readonly project: codebuild.PipelineProject;
  readonly source: SquidPipelineSource;

  constructor(scope: Construct, id: string, props: SquidPipelineProps) {
    super(scope, id);
    const key = new kms.Key(this, 'ArtifactKey', {
      description: 'Encrypts the egress proxy pipeline artifacts and build output',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const artifactBucket = this.createArtifactBucket(key);

    this.source = new SquidPipelineSource(this, 'Source', { source: props.source, triggerPaths: SQUID_CONTRACT.sourcePaths });
    this.project = this.createBuildProject(props, key);
    const buildOutput = new codepipeline.Artifact('Image');

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket,
      restartExecutionOnUpdate: false,
      triggers: this.source.triggers,
      stages: [
        { stageName: 'Source', actions: [this.source.action] },
        {
          stageName: 'Build',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'BuildImage',
              project: this.project,
              input: this.source.output,
              outputs: [buildOutput],
              // The buildspec exports IMAGE_CHANGED: false when the service already runs the image (a policy-only commit).
              variablesNamespace: BUILD_VARIABLES,
            }),
          ],
        },
        {
          stageName: 'Deploy',
          // A commit that changed only policies was published by the build and needs no rollout: no task restarts.
          beforeEntry: {
            conditions: [
              {
                result: codepipeline.Result.SKIP,
                rules: [
                  new codepipeline.Rule({
                    name: 'ImageChanged',
                    provider: 'VariableCheck',
                    version: '1',
                    configuration: { Variable: `#{${BUILD_VARIABLES}.IMAGE_CHANGED}`, Value: 'true', Operator: 'EQ' },
                  }),
                ],
              },
            ],
          },
          actions: [
            new actions.EcsDeployAction({
              actionName: 'RollingDeploy',
              service: props.service,
              imageFile: buildOutput.atPath('imagedefinitions.json'),
              deploymentTimeout: Duration.minutes(30),
            }),
          ],
        },
      ],
    });
    this.acknowledgeGrantWildcards(artifactBucket);
  }

  /**
   * The wildcards in the roles CDK generates for the pipeline, its actions and the build, each accepted
   * by name. They are scoped to this pipeline's bucket, key, project and log group.
   */
  private acknowledgeGrantWildcards(artifactBucket: s3.Bucket): void {
    const bucket = nagReference(artifactBucket.node.defaultChild as CfnResource, 'Arn');
    acknowledgeIamWildcards(
      this,
      [...S3_READ_WILDCARDS, 'Action::s3:DeleteObject*', 'Action::s3:Abort*', `Resource::${bucket}/*`],
      'CDK artifact grants: read and write objects of this pipeline\'s own artifact bucket, whose keys are created per execution.',
    );
    acknowledgeIamWildcards(
      this,
      ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'],
      'CDK key grants on this pipeline\'s own artifact key (the statement names the key ARN).',
    );
    acknowledgeCodeBuildWildcards(this.project);
    acknowledgeIamWildcards(
      this,
      ['Resource::*'],
      'ecr:GetAuthorizationToken (build), ecs:DescribeTaskDefinition (build and deploy action) and ecs:DescribeServices/RegisterTaskDefinition (deploy action) do not support resource-level permissions.',
    );
  }

  private createArtifactBucket(key: kms.IKey): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only transient pipeline artifacts written and read by the pipeline roles; CloudTrail records the pipeline and build activity.',
    });
    return bucket;
  }

  private createBuildProject(props: SquidPipelineProps, key: kms.IKey): codebuild.PipelineProject {
    const logGroup = new logs.LogGroup(this, 'BuildLogs', { retention: props.logRetention });
    const project = new codebuild.PipelineProject(this, 'Build', {
      description: 'Checks the allowlist, the policies and squid.conf, builds and pushes the Squid image, publishes the policy bundle',
      buildSpec: codebuild.BuildSpec.fromSourceFilename(SQUID_CONTRACT.buildspecPath),
      ...squidImageBuildProps({
        repository: props.repository,
        hubVpcCidr: props.hubVpcCidr,
        logGroup,
        extraVariables: {
          CONTAINER_NAME: SQUID_CONTRACT.containerName,
          [SQUID_CONTRACT.policyBucketVariable]: props.policyBucketName,
          ECS_CLUSTER: props.service.cluster.clusterName,
          ECS_SERVICE: props.service.serviceName,
        },
      }),
      encryptionKey: key,
    });
    // The build skips pushing when the commit's immutable tag already exists (a re-run).
    allowSquidImagePush(project, props.repository);
    for (const statement of policyStoreStatements(props.policyBucketName, 'bundle')) project.addToRolePolicy(statement);
    // Which image the service runs now, so that an unchanged image is not rolled out again.
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [props.service.serviceArn] }));
    project.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTaskDefinition'], resources: ['*'] }));
    return project;
  }
}
