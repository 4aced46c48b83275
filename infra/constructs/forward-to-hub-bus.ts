import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { toCdkEventPattern } from '../../events/cdk-pattern';
import type { Route } from '../../events/routes';

export interface ForwardToHubBusProps {
  /** A route from events/routes.ts whose target is the hub bus. */
  readonly route: Route;
  readonly hubBusArn: string;
}

/**
 * A rule on this account's default bus that forwards matching events to the hub bus in another account (and
 * possibly region). Cross-account bus targets need a role EventBridge assumes; it may put events on the hub bus only.
 */
export class ForwardToHubBus extends Construct {
  readonly rule: events.Rule;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ForwardToHubBusProps) {
    super(scope, id);
    if (props.route.target.kind !== 'hub-bus') throw new Error(`route ${props.route.id} does not forward to the hub bus`);
    this.role = new iam.Role(this, 'Role', {
      description: `EventBridge forwards ${props.route.id} to the egress control plane's hub bus`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    });
    // The EventBus target grants the role exactly events:PutEvents on the hub bus ARN.
    this.rule = new events.Rule(this, 'Rule', {
      description: props.route.description,
      eventPattern: toCdkEventPattern(props.route.pattern),
      targets: [new targets.EventBus(events.EventBus.fromEventBusArn(this, 'HubBus', props.hubBusArn), { role: this.role })],
    });
  }
}
