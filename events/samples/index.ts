/**
 * Real-shaped sample events (see ../shared/reference/aws-facts.md), keyed by file path without
 * ".json". Files named malformed-* must be rejected by their parser; the others parse.
 * Add a line here for each new file (test/unit/events/samples.test.ts checks every file is listed).
 */
import controlPlaneEndpointCreated from './control-plane/endpoint-created.json';
import controlPlaneMalformedEndpointCreatedNoEndpoint from './control-plane/malformed-endpoint-created-no-endpoint.json';
import fanOutAccountReconcileRequested from './fan-out/account-reconcile-requested.json';
import fanOutMalformedAccountReconcileRequestedBadAccount from './fan-out/malformed-account-reconcile-requested-bad-account.json';
import organizationsAcceptHandshake from './organizations/accept-handshake.json';
import organizationsAccountJoinedOrganizationInvited from './organizations/account-joined-organization-invited.json';
import organizationsAccountJoinedOrganization from './organizations/account-joined-organization.json';
import organizationsCloseAccount from './organizations/close-account.json';
import organizationsCreateAccountInProgress from './organizations/create-account-in-progress.json';
import organizationsCreateAccountResultFailed from './organizations/create-account-result-failed.json';
import organizationsCreateAccountResultSucceeded from './organizations/create-account-result-succeeded.json';
import organizationsLeaveOrganization from './organizations/leave-organization.json';
import organizationsMalformedAccountJoinedOrganizationNoAccount from './organizations/malformed-account-joined-organization-no-account.json';
import organizationsMalformedCreateAccountResultMissingAccountId from './organizations/malformed-create-account-result-missing-account-id.json';
import organizationsMalformedRemoveAccountBadAccountId from './organizations/malformed-remove-account-bad-account-id.json';
import organizationsRemoveAccountFromOrganizationFailedCall from './organizations/remove-account-from-organization-failed-call.json';
import organizationsRemoveAccountFromOrganization from './organizations/remove-account-from-organization.json';
import reconcilerContinuationRequested from './reconciler/continuation-requested.json';
import reconcilerMalformedContinuationNoCursor from './reconciler/malformed-continuation-no-cursor.json';
import reconcilerMalformedManualInput from './reconciler/malformed-manual-input.json';
import reconcilerManualApplyAccounts from './reconciler/manual-apply-accounts.json';
import reconcilerManualDryRun from './reconciler/manual-dry-run.json';
import reconcilerManualFanOut from './reconciler/manual-fan-out.json';
import reconcilerScheduledEvent from './reconciler/scheduled-event.json';
import snsConnectionNotification from './sns/connection-notification.json';
import snsMalformedNotificationNoTopic from './sns/malformed-notification-no-topic.json';
import tagsMalformedVpcTagArnInOtherAccount from './tags/malformed-vpc-tag-arn-in-other-account.json';
import tagsMalformedVpcTagNoResources from './tags/malformed-vpc-tag-no-resources.json';
import tagsSubnetProxyTagAdded from './tags/subnet-proxy-tag-added.json';
import tagsVpcOtherTagChanged from './tags/vpc-other-tag-changed.json';
import tagsVpcProxyTagAdded from './tags/vpc-proxy-tag-added.json';
import tagsVpcProxyTagRemoved from './tags/vpc-proxy-tag-removed.json';

export const SAMPLES = {
  'control-plane/endpoint-created': controlPlaneEndpointCreated,
  'control-plane/malformed-endpoint-created-no-endpoint': controlPlaneMalformedEndpointCreatedNoEndpoint,
  'fan-out/account-reconcile-requested': fanOutAccountReconcileRequested,
  'fan-out/malformed-account-reconcile-requested-bad-account': fanOutMalformedAccountReconcileRequestedBadAccount,
  'organizations/accept-handshake': organizationsAcceptHandshake,
  'organizations/account-joined-organization-invited': organizationsAccountJoinedOrganizationInvited,
  'organizations/account-joined-organization': organizationsAccountJoinedOrganization,
  'organizations/close-account': organizationsCloseAccount,
  'organizations/create-account-in-progress': organizationsCreateAccountInProgress,
  'organizations/create-account-result-failed': organizationsCreateAccountResultFailed,
  'organizations/create-account-result-succeeded': organizationsCreateAccountResultSucceeded,
  'organizations/leave-organization': organizationsLeaveOrganization,
  'organizations/malformed-account-joined-organization-no-account': organizationsMalformedAccountJoinedOrganizationNoAccount,
  'organizations/malformed-create-account-result-missing-account-id': organizationsMalformedCreateAccountResultMissingAccountId,
  'organizations/malformed-remove-account-bad-account-id': organizationsMalformedRemoveAccountBadAccountId,
  'organizations/remove-account-from-organization-failed-call': organizationsRemoveAccountFromOrganizationFailedCall,
  'organizations/remove-account-from-organization': organizationsRemoveAccountFromOrganization,
  'reconciler/continuation-requested': reconcilerContinuationRequested,
  'reconciler/malformed-continuation-no-cursor': reconcilerMalformedContinuationNoCursor,
  'reconciler/malformed-manual-input': reconcilerMalformedManualInput,
  'reconciler/manual-apply-accounts': reconcilerManualApplyAccounts,
  'reconciler/manual-dry-run': reconcilerManualDryRun,
  'reconciler/manual-fan-out': reconcilerManualFanOut,
  'reconciler/scheduled-event': reconcilerScheduledEvent,
  'sns/connection-notification': snsConnectionNotification,
  'sns/malformed-notification-no-topic': snsMalformedNotificationNoTopic,
  'tags/malformed-vpc-tag-arn-in-other-account': tagsMalformedVpcTagArnInOtherAccount,
  'tags/malformed-vpc-tag-no-resources': tagsMalformedVpcTagNoResources,
  'tags/subnet-proxy-tag-added': tagsSubnetProxyTagAdded,
  'tags/vpc-other-tag-changed': tagsVpcOtherTagChanged,
  'tags/vpc-proxy-tag-added': tagsVpcProxyTagAdded,
  'tags/vpc-proxy-tag-removed': tagsVpcProxyTagRemoved,
} as const;

export type SampleName = keyof typeof SAMPLES;

/** A deep copy, so a test can mutate it freely. */
export function sample(name: SampleName): unknown {
  return structuredClone(SAMPLES[name]);
}
