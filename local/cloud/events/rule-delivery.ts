/**
 * Bus-to-bus delivery by a rule, judged as EventBridge judges it: the rule's account is the principal (through the
 * role the target names), the target bus's policy decides, and the event keeps its own source, detail type and
 * account. AWS's reserved `aws.` sources travel this way (that is how a spoke forwards `aws.tag`).
 */
import type { CloudEvent, RuleAddress, RuleDeliveryAuthority } from '../api';
import { putEventsRefusal, type OrganizationMembership } from './bus-access';
import { busAddress, type EventBusRegistry } from './buses';

export function ruleDeliveryAuthority(buses: EventBusRegistry, organizations: OrganizationMembership): RuleDeliveryAuthority {
  return {
    ruleDeliveryRefusal(event: CloudEvent, rule: RuleAddress, targetBusArn: string): string | undefined {
      const target = busAddress(targetBusArn, rule);
      const bus = buses.find(target);
      if (bus === undefined) return `Event bus ${target.name} does not exist.`;
      const ruleArn = `arn:aws:events:${rule.region}:${rule.accountId}:rule/${rule.name}`;
      return putEventsRefusal(
        bus,
        { accountId: rule.accountId, arn: `arn:aws:iam::${rule.accountId}:root` },
        { source: event.source, detailType: event['detail-type'] },
        organizations,
        { ruleArn, accountId: rule.accountId },
      );
    },
  };
}
