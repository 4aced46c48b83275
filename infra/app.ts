import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadHubConfig, type HubConfig } from './config';
import { HubDataPlaneStack } from './stacks/hub-data-plane-stack';
import { HubPipelineStack } from './stacks/hub-pipeline-stack';

export interface BuildAppOptions {
  /**
   * Context for the app. The CDK CLI passes cdk.json and `-c` values through the environment, so the CLI
   * entry point passes nothing; tests and tools pass `{ ...readCdkJsonContext(), ...overrides }`.
   */
  readonly context?: Record<string, unknown>;
  /** Where the cloud assembly goes; tests use a temporary directory. */
  readonly outdir?: string;
}

export interface EgressApp {
  readonly app: App;
  readonly config: HubConfig;
  readonly hub: HubDataPlaneStack;
  readonly pipeline: HubPipelineStack;
}

/**
 * Builds every stack of the egress proxy from validated context. Stacks are named from `deploymentName`
 * and given an explicit account and region, so synth needs no credentials and no lookups, and a second
 * deployment only needs another `deploymentName`. Control-plane stacks (issue 5) are added here too.
 */
export function buildApp(options: BuildAppOptions = {}): EgressApp {
  const app = new App({ context: options.context, outdir: options.outdir });
  const config = loadHubConfig((key) => app.node.tryGetContext(key));
  const env = config.env;
  const prefix = config.deploymentName;
  declareAvailabilityZones(app, config);

  const hub = new HubDataPlaneStack(app, `${prefix}-Hub`, {
    env,
    config,
    description: 'Egress proxy hub: Squid on Fargate behind an NLB exposed as a PrivateLink endpoint service',
  });
  const pipeline = new HubPipelineStack(app, `${prefix}-HubPipeline`, {
    env,
    config,
    repository: hub.repository,
    service: hub.service,
    description: 'Egress proxy hub: pipeline that rebuilds and rolls out the Squid image when squid-config changes',
  });

  Tags.of(app).add('egress-proxy:deployment', prefix);
  // cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged finding fails synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config, hub, pipeline };
}

/**
 * Stacks with an explicit account look their AZ names up in the account unless the context already holds
 * them. Declaring the configured names keeps synth offline; a value cached by a real lookup
 * (cdk.context.json) takes precedence.
 */
function declareAvailabilityZones(app: App, config: HubConfig): void {
  const key = `availability-zones:account=${config.env.account}:region=${config.env.region}`;
  if (app.node.tryGetContext(key) === undefined) app.node.setContext(key, [...config.availabilityZones]);
}

// The CDK CLI runs this file (cdk.json "app"); importing it from tests or tools builds nothing.
if (require.main === module) {
  buildApp().app.synth();
}
