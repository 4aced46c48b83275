import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { ControlPlaneFunction } from '../control-plane-config';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';

/** The ARNs a function's permissions are scoped to. */
export interface ControlPlaneResources {
  /** arn:<partition>:ec2:REGION:ACCOUNT:vpc-endpoint-service/vpce-svc-... (the hub's own service). */
  readonly endpointServiceArn: string;
  readonly hubBusArn: string;
  readonly resourceShareArn: string;
  readonly organizationsReadRoleArn: string;
  readonly spokeRoleName: string;
  readonly organizationId: string;
}

/**
 * What each function may do, derived from the SDK calls in functions/aws/*.ts that its handler reaches:
 * - account onboarding: allowed principals (endpoint-service.ts), RAM share principals (resource-share.ts),
 *   rejection of a leaving account's connections, Organizations reads (organizations.ts, through the read role);
 * - VPC onboarding: the spoke role (spoke-vpc.ts, spoke-writer.ts), Organizations reads, the hand-off to
 *   acceptance on the hub bus (hub-bus.ts);
 * - connection acceptance: connections of the hub service, the spoke role (the VPC's tag), Organizations reads;
 * - reconciler: all of the hub-side and spoke-side calls above (an inline run accepts itself), and PutEvents on the
 *   hub bus for its fan-out (per-account work items, its continuation);
 * - account reconciler (the fan-out's consumer): the spoke role, Organizations reads, the hand-off to acceptance.
 * Describe* calls support no resource-level permissions in EC2, so they are the only actions on "*".
 */
export function controlPlaneStatements(fn: ControlPlaneFunction, resources: ControlPlaneResources): iam.PolicyStatement[] {
  // The publisher only reads and writes the policy store (granted by the PolicyStore construct).
  if (fn === 'mapping-publisher') return [];
  const statements = [organizationsRead(resources)];
  switch (fn) {
    case 'account-onboarding':
      statements.push(...endpointServiceRead(), servicePermissionsWrite(resources), connectionsWrite(resources, ['Reject']));
      // An account leaving the scope loses its mapping shard; the publisher hears of it on the hub bus.
      statements.push(...resourceShare(resources), hubBusPut(resources, 'MappingChangedOnHubBus'));
      break;
    case 'vpc-onboarding':
      statements.push(spokeRole(resources), hubBusPut(resources));
      break;
    case 'connection-acceptance':
      statements.push(...endpointServiceRead(), connectionsWrite(resources, ['Accept', 'Reject']), spokeRole(resources));
      break;
    case 'reconciler':
      statements.push(
        ...endpointServiceRead(),
        servicePermissionsWrite(resources),
        connectionsWrite(resources, ['Accept', 'Reject']),
        ...resourceShare(resources),
        spokeRole(resources),
        hubBusPut(resources, 'FanOutOnHubBus'),
      );
      break;
    case 'account-reconciler':
      statements.push(spokeRole(resources), hubBusPut(resources));
      break;
  }
  return statements;
}

/** Names, for cdk-nag, the wildcards controlPlaneStatements() grants to `fn`, each with its reason. */
export function acknowledgeControlPlaneWildcards(role: IConstruct, fn: ControlPlaneFunction, resources: ControlPlaneResources): void {
  if (fn === 'mapping-publisher') return;
  if (fn !== 'vpc-onboarding' && fn !== 'account-reconciler') {
    acknowledgeIamWildcards(
      role,
      ['Resource::*'],
      'Only on actions without resource-level permissions (EC2 Describe*, RAM GetResourceShareAssociations); every write is scoped to the hub service or share',
    );
  }
  if (fn !== 'account-onboarding') {
    acknowledgeIamWildcards(
      role,
      [`Resource::arn:<AWS::Partition>:iam::*:role/${resources.spokeRoleName}`],
      'The spoke role exists in every member account (StackSet); aws:ResourceOrgID limits it to the organization',
    );
  }
}

function organizationsRead(r: ControlPlaneResources): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AssumeOrganizationsReadRole',
    actions: ['sts:AssumeRole'],
    resources: [r.organizationsReadRoleArn],
  });
}

function endpointServiceRead(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DescribeEndpointService',
      actions: ['ec2:DescribeVpcEndpointServicePermissions', 'ec2:DescribeVpcEndpointConnections'],
      resources: ['*'],
    }),
  ];
}

function servicePermissionsWrite(r: ControlPlaneResources): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ModifyAllowedPrincipals',
    actions: ['ec2:ModifyVpcEndpointServicePermissions'],
    resources: [r.endpointServiceArn],
  });
}

function connectionsWrite(r: ControlPlaneResources, verbs: readonly ('Accept' | 'Reject')[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: `${verbs.join('')}Connections`,
    actions: verbs.map((verb) => `ec2:${verb}VpcEndpointConnections`),
    resources: [r.endpointServiceArn],
  });
}

function resourceShare(r: ControlPlaneResources): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ModifySharePrincipals',
      actions: ['ram:AssociateResourceShare', 'ram:DisassociateResourceShare'],
      resources: [r.resourceShareArn],
    }),
    new iam.PolicyStatement({
      // GetResourceShareAssociations supports no resource-level permissions.
      sid: 'ReadShareAssociations',
      actions: ['ram:GetResourceShareAssociations'],
      resources: ['*'],
    }),
  ];
}

function spokeRole(r: ControlPlaneResources): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AssumeSpokeRoleInOrganization',
    actions: ['sts:AssumeRole'],
    resources: [`arn:${Aws.PARTITION}:iam::*:role/${r.spokeRoleName}`],
    // The role name alone would match a look-alike role in any account; the org condition keeps it to members.
    conditions: { StringEquals: { 'aws:ResourceOrgID': r.organizationId } },
  });
}

function hubBusPut(r: ControlPlaneResources, sid = 'HandOffToAcceptance'): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: ['events:PutEvents'], resources: [r.hubBusArn] });
}
