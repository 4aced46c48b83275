import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
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
  /** Prefixes the rule's name, so two deployments' forwarders can live in one account. */
  readonly deploymentName: string;
}

/** EventBridge rule names: at most 64 of [.-_A-Za-z0-9]. */
const MAX_RULE_NAME = 64;

/** `<deploymentName>-<route id>`, shortened with a digest of the full name when that is too long. */
export function forwarderRuleName(deploymentName: string, routeId: string): string {
  const name = `${deploymentName}-${routeId}`;
  if (name.length <= MAX_RULE_NAME) return name;
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_RULE_NAME - digest.length - 1)}-${digest}`;
}

/**
 * A rule on this account's default bus that forwards matching events to the hub bus in another account (and
 * possibly region). Cross-account bus targets need a role EventBridge assumes; it may put events on the hub bus only,
 * and EventBridge may assume it only on behalf of this rule in this account (aws:SourceArn must be the rule's ARN for
 * event bus rule targets). The rule has a fixed name so the trust policy can name it without a reference cycle (the
 * rule names the role as its target's role).
 */
export class ForwardToHubBus extends Construct {
  readonly rule: events.Rule;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ForwardToHubBusProps) {
    super(scope, id);
    if (props.route.target.kind !== 'hub-bus') throw new Error(`route ${props.route.id} does not forward to the hub bus`);
    const stack = Stack.of(this);
    const ruleName = forwarderRuleName(props.deploymentName, props.route.id);
    this.role = new iam.Role(this, 'Role', {
      description: `EventBridge forwards ${props.route.id} to the egress control plane's hub bus`,
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName }),
        },
      }),
    });
    // The EventBus target grants the role exactly events:PutEvents on the hub bus ARN.
    this.rule = new events.Rule(this, 'Rule', {
      ruleName,
      description: props.route.description,
      eventPattern: toCdkEventPattern(props.route.pattern),
      targets: [new targets.EventBus(events.EventBus.fromEventBusArn(this, 'HubBus', props.hubBusArn), { role: this.role })],
    });
  }
}
