import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { hubBusPolicyStatements } from '../../events/hub-bus-policy';

export interface HubEventBusProps {
  readonly eventBusName: string;
  /** Members of this organization may forward their VPC tag changes. */
  readonly organizationId: string;
  /** The only account whose `egress-control-plane` events the bus takes. */
  readonly hubAccountId: string;
  /** The only account whose Organizations events the bus takes. */
  readonly managementAccountId: string;
}

/**
 * The hub's custom bus: spoke and management accounts forward to it, the control plane's rules read from it. Its
 * policy is events/hub-bus-policy.ts (the reasons are there): CDK makes one AWS::Events::EventBusPolicy per statement.
 */
export class HubEventBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: HubEventBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName });
    const statements = hubBusPolicyStatements({
      busArn: this.bus.eventBusArn,
      organizationId: props.organizationId,
      hubAccountId: props.hubAccountId,
      managementAccountId: props.managementAccountId,
    });
    for (const statement of statements) this.bus.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
  }
}
