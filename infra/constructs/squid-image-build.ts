import { Duration, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { SQUID_CONTRACT } from '../squid-contract';

/**
 * What every CodeBuild project that builds the Squid image shares (the bootstrap build and the pipeline's build):
 * one place, so the first image and every later one are built on the same image, size and Docker setup.
 */
export interface SquidImageBuildOptions {
  readonly repository: ecr.IRepository;
  /** Baked into squid.conf by the image build: only the hub VPC may send PROXY protocol headers. */
  readonly hubVpcCidr: string;
  readonly logGroup: logs.ILogGroup;
  /** Variables of this build only, besides the repository and the hub CIDR every build gets. */
  readonly extraVariables?: Readonly<Record<string, string>>;
}

/** The project properties of a Squid image build; spread them into the project's own. */
export function squidImageBuildProps(options: SquidImageBuildOptions) {
  const variables: Record<string, string> = {
    REPOSITORY_URI: options.repository.repositoryUri,
    ...options.extraVariables,
    [SQUID_CONTRACT.hubCidrBuildArg]: options.hubVpcCidr,
  };
  return {
    environment: {
      buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
      computeType: codebuild.ComputeType.SMALL,
      // Docker builds need the Docker daemon, which CodeBuild runs only in privileged mode.
      privileged: true,
    },
    environmentVariables: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, { value }])),
    timeout: Duration.minutes(30),
    logging: { cloudWatch: { logGroup: options.logGroup } },
  } satisfies Partial<codebuild.ProjectProps>;
}

/**
 * Lets the build push the image, and look for its tag first (tags are immutable: both builds skip a tag that already
 * exists instead of failing on a second push). Acknowledges the privileged mode it needs.
 */
export function allowSquidImagePush(project: codebuild.Project, repository: ecr.IRepository): void {
  repository.grantPullPush(project);
  repository.grant(project, 'ecr:DescribeImages');
  Validations.of(project).acknowledge({
    id: 'AwsSolutions-CB3',
    reason: 'Privileged mode is required to run the Docker daemon that builds the Squid image.',
  });
}
