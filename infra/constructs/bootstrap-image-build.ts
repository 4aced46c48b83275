import { cpSync } from 'node:fs';
import { join, sep } from 'node:path';
import { AssetHashType, CfnWaitCondition, CfnWaitConditionHandle, DockerImage, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { buildFleetBundlesSync } from '../../squid-config/fleet/build-bundles';
import { acknowledgeCodeBuildWildcards, acknowledgeIamWildcards, S3_READ_WILDCARDS } from '../nag-acknowledgements';
import { SQUID_CONTRACT } from '../squid-contract';
import { allowSquidImagePush, squidImageBuildProps } from './squid-image-build';

export interface BootstrapImageBuildProps {
  readonly repository: ecr.IRepository;
  /** The tag the service starts with; built only if the repository does not hold it yet. */
  readonly imageTag: string;
  readonly hubVpcCidr: string;
  readonly logRetention: logs.RetentionDays;
  /** The squid-config directory shipped with this app. */
  readonly sourceDirectory?: string;
}

/**
 * Makes the first deployment self-contained: before the Fargate service is created, CodeBuild builds
 * the Squid image from the squid-config/ shipped with this app and pushes it under `imageTag`, so the
 * service has an image to start before the pipeline has ever run. No Docker is needed where `cdk deploy`
 * runs. CloudFormation waits on a wait condition that the build signals when it ends, success or not.
 * It runs once, when the stack is created; later images come from the pipeline.
 */
export class BootstrapImageBuild extends Construct {
  /** Make the service depend on this so it is created only once the image exists. */
  readonly imageReady: CfnWaitCondition;

  constructor(scope: Construct, id: string, props: BootstrapImageBuildProps) {
    super(scope, id);
    const source = new s3assets.Asset(this, 'SquidConfig', squidConfigWithFleetBundles(props.sourceDirectory ?? join(__dirname, '..', '..', 'squid-config')));
    const project = new codebuild.Project(this, 'Build', {
      description: 'Builds the first Squid image so the fleet can start before the pipeline runs',
      source: codebuild.Source.s3({ bucket: source.bucket, path: source.s3ObjectKey }),
      ...squidImageBuildProps({
        repository: props.repository,
        hubVpcCidr: props.hubVpcCidr,
        logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention }),
        extraVariables: { IMAGE_TAG: props.imageTag },
      }),
      buildSpec: codebuild.BuildSpec.fromObject(bootstrapBuildSpec()),
    });
    allowSquidImagePush(project, props.repository);
    Validations.of(project).acknowledge({
      id: 'AwsSolutions-CB4',
      reason: 'The project produces no build artifacts to encrypt; its only output is the image, encrypted at rest in ECR.',
    });

    const handle = new CfnWaitConditionHandle(this, 'Handle');
    const start = new cr.AwsCustomResource(this, 'Start', {
      onCreate: {
        service: 'CodeBuild',
        action: 'startBuild',
        parameters: {
          projectName: project.projectName,
          environmentVariablesOverride: [{ name: 'WAIT_HANDLE_URL', value: handle.ref, type: 'PLAINTEXT' }],
        },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('build.id'),
        // The whole Build object can exceed the 4 KB custom resource response limit.
        outputPaths: ['build.id'],
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [project.projectArn] }),
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'StartLogs', { retention: props.logRetention }),
    });
    this.imageReady = new CfnWaitCondition(this, 'ImageReady', { handle: handle.ref, count: 1, timeout: String(40 * 60) });
    this.imageReady.node.addDependency(start);

    acknowledgeIamWildcards(this, ['Resource::*'], 'ecr:GetAuthorizationToken does not support resource-level permissions.');
    acknowledgeIamWildcards(this, S3_READ_WILDCARDS, 'CDK asset grant: the build reads the squid-config source archive from the CDK assets bucket.');
    acknowledgeCodeBuildWildcards(project);
    this.acknowledgeCustomResourceProvider();
  }

  /** AwsCustomResource runs one Lambda function per stack, created beside (not under) this construct. */
  private acknowledgeCustomResourceProvider(): void {
    const provider = Stack.of(this).node.tryFindChild(CUSTOM_RESOURCE_PROVIDER_ID);
    if (!provider) throw new Error(`AwsCustomResource provider ${CUSTOM_RESOURCE_PROVIDER_ID} not found in the stack`);
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AwsCustomResource function only writes its own logs; the managed policy grants exactly that.',
    });
  }
}

/**
 * The squid-config directory plus the policy agent and helper bundles its Dockerfile copies from dist/fleet/
 * (the pipeline's buildspec runs `npm run build:fleet` for the same purpose). Bundled locally with esbuild at
 * synth time, like the control plane's functions; no Docker needed. Hashed by output, so a change of the
 * bundled dependencies makes a new asset too.
 */
function squidConfigWithFleetBundles(sourceDirectory: string): s3assets.AssetProps {
  return {
    path: sourceDirectory,
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-bookworm-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          const stale = join(sourceDirectory, 'dist');
          cpSync(sourceDirectory, outputDir, { recursive: true, filter: (path) => path !== stale && !path.startsWith(`${stale}${sep}`) });
          buildFleetBundlesSync(join(outputDir, 'dist', 'fleet'));
          return true;
        },
      },
    },
  };
}

/** The construct id AwsCustomResource gives its per-stack singleton function. */
const CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Build and push unless the tag already exists (immutable tags: a second push would fail), prove Squid
 * parses the config inside the image, then signal the wait condition with the outcome. Everything runs
 * in the build phase because post_build always runs, so the signal is sent even when the build fails.
 */
function bootstrapBuildSpec(): Record<string, unknown> {
  return {
    version: '0.2',
    env: { shell: 'bash' },
    phases: {
      build: {
        commands: [
          'IMAGE_URI="${REPOSITORY_URI}:${IMAGE_TAG}"',
          'aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"',
          [
            'if aws ecr describe-images --repository-name "${REPOSITORY_URI#*/}" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1; then',
            '  echo "image ${IMAGE_URI} already exists";',
            'else',
            `  docker build --pull --build-arg ${SQUID_CONTRACT.hubCidrBuildArg}="$${SQUID_CONTRACT.hubCidrBuildArg}" -t "$IMAGE_URI" . &&`,
            // The entrypoint's parse mode makes the ssl-bump port's certificate, then runs squid -k parse.
            '  docker run --rm "$IMAGE_URI" parse &&',
            '  docker push "$IMAGE_URI";',
            'fi',
          ].join('\n'),
        ],
      },
      post_build: {
        commands: [
          'if [ "$CODEBUILD_BUILD_SUCCEEDING" = "1" ]; then STATUS=SUCCESS; else STATUS=FAILURE; fi',
          'REASON="bootstrap image build ${CODEBUILD_BUILD_ID}: ${STATUS}"',
          'printf \'{"Status":"%s","Reason":"%s","UniqueId":"%s","Data":"%s"}\' "$STATUS" "$REASON" "$CODEBUILD_BUILD_ID" "$IMAGE_TAG" > signal.json',
          'curl -sS -X PUT -H "Content-Type:" --data-binary @signal.json "$WAIT_HANDLE_URL"',
        ],
      },
    },
  };
}
