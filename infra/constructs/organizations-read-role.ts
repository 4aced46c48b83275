import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';
import { controlPlaneTrust } from './control-plane-trust';

export interface OrganizationsReadRoleProps {
  readonly roleName: string;
  readonly hubAccount: string;
  readonly organizationId: string;
  readonly trustedRoleArns: readonly string[];
}

/**
 * The Organizations reads the control plane makes (functions/aws/organizations.ts): DescribeAccount and ListParents
 * to re-read one account, ListRoots, ListAccountsForParent and ListOrganizationalUnitsForParent to walk the tree.
 * Nothing that writes, and nothing else it reads (no ListAccounts, DescribeOrganization or policies).
 */
export const ORGANIZATIONS_READ_ACTIONS = [
  'organizations:DescribeAccount',
  'organizations:ListParents',
  'organizations:ListRoots',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
];

export class OrganizationsReadRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrganizationsReadRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Lets the egress control plane read the organization\'s accounts and OUs',
      assumedBy: controlPlaneTrust({ hubAccount: props.hubAccount, roleArns: props.trustedRoleArns, organizationId: props.organizationId }),
      inlinePolicies: {
        ReadOrganization: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ sid: 'ReadAccountsAndOus', actions: ORGANIZATIONS_READ_ACTIONS, resources: ['*'] })],
        }),
      },
    });
    acknowledgeIamWildcards(
      this.role,
      ['Resource::*'],
      'Read-only Organizations calls on the organization this management account owns; ListRoots supports no resource-level permissions',
    );
  }
}
