import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface HubEventBusProps {
  readonly eventBusName: string;
  /** Only principals of this organization may put events (the spoke and management forwarding rules' roles). */
  readonly organizationId: string;
}

/** The hub's custom bus: spoke and management accounts forward to it, the control plane's rules read from it. */
export class HubEventBus extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, props: HubEventBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName });
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PutEventsFromOrganization',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
  }
}
