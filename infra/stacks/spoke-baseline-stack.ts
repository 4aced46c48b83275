import { BootstraplessSynthesizer, Stack, Stage, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildRoutes, routesOn } from '../../events/routes';
import { controlPlaneRoleArn, hubBusArn, routeOptions, SPOKE_ACTING_FUNCTIONS, type ControlPlaneConfig } from '../control-plane-config';
import { ForwardToHubBus } from '../constructs/forward-to-hub-bus';
import { SpokeRole } from '../constructs/spoke-role';

export interface SpokeBaselineStackProps extends StackProps {
  readonly config: ControlPlaneConfig;
}

/**
 * What every spoke account carries (deployed by the StackSet in spoke-baseline-stackset-stack.ts, never directly):
 * the role the control plane assumes, and the rule forwarding proxy tag changes on VPCs to the hub bus.
 * Environment-agnostic and bootstrapless: StackSet instances run in accounts that were never CDK-bootstrapped.
 */
export class SpokeBaselineStack extends Stack {
  readonly spokeRole: SpokeRole;
  readonly forwarders: ForwardToHubBus[];

  constructor(scope: Construct, id: string, props: SpokeBaselineStackProps) {
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer() });
    const { config } = props;
    this.spokeRole = new SpokeRole(this, 'SpokeRole', {
      roleName: config.roleNames.spoke,
      hubAccount: config.hub.env.account,
      hubRegion: config.hub.env.region,
      hubEndpointServiceName: config.hubEndpointServiceName,
      privateDns: config.hub.privateDnsName !== undefined,
      organizationId: config.organizationId,
      trustedRoleArns: SPOKE_ACTING_FUNCTIONS.map((fn) => controlPlaneRoleArn(config, fn)),
    });
    this.forwarders = routesOn(buildRoutes(routeOptions(config)), 'spoke-default').map(
      (route) => new ForwardToHubBus(this, route.id, { route, hubBusArn: hubBusArn(config), deploymentName: config.hub.deploymentName }),
    );
  }
}

/** The spoke stack inside its own stage, so the app synthesizes (and cdk-nag checks) it without deploying it. */
export function spokeBaselineTemplate(scope: Construct, config: ControlPlaneConfig): SpokeBaselineStack {
  const stage = new Stage(scope, `${config.hub.deploymentName}-SpokeBaselineTemplate`);
  return new SpokeBaselineStack(stage, 'SpokeBaseline', {
    config,
    description: 'Egress proxy spoke baseline: the control plane role and the VPC tag forwarding rule',
  });
}

/** The synthesized template of a stack in a stage (the stage synthesizes once and caches the assembly). */
export function synthesizedTemplate(stack: Stack): unknown {
  const stage = Stage.of(stack);
  if (stage === undefined) throw new Error(`${stack.node.path} is not inside a stage`);
  return stage.synth().getStackArtifact(stack.artifactId).template;
}
