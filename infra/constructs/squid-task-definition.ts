import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';
import { SQUID_CONTRACT } from '../squid-contract';

export interface SquidTaskDefinitionProps {
  readonly repository: ecr.IRepository;
  /** The tag CloudFormation deploys; the pipeline later registers revisions with its own immutable tags. */
  readonly imageTag: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly logRetention: logs.RetentionDays;
  /** The policy store's bucket: the task's policy agent polls the bundle and the endpoint mapping there. */
  readonly policyBucketName: string;
}

/** The Fargate task: one hardened Squid container logging to CloudWatch. */
export class SquidTaskDefinition extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SquidTaskDefinitionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.container = this.taskDefinition.addContainer('Squid', {
      containerName: SQUID_CONTRACT.containerName,
      image: ecs.ContainerImage.fromEcrRepository(props.repository, props.imageTag),
      essential: true,
      readonlyRootFilesystem: SQUID_CONTRACT.readOnlyRootFilesystem,
      portMappings: [
        { name: 'proxy', containerPort: SQUID_CONTRACT.proxyPort, protocol: ecs.Protocol.TCP },
        { name: 'health', containerPort: SQUID_CONTRACT.healthPort, protocol: ecs.Protocol.TCP },
      ],
      healthCheck: {
        command: [...SQUID_CONTRACT.containerHealthCommand],
        // The same timings as the Dockerfile's HEALTHCHECK.
        interval: Duration.seconds(15),
        timeout: Duration.seconds(8),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      environment: {
        [SQUID_CONTRACT.policyBucketVariable]: props.policyBucketName,
        AWS_REGION: Stack.of(this).region,
      },
      // Every proxied connection holds two descriptors; the container default (1024) caps a task early.
      ulimits: [{ name: ecs.UlimitName.NOFILE, softLimit: 65536, hardLimit: 65536 }],
      // squid.conf's shutdown_lifetime (20 s) lets open tunnels finish inside this window before SIGKILL.
      stopTimeout: Duration.seconds(30),
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'squid',
        // A slow CloudWatch Logs API must not stall proxying; the buffer absorbs bursts.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The variables are a bucket name and the region, neither secret; they change only with the stack, which deploys a new task definition anyway',
    });
    acknowledgeIamWildcards(
      this.taskDefinition,
      ['Resource::*'],
      'The execution role needs ecr:GetAuthorizationToken, which IAM does not scope to a resource; image pulls are scoped to the repository.',
    );
    if (SQUID_CONTRACT.readOnlyRootFilesystem) this.mountScratchVolumes();
  }

  private mountScratchVolumes(): void {
    for (const containerPath of SQUID_CONTRACT.writablePaths) {
      const name = `scratch${containerPath.replace(/[^A-Za-z0-9]+/g, '-')}`;
      this.taskDefinition.addVolume({ name });
      this.container.addMountPoints({ sourceVolume: name, containerPath, readOnly: false });
    }
  }
}
