import { listEnabledServicePrincipals } from '../aws/organizations';
import { audit } from '../shared/audit';
import { awsErrorCode } from '../shared/errors';
import type { Runtime } from '../shared/runtime';
import type { ReconcilePlan } from './reconcile-plan';

/** RAM's service principal: in the organization's trusted access once sharing with the organization is enabled. */
const RAM_SERVICE_PRINCIPAL = 'ram.amazonaws.com';

const NOT_ENABLED =
  'RAM sharing with AWS Organizations is not enabled (ram.amazonaws.com has no trusted access in the organization): ' +
  'RAM treats the members as outside the organization, so the discovery share (which allows no external principals) ' +
  'reaches none of them, or only as invitations nothing accepts. Enable it once from the management account: ' +
  'aws ram enable-sharing-with-aws-organization (or deploy the Management stack with -c enableRamSharingWithOrganization=true)';

/**
 * Checks that the discovery share can reach members at all, and tells the operator when it cannot: a plan warning
 * (`egress plan`, `egress reconcile`) and an audit record with decision "warning". Asked of Organizations through
 * the read role (ListAWSServiceAccessForOrganization answers only the management account or a delegated
 * administrator), once per whole-organization run. A read role without the permission (its stack not yet updated) is
 * a warning too; any other failure is the step's error.
 */
export async function checkShareReachesMembers(runtime: Runtime, plan: ReconcilePlan): Promise<void> {
  const reason = await shareReachProblem(runtime);
  if (reason === undefined) return;
  const warning = { step: 'resource share', reason };
  Object.assign(plan, { warnings: [...(plan.warnings ?? []), warning] });
  audit({
    action: 'resource-share.organization-sharing',
    scope: { accountId: 'organization' },
    decision: 'warning',
    reason,
    dryRun: plan.dryRun,
    correlationId: plan.correlationId,
  });
}

/** Why the discovery share cannot reach the members, or undefined when it can (or there is no share). */
export async function shareReachProblem(runtime: Runtime): Promise<string | undefined> {
  if (runtime.config.ramShareArn === undefined) return undefined;
  try {
    const enabled = await listEnabledServicePrincipals(runtime.organizations);
    return enabled.has(RAM_SERVICE_PRINCIPAL) ? undefined : NOT_ENABLED;
  } catch (error) {
    if (awsErrorCode(error) !== 'AccessDeniedException') throw error;
    return (
      'cannot tell whether RAM sharing with AWS Organizations is enabled: the Organizations read role may not call ' +
      `organizations:ListAWSServiceAccessForOrganization (${(error as Error).message}); deploy the Management stack`
    );
  }
}
