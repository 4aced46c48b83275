import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildRoutes, routesOn } from '../../events/routes';
import { CONTROL_PLANE_FUNCTIONS, controlPlaneRoleArn, hubBusArn, routeOptions, type ControlPlaneConfig } from '../control-plane-config';
import { ForwardToHubBus } from '../constructs/forward-to-hub-bus';
import { OrganizationsReadRole } from '../constructs/organizations-read-role';
import { RamOrganizationSharing } from '../constructs/ram-organization-sharing';

export interface ManagementForwarderStackProps extends StackProps {
  readonly config: ControlPlaneConfig;
}

/**
 * The management account's part (us-east-1, where Organizations events are delivered): the rule forwarding
 * membership events to the hub bus, the read role the control plane assumes, and optionally RAM organization sharing.
 */
export class ManagementForwarderStack extends Stack {
  readonly forwarders: ForwardToHubBus[];
  readonly readRole: OrganizationsReadRole;

  constructor(scope: Construct, id: string, props: ManagementForwarderStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.forwarders = routesOn(buildRoutes(routeOptions(config)), 'management-default').map(
      (route) => new ForwardToHubBus(this, route.id, { route, hubBusArn: hubBusArn(config), deploymentName: config.hub.deploymentName }),
    );
    this.readRole = new OrganizationsReadRole(this, 'OrganizationsRead', {
      roleName: config.roleNames.organizationsRead,
      hubAccount: config.hub.env.account,
      organizationId: config.organizationId,
      // Every function re-reads accounts in Organizations.
      trustedRoleArns: CONTROL_PLANE_FUNCTIONS.map((fn) => controlPlaneRoleArn(config, fn)),
    });
    if (config.enableRamSharingWithOrganization) {
      const logRetention: logs.RetentionDays = config.hub.logRetentionDays;
      new RamOrganizationSharing(this, 'RamOrganizationSharing', { logRetention });
    }
  }
}
