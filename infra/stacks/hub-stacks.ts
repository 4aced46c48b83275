import type { App } from 'aws-cdk-lib';
import type { HubConfig } from '../config';
import { HubDataPlaneStack } from './hub-data-plane-stack';
import { HubPipelineStack } from './hub-pipeline-stack';

export interface HubStacks {
  readonly hub: HubDataPlaneStack;
  readonly pipeline: HubPipelineStack;
}

/**
 * The hub account's data plane and its configuration pipeline. Both get an explicit account and region,
 * and names from `deploymentName`, so synth needs no credentials and a second deployment only needs
 * another `deploymentName`. Deploy order: hub, then pipeline (the pipeline deploys to the hub's service).
 */
export function addHubStacks(app: App, config: HubConfig): HubStacks {
  declareAvailabilityZones(app, config);
  const prefix = config.deploymentName;
  const hub = new HubDataPlaneStack(app, `${prefix}-Hub`, {
    env: config.env,
    config,
    description: 'Egress proxy hub: Squid on Fargate behind an NLB exposed as a PrivateLink endpoint service',
  });
  const pipeline = new HubPipelineStack(app, `${prefix}-HubPipeline`, {
    env: config.env,
    config,
    repository: hub.repository,
    service: hub.service,
    description: 'Egress proxy hub: pipeline that rebuilds and rolls out the Squid image when squid-config changes',
  });
  return { hub, pipeline };
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
