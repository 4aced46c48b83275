/**
 * The EventBridge patterns of every rule the control plane owns. This module is the single source for
 * the CDK stacks (events.Rule eventPattern) and the local event bus: a test pins that both agree.
 *
 * Patterns are plain JSON (EventBridge's own syntax), not CDK's EventPattern type, so the local bus can
 * match them verbatim and CDK receives exactly what AWS will evaluate.
 */
import type { EventPattern } from './pattern-types';

export type { EventPattern } from './pattern-types';

/** The tag a spoke team sets on a VPC to ask for the proxy (configurable per deployment). */
export const DEFAULT_PROXY_TAG_KEY = 'egress-proxy';

/** The tag a spoke team sets on a VPC to choose its named egress policies (configurable per deployment). */
export const DEFAULT_POLICY_TAG_KEY = 'egress-proxy-policy';

/** The control plane's own event source. Must not start with `aws.`: EventBridge reserves that prefix. */
export const CONTROL_PLANE_SOURCE = 'egress-control-plane';

/** Emitted by VPC onboarding (PutEvents to the hub bus) once it has created an interface endpoint. */
export const ENDPOINT_CREATED_DETAIL_TYPE = 'Endpoint Created';

/** Emitted by a fan-out reconcile (PutEvents to the hub bus): one per in-scope account, `{ runId, accountId }`. */
export const ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE = 'Account Reconcile Requested';

/** Emitted by a fan-out reconcile running out of time: the next invocation publishes accounts after the cursor. */
export const RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE = 'Reconcile Continuation Requested';

/** Emitted once an account's endpoint-to-policy shard changed: the mapping publisher recompiles what the fleet reads. */
export const ENDPOINT_MAPPING_CHANGED_DETAIL_TYPE = 'Endpoint Mapping Changed';

export const ORGANIZATIONS_SOURCE = 'aws.organizations';
export const ORGANIZATIONS_EVENT_SOURCE = 'organizations.amazonaws.com';
export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';
export const CLOUDTRAIL_SERVICE_EVENT = 'AWS Service Event via CloudTrail';

export const TAG_SOURCE = 'aws.tag';
export const TAG_CHANGE_DETAIL_TYPE = 'Tag Change on Resource';

/**
 * Membership changes that need no further filtering: an account joined (accepted an invitation or the
 * join was announced) or left (removed, left, closed). CreateAccountResult is handled apart because only
 * its SUCCEEDED state carries a usable account id.
 */
export const MEMBERSHIP_EVENT_NAMES = [
  'AccountJoinedOrganization',
  'AcceptHandshake',
  'RemoveAccountFromOrganization',
  'LeaveOrganization',
  'CloseAccount',
] as const;

export const CREATE_ACCOUNT_RESULT = 'CreateAccountResult';

export type OrganizationEventName = (typeof MEMBERSHIP_EVENT_NAMES)[number] | typeof CREATE_ACCOUNT_RESULT;

/**
 * Organization membership events, from the management account only: Organizations delivers them there, and
 * EventBridge stamps `account` from the sender's credentials, so no member can make one match. `$or` inside `detail`
 * (supported by EventBridge and passed through untouched by CDK) keeps this one rule: either a plain membership
 * event, or a CreateAccountResult whose state is SUCCEEDED (a FAILED creation has no account to onboard).
 */
export function organizationMembershipPattern(managementAccountId: string): EventPattern {
  assertAccountId(managementAccountId, 'management account');
  return {
    source: [ORGANIZATIONS_SOURCE],
    account: [managementAccountId],
    'detail-type': [CLOUDTRAIL_API_CALL, CLOUDTRAIL_SERVICE_EVENT],
    detail: {
      eventSource: [ORGANIZATIONS_EVENT_SOURCE],
      $or: [
        { eventName: [...MEMBERSHIP_EVENT_NAMES] },
        {
          eventName: [CREATE_ACCOUNT_RESULT],
          serviceEventDetails: { createAccountStatus: { state: ['SUCCEEDED'] } },
        },
      ],
    },
  };
}

/**
 * A change (add, update or removal) of the proxy tag or of the policy tag on a VPC. Removals matter too: the tag key
 * then appears only in `changed-tag-keys`, and the handler offboards the VPC (proxy tag) or returns it to its
 * defaults (policy tag). Either way the handler re-reads the VPC and converges it, endpoint and policy mapping.
 */
export function vpcProxyTagChangePattern(proxyTagKey: string = DEFAULT_PROXY_TAG_KEY, policyTagKey: string = DEFAULT_POLICY_TAG_KEY): EventPattern {
  assertTagKey(proxyTagKey, 'proxy tag key');
  assertTagKey(policyTagKey, 'policy tag key');
  return {
    source: [TAG_SOURCE],
    'detail-type': [TAG_CHANGE_DETAIL_TYPE],
    detail: {
      service: ['ec2'],
      'resource-type': ['vpc'],
      'changed-tag-keys': [...new Set([proxyTagKey, policyTagKey])],
    },
  };
}

/**
 * The control plane's own events (hand-offs, work items, continuations) match only when the hub account sent them.
 * The bus policy already refuses them from anyone else; the `account` field keeps a widened policy from reopening
 * the door, since EventBridge sets it from the caller's credentials ("rules with an account field do not match any
 * events sent from other accounts", PutPermission's reference).
 */
function controlPlanePattern(detailType: string, hubAccountId: string): EventPattern {
  assertAccountId(hubAccountId, 'hub account');
  return { source: [CONTROL_PLANE_SOURCE], 'detail-type': [detailType], account: [hubAccountId] };
}

/** The hand-off from VPC onboarding to connection acceptance. */
export function endpointCreatedPattern(hubAccountId: string): EventPattern {
  return controlPlanePattern(ENDPOINT_CREATED_DETAIL_TYPE, hubAccountId);
}

/** The reconciler's per-account work items, to the account-reconcile queue. */
export function accountReconcileRequestedPattern(hubAccountId: string): EventPattern {
  return controlPlanePattern(ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE, hubAccountId);
}

/** Account shards of the endpoint mapping changed: to the mapping publisher's queue. */
export function endpointMappingChangedPattern(hubAccountId: string): EventPattern {
  return controlPlanePattern(ENDPOINT_MAPPING_CHANGED_DETAIL_TYPE, hubAccountId);
}

/** The reconciler's continuation, back to the reconciler itself. */
export function reconcileContinuationRequestedPattern(hubAccountId: string): EventPattern {
  return controlPlanePattern(RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE, hubAccountId);
}

function assertAccountId(accountId: string, what: string): void {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`${what} id must be 12 digits, got ${JSON.stringify(accountId)}`);
}

/** EC2 tag keys: 1-128 characters, and `aws:` is reserved for AWS. */
function assertTagKey(key: string, what: string): void {
  if (key.length === 0 || key.length > 128) {
    throw new Error(`${what} must be 1-128 characters, got ${JSON.stringify(key)}`);
  }
  if (key.toLowerCase().startsWith('aws:')) {
    throw new Error(`${what} must not start with "aws:" (reserved by AWS), got ${JSON.stringify(key)}`);
  }
}
