/**
 * The hub bus's resource policy: who may put which events on it. One definition for the CDK stack (one
 * AWS::Events::EventBusPolicy per statement) and the local hub bootstrap (PutPermission with the whole document),
 * which the local cloud enforces, so tests see exactly what AWS would refuse.
 *
 * Why conditions on one bus rather than a second, internal bus for the control plane's own events: every sender
 * needs a condition anyway (Organizations events only from the management account, VPC tag changes only from
 * members), so a second bus would add a resource and a target name to every publisher without removing a single
 * condition here. The control plane's events are protected twice, by facts EventBridge sets itself: this policy
 * refuses them from any other account at PutEvents (an explicit Deny, so a later, wider Allow cannot reopen it), and
 * the hub rules match them only with `account` = the hub (events/patterns.ts), which no other account can forge.
 * The bus's own account needs no statement: its functions hold events:PutEvents in IAM.
 */
import {
  CLOUDTRAIL_API_CALL,
  CLOUDTRAIL_SERVICE_EVENT,
  CONTROL_PLANE_SOURCE,
  ORGANIZATIONS_SOURCE,
  TAG_CHANGE_DETAIL_TYPE,
  TAG_SOURCE,
} from './patterns';

export interface HubBusPolicyInput {
  /** The bus's ARN (a CloudFormation token in the CDK stack). */
  readonly busArn: string;
  readonly organizationId: string;
  readonly hubAccountId: string;
  readonly managementAccountId: string;
}

/** A policy statement as IAM's JSON spells it. */
export interface HubBusPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: '*';
  readonly Action: 'events:PutEvents';
  readonly Resource: string;
  readonly Condition: Readonly<Partial<Record<'StringEquals' | 'StringNotEquals', Readonly<Record<string, string | readonly string[]>>>>>;
}

export function hubBusPolicyStatements(input: HubBusPolicyInput): HubBusPolicyStatement[] {
  const base = { Principal: '*', Action: 'events:PutEvents', Resource: input.busArn } as const;
  return [
    {
      Sid: 'VpcTagChangesFromOrganizationMembers',
      Effect: 'Allow',
      ...base,
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': input.organizationId, 'events:source': TAG_SOURCE, 'events:detail-type': TAG_CHANGE_DETAIL_TYPE },
      },
    },
    {
      Sid: 'OrganizationsEventsFromManagementAccount',
      Effect: 'Allow',
      ...base,
      Condition: {
        StringEquals: {
          'aws:PrincipalAccount': input.managementAccountId,
          'events:source': ORGANIZATIONS_SOURCE,
          'events:detail-type': [CLOUDTRAIL_API_CALL, CLOUDTRAIL_SERVICE_EVENT],
        },
      },
    },
    {
      Sid: 'ControlPlaneEventsOnlyFromHub',
      Effect: 'Deny',
      ...base,
      Condition: { StringEquals: { 'events:source': CONTROL_PLANE_SOURCE }, StringNotEquals: { 'aws:PrincipalAccount': input.hubAccountId } },
    },
  ];
}

export function hubBusPolicyDocument(input: HubBusPolicyInput): { Version: '2012-10-17'; Statement: HubBusPolicyStatement[] } {
  return { Version: '2012-10-17', Statement: hubBusPolicyStatements(input) };
}
