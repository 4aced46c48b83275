import { Stack } from 'aws-cdk-lib';
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
 * to re-read one account, ListRoots, ListAccountsForParent and ListOrganizationalUnitsForParent to walk the tree, and
 * ListAWSServiceAccessForOrganization to tell whether RAM sharing with the organization is on (the discovery share
 * reaches no member otherwise). Nothing that writes, and nothing else it reads (no ListAccounts, DescribeOrganization
 * or policies).
 *
 * The resource types each read takes (Service Authorization Reference, AWS Organizations): `account`, `ou` and
 * `root` ARNs carry the organization id, so the role reads this organization only. ListRoots takes no resource.
 */
const READ_RESOURCE_TYPES: Readonly<Record<string, readonly ('account' | 'ou' | 'root')[]>> = {
  'organizations:DescribeAccount': ['account'],
  'organizations:ListParents': ['account', 'ou'],
  'organizations:ListAccountsForParent': ['ou', 'root'],
  'organizations:ListOrganizationalUnitsForParent': ['ou', 'root'],
};

export class OrganizationsReadRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrganizationsReadRoleProps) {
    super(scope, id);
    // arn:<partition>:organizations::<management account>:<type>/o-<id>/<id>: this stack is the management account's.
    const orgArn = (type: string) =>
      Stack.of(this).formatArn({ service: 'organizations', region: '', resource: type, resourceName: `${props.organizationId}/*` });
    const scoped = Object.entries(READ_RESOURCE_TYPES).map(
      ([action, types]) => new iam.PolicyStatement({ actions: [action], resources: types.map(orgArn) }),
    );
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Lets the egress control plane read the organization\'s accounts and OUs',
      assumedBy: controlPlaneTrust({ hubAccount: props.hubAccount, roleArns: props.trustedRoleArns, organizationId: props.organizationId }),
      inlinePolicies: {
        ReadOrganization: new iam.PolicyDocument({
          statements: [
            ...scoped,
            // Neither takes a resource (Service Authorization Reference).
            new iam.PolicyStatement({
              sid: 'ListRootsAndTrustedServices',
              actions: ['organizations:ListRoots', 'organizations:ListAWSServiceAccessForOrganization'],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledgeIamWildcards(
      this.role,
      ['Resource::*'],
      'ListRoots and ListAWSServiceAccessForOrganization support no resource-level permissions; every other read is scoped to this organization\'s ARNs',
    );
    acknowledgeIamWildcards(
      this.role,
      ['account', 'ou', 'root'].map((type) => `Resource::arn:<AWS::Partition>:organizations::${Stack.of(this).account}:${type}/${props.organizationId}/*`),
      'Every account, OU and root of this organization: the control plane reads the whole tree, and ids change as accounts join',
    );
  }
}
