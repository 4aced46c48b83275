import type { VpcPlan } from './vpc-plan';

/** One line of a reconcile plan: what would change, where, and why. */
export interface PlannedAction {
  readonly action: string;
  readonly scope: { readonly accountId: string; readonly vpcId?: string; readonly endpointId?: string };
  readonly reason: string;
  readonly details?: unknown;
}

/** The changes a VPC plan makes, as plan lines (nothing for a converged or blocked VPC). */
export function vpcPlanActions(accountId: string, vpcId: string, plan: VpcPlan): PlannedAction[] {
  const scope = { accountId, vpcId };
  const actions: PlannedAction[] = [];
  if (plan.kind === 'blocked') return actions;

  if (plan.kind === 'absent') {
    for (const endpointId of plan.deleteEndpointIds) {
      actions.push({ action: 'vpc.delete-endpoint', scope: { ...scope, endpointId }, reason: plan.reason });
    }
    for (const groupId of plan.deleteSecurityGroupIds) {
      actions.push({ action: 'vpc.delete-security-group', scope, reason: plan.reason, details: { groupId } });
    }
    if (plan.removeTagKeys.length > 0) {
      actions.push({ action: 'vpc.remove-tags', scope, reason: plan.reason, details: { keys: plan.removeTagKeys } });
    }
    return actions;
  }

  const group = plan.securityGroup;
  if (group.groupId === undefined) {
    actions.push({ action: 'vpc.create-security-group', scope, reason: plan.reason, details: { authorize: group.authorize } });
  } else if (group.authorize.length + group.revoke.length > 0) {
    actions.push({ action: 'vpc.update-security-group', scope, reason: 'the VPC CIDR blocks changed', details: group });
  }
  for (const endpointId of plan.deleteEndpointIds) {
    actions.push({ action: 'vpc.delete-endpoint', scope: { ...scope, endpointId }, reason: 'superseded managed endpoint' });
  }
  const endpoint = plan.endpoint;
  if (endpoint.action === 'create') {
    actions.push({ action: 'vpc.create-endpoint', scope, reason: plan.reason, details: endpoint });
  } else if (endpoint.addSubnetIds.length > 0) {
    actions.push({
      action: 'vpc.add-endpoint-subnets',
      scope: { ...scope, endpointId: endpoint.current.endpointId },
      reason: 'cover newly supported AZs',
      details: { add: endpoint.addSubnetIds },
    });
  }
  return actions;
}
