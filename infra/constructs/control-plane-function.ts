import { join } from 'node:path';
import { Validations, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ControlPlaneFunction as FunctionName } from '../control-plane-config';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS } from '../function-bundling';

const REPO_ROOT = join(__dirname, '..', '..');

export interface ControlPlaneFunctionProps {
  readonly name: FunctionName;
  /** Fixed so the spoke and management roles can name it in their trust policies. */
  readonly roleName: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  /** The statements the function's calls need (control-plane-permissions.ts). */
  readonly statements: readonly iam.PolicyStatement[];
  /**
   * Retries of a failed asynchronous invocation (schedule, rule targets). @default Lambda's default (2)
   */
  readonly asyncRetryAttempts?: number;
  /**
   * Concurrency reserved for the function: both its guaranteed share of the account's pool and its ceiling.
   * @default none (the function shares the account's unreserved pool)
   */
  readonly reservedConcurrency?: number;
}

/** One control-plane Lambda: its own role (no managed policies), its own log group, bundled locally with esbuild. */
export class ControlPlaneFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ControlPlaneFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: `Execution role of the egress control plane's ${props.name} function`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        // Written out instead of AWSLambdaBasicExecutionRole, which may write to every log group of the account.
        Logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
        // A function whose only grants come from elsewhere (the policy store's) has no inline calls policy.
        ...(props.statements.length === 0 ? {} : { Calls: new iam.PolicyDocument({ statements: [...props.statements] }) }),
      },
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, 'functions', `${props.name}.ts`),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      ...(props.asyncRetryAttempts === undefined ? {} : { retryAttempts: props.asyncRetryAttempts }),
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: { ...props.environment, NODE_OPTIONS: FUNCTION_NODE_OPTIONS },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        sourceMap: FUNCTION_BUNDLING.sourceMap,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        // The pinned SDK from package-lock.json, not whatever version the runtime carries this month.
        bundleAwsSDK: true,
        forceDockerBundling: false,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The team targets nodejs22.x (DEVELOPERS.md); moving to a newer runtime is a deliberate, tested change',
    });
  }
}
