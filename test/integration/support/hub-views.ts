/** What the hub account sees, read through the SDK as an operator would: principals, share, connections. */
import {
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  ModifyVpcEndpointServicePermissionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { GetResourceShareAssociationsCommand, type RAMClient } from '@aws-sdk/client-ram';

export const rootPrincipal = (accountId: string) => `arn:aws:iam::${accountId}:root`;

export async function allowedPrincipals(hubEc2: EC2Client, serviceId: string): Promise<Set<string>> {
  const principals = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await hubEc2.send(new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: serviceId, MaxResults: 1000, NextToken }));
    for (const allowed of page.AllowedPrincipals ?? []) if (allowed.Principal) principals.add(allowed.Principal);
    NextToken = page.NextToken;
  } while (NextToken);
  return principals;
}

export async function isAllowedPrincipal(hubEc2: EC2Client, serviceId: string, accountId: string): Promise<boolean> {
  return (await allowedPrincipals(hubEc2, serviceId)).has(rootPrincipal(accountId));
}

/** Drift made by hand in the console: the reconciler must put it back. */
export async function removePrincipalByHand(hubEc2: EC2Client, serviceId: string, accountId: string): Promise<void> {
  await hubEc2.send(new ModifyVpcEndpointServicePermissionsCommand({ ServiceId: serviceId, RemoveAllowedPrincipals: [rootPrincipal(accountId)] }));
}

/** Association status of `accountId` with the share (ASSOCIATED, DISASSOCIATED...), or undefined if never associated. */
export async function shareStatus(hubRam: RAMClient, shareArn: string, accountId: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  let status: string | undefined;
  do {
    const page = await hubRam.send(
      new GetResourceShareAssociationsCommand({ associationType: 'PRINCIPAL', resourceShareArns: [shareArn], principal: accountId, nextToken }),
    );
    for (const association of page.resourceShareAssociations ?? []) {
      if (association.associatedEntity === accountId) status = association.status;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return status;
}

export interface ConnectionView {
  endpointId: string;
  ownerAccountId: string;
  /** The wire value (pendingAcceptance, available, rejected...). */
  state: string;
}

export async function connectionsOf(hubEc2: EC2Client, serviceId: string, ownerAccountId: string): Promise<ConnectionView[]> {
  const { VpcEndpointConnections = [] } = await hubEc2.send(
    new DescribeVpcEndpointConnectionsCommand({
      Filters: [
        { Name: 'service-id', Values: [serviceId] },
        { Name: 'vpc-endpoint-owner', Values: [ownerAccountId] },
      ],
    }),
  );
  return VpcEndpointConnections.map((connection) => ({
    endpointId: connection.VpcEndpointId ?? '',
    ownerAccountId: connection.VpcEndpointOwner ?? '',
    state: String(connection.VpcEndpointState ?? ''),
  }));
}
