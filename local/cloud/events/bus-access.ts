/**
 * Who may put an event on a bus. The bus's own account needs no policy (IAM is not emulated: any principal of the
 * account holds the permission) unless the policy explicitly denies it; any other account needs the policy to
 * allow it. Each event is judged alone, with the condition keys EventBridge documents for PutEvents
 * (`events:source`, `events:detail-type`) and IAM's global principal keys.
 */
import { evaluateResourcePolicy } from '../core/resource-policy';
import type { EventBus } from './buses';

export interface BusPrincipal {
  readonly accountId: string;
  /** The caller's ARN: an account root, or an assumed-role session. */
  readonly arn: string;
}

export interface OrganizationMembership {
  /** The organization the account belongs to (`aws:PrincipalOrgID`), or undefined outside any. */
  organizationIdOf(accountId: string): string | undefined;
}

export interface EventFacts {
  readonly source: string;
  readonly detailType: string;
}

/** A rule's own delivery (a bus-to-bus target): `aws:SourceArn` and `aws:SourceAccount` name the rule. */
export interface RuleFacts {
  readonly ruleArn: string;
  readonly accountId: string;
}

const ACTION = 'events:PutEvents';

/** Why EventBridge refuses `principal`'s event on `bus` (AccessDeniedException's message), or undefined. */
export function putEventsRefusal(
  bus: EventBus,
  principal: BusPrincipal,
  event: EventFacts,
  organizations: OrganizationMembership,
  rule?: RuleFacts,
): string | undefined {
  const decision = evaluateResourcePolicy(bus.policy, {
    principal: { accountId: principal.accountId, arns: [principal.arn, ...roleOf(principal.arn)] },
    action: ACTION,
    resource: bus.arn,
    context: {
      'aws:principalaccount': principal.accountId,
      'aws:principalorgid': organizations.organizationIdOf(principal.accountId),
      'aws:principalarn': principal.arn,
      'events:source': event.source,
      'events:detail-type': event.detailType,
      'aws:sourceaccount': rule?.accountId,
      'aws:sourcearn': rule?.ruleArn,
    },
  });
  const refusal = `User: ${principal.arn} is not authorized to perform: ${ACTION} on resource: ${bus.arn}`;
  if (decision === 'explicit-deny') return `${refusal} with an explicit deny in a resource-based policy`;
  if (decision === 'allow' || principal.accountId === bus.accountId) return undefined;
  return `${refusal} because no resource-based policy allows the ${ACTION} action`;
}

/** A session `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` acts as its role for policies naming the role. */
function roleOf(arn: string): string[] {
  const session = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return session ? [`arn:${session[1]}:iam::${session[2]}:role/${session[3]}`] : [];
}
