import { App, Tags } from 'aws-cdk-lib';
import { CONTEXT_KEYS, InvalidConfiguration, loadHubConfig, type HubConfig } from './config';
import { CONTROL_PLANE_CONTEXT_KEYS, loadControlPlaneConfig } from './control-plane-config';
import { ProblemCollector } from './validation/problems';
import { unknownSettings } from './validation/unknown-settings';
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
  const config = validateContext(app);
  const { hub, pipeline } = addHubStacks(app, config);

  const controlPlane = addControlPlaneStacks(app, config, hub, pipeline);

  Tags.of(app).add('egress-proxy:deployment', config.deploymentName);
  addAwsSolutionsChecks(app);
  return { app, config, hub, pipeline, controlPlane };
}

/**
 * Every setting of the app checked before any stack is built, every problem reported at once: unknown keys, the
 * hub's settings and the control plane's (which `addControlPlaneStacks` reads again, valid by then).
 */
function validateContext(app: App): HubConfig {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const problems = new ProblemCollector();
  for (const problem of unknownSettings(app.node.getAllContext() as Record<string, unknown>, [...CONTEXT_KEYS, ...CONTROL_PLANE_CONTEXT_KEYS])) {
    problems.add(problem);
  }
  const hub = problems.check(() => loadHubConfig(context));
  // The control plane's checks do not depend on the hub's: they run even when the hub's settings fail.
  problems.check(() => loadControlPlaneConfig(context, hub ?? ({} as HubConfig)));
  problems.throwIfAny();
  return hub as HubConfig;
}

// The CDK CLI runs this file (cdk.json "app"); importing it from tests or tools builds nothing.
if (require.main === module) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // The settings' problems are for people: one line each, no stack trace around them.
    if (!(error instanceof InvalidConfiguration)) throw error;
    process.stderr.write(`the CDK context (cdk.json or -c) has ${error.problems.length} invalid setting(s):\n${error.problems.map((problem) => `  - ${problem.message}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}
