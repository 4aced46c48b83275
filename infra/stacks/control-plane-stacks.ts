import type { App } from 'aws-cdk-lib';
import type { HubConfig } from '../config';
import { loadControlPlaneConfig, MANAGEMENT_REGION, type ControlPlaneConfig } from '../control-plane-config';
import { ControlPlaneStack } from './control-plane-stack';
import type { HubDataPlaneStack } from './hub-data-plane-stack';
import type { HubPipelineStack } from './hub-pipeline-stack';
import { ManagementForwarderStack } from './management-forwarder-stack';
import { spokeBaselineTemplate, type SpokeBaselineStack } from './spoke-baseline-stack';
import { SpokeBaselineStackSetStack } from './spoke-baseline-stackset-stack';

export interface ControlPlaneStacks {
  readonly config: ControlPlaneConfig;
  /** Hub account, hub region. */
  readonly controlPlane: ControlPlaneStack;
  /** Management account, us-east-1. */
  readonly management: ManagementForwarderStack;
  /** Management account (or delegated StackSets administrator), hub region. */
  readonly stackSet: SpokeBaselineStackSetStack;
  /** Synthesized inside its own stage as the StackSet's template; never deployed directly. */
  readonly spokeTemplate: SpokeBaselineStack;
}

/**
 * The control plane's stacks, one per account and region, from the same context as the hub. Deployment order
 * (the dependencies below make `cdk deploy --all` follow it): hub data plane, control plane (the bus and the
 * execution roles exist before anything forwards to or trusts them), management forwarder, spoke StackSet.
 */
export function addControlPlaneStacks(app: App, hubConfig: HubConfig, hub: HubDataPlaneStack, hubPipeline: HubPipelineStack): ControlPlaneStacks {
  const config = loadControlPlaneConfig((key) => app.node.tryGetContext(key), hubConfig);
  const prefix = hubConfig.deploymentName;
  const controlPlane = new ControlPlaneStack(app, `${prefix}-ControlPlane`, {
    env: hubConfig.env,
    config,
    endpointService: hub.endpointService,
    dataPlane: hub.monitored,
    pipeline: hubPipeline.pipeline.pipeline,
    description: 'Egress proxy control plane: hub bus, rules, queues, onboarding functions, reconciler and alarms',
  });
  const management = new ManagementForwarderStack(app, `${prefix}-Management`, {
    env: { account: config.managementAccount, region: MANAGEMENT_REGION },
    config,
    description: 'Egress proxy management account: organization event forwarding and the Organizations read role',
  });
  management.addStackDependency(controlPlane, 'the hub bus must exist before events are forwarded to it');
  const spokeTemplate = spokeBaselineTemplate(app, config);
  const stackSet = new SpokeBaselineStackSetStack(app, `${prefix}-SpokeBaselineStackSet`, {
    env: { account: config.stackSet.account, region: hubConfig.env.region },
    config,
    template: spokeTemplate,
    description: 'Egress proxy spoke baseline StackSet: deploys the spoke role and tag forwarding to the target OUs',
  });
  stackSet.addStackDependency(management, 'spokes are onboarded only once the control plane can read the organization');
  return { config, controlPlane, management, stackSet, spokeTemplate };
}
