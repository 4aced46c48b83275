import { App, Tags } from 'aws-cdk-lib';
import { loadHubConfig, type HubConfig } from './config';
import { addAwsSolutionsChecks } from './nag-checks';
import type { HubDataPlaneStack } from './stacks/hub-data-plane-stack';
import type { HubPipelineStack } from './stacks/hub-pipeline-stack';
import { addHubStacks } from './stacks/hub-stacks';
import { addControlPlaneStacks, type ControlPlaneStacks } from './stacks/control-plane-stacks';

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
  readonly controlPlane: ControlPlaneStacks;
}

/**
 * Builds every stack of the egress proxy from validated context: the hub data plane and pipeline
 * (stacks/hub-stacks.ts), then the control plane (stacks/control-plane-stacks.ts). Every stack has an
 * explicit account and region, so synth needs no credentials and no lookups.
 */
export function buildApp(options: BuildAppOptions = {}): EgressApp {
  const app = new App({ context: options.context, outdir: options.outdir });
  const config = loadHubConfig((key) => app.node.tryGetContext(key));
  const { hub, pipeline } = addHubStacks(app, config);

  const controlPlane = addControlPlaneStacks(app, config, hub);

  Tags.of(app).add('egress-proxy:deployment', config.deploymentName);
  addAwsSolutionsChecks(app);
  return { app, config, hub, pipeline, controlPlane };
}

// The CDK CLI runs this file (cdk.json "app"); importing it from tests or tools builds nothing.
if (require.main === module) {
  buildApp().app.synth();
}
