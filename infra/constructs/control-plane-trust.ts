import * as iam from 'aws-cdk-lib/aws-iam';

export interface ControlPlaneTrustProps {
  /** The hub account that runs the control plane. */
  readonly hubAccount: string;
  /** The execution roles allowed to assume the trusting role. */
  readonly roleArns: readonly string[];
  readonly organizationId: string;
}

/**
 * Trust for roles in other accounts (spoke, management) that only the control plane may assume.
 *
 * The principal is the hub account narrowed by `aws:PrincipalArn` rather than the role ARNs themselves: IAM turns a
 * role principal into the role's unique id when the policy is saved, so re-creating a hub role would silently break
 * thousands of spoke trusts, and a role principal must exist before the trusting role can be created (which would
 * tie the StackSet to the hub's deployment order). `aws:PrincipalOrgID` keeps the trust inside the organization.
 */
export function controlPlaneTrust(props: ControlPlaneTrustProps): iam.IPrincipal {
  return new iam.AccountPrincipal(props.hubAccount).withConditions({
    ArnEquals: { 'aws:PrincipalArn': [...props.roleArns] },
    StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
  });
}
