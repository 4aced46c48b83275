import {
  AcceptVpcEndpointConnectionsCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  ModifyVpcEndpointServicePermissionsCommand,
  RejectVpcEndpointConnectionsCommand,
  type EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';
import { chunk, ENDPOINT_IDS_PER_CALL, type ConnectionFacts } from '../core/connections';
import { normalizeEndpointState } from '../core/endpoint-state';
import { paginate } from './paginate';

/** The hub's endpoint service, through the hub's own credentials. */

const MAX_PAGE = 1000;

/** The service's allowed principals; with `only`, just those of them (a filtered read for a batch of accounts). */
export async function listAllowedPrincipals(ec2: EC2Client, serviceId: string, only?: readonly string[]): Promise<Set<string>> {
  const principals = new Set<string>();
  const filters = only === undefined ? {} : { Filters: [{ Name: 'principal', Values: [...only] }] };
  if (only !== undefined && only.length === 0) return principals;
  for await (const page of paginate((NextToken) =>
    ec2.send(
      new DescribeVpcEndpointServicePermissionsCommand({ ServiceId: serviceId, ...filters, MaxResults: MAX_PAGE, NextToken }),
    ),
  )) {
    for (const allowed of page.AllowedPrincipals ?? []) if (allowed.Principal !== undefined) principals.add(allowed.Principal);
  }
  return principals;
}

/** One call for the whole change, however many principals it carries; nothing is sent for an empty change. */
export async function modifyAllowedPrincipals(
  ec2: EC2Client,
  serviceId: string,
  change: { add: readonly string[]; remove: readonly string[] },
): Promise<void> {
  if (change.add.length === 0 && change.remove.length === 0) return;
  const response = await ec2.send(
    new ModifyVpcEndpointServicePermissionsCommand({
      ServiceId: serviceId,
      ...(change.add.length > 0 ? { AddAllowedPrincipals: [...change.add] } : {}),
      ...(change.remove.length > 0 ? { RemoveAllowedPrincipals: [...change.remove] } : {}),
    }),
  );
  if (response.ReturnValue === false) throw new Error(`ModifyVpcEndpointServicePermissions on ${serviceId} returned false`);
}

export async function listConnections(
  ec2: EC2Client,
  serviceId: string,
  criteria: { states: readonly string[]; ownerAccountIds?: readonly string[]; endpointIds?: readonly string[] },
): Promise<ConnectionFacts[]> {
  const filters: Filter[] = [
    { Name: 'service-id', Values: [serviceId] },
    { Name: 'vpc-endpoint-state', Values: [...criteria.states] },
  ];
  if (criteria.ownerAccountIds !== undefined) filters.push({ Name: 'vpc-endpoint-owner', Values: [...criteria.ownerAccountIds] });
  if (criteria.endpointIds !== undefined) filters.push({ Name: 'vpc-endpoint-id', Values: [...criteria.endpointIds] });
  const connections: ConnectionFacts[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(new DescribeVpcEndpointConnectionsCommand({ Filters: filters, MaxResults: MAX_PAGE, NextToken })),
  )) {
    for (const c of page.VpcEndpointConnections ?? []) {
      if (c.VpcEndpointId === undefined || c.VpcEndpointOwner === undefined) continue;
      connections.push({
        endpointId: c.VpcEndpointId,
        ownerAccountId: c.VpcEndpointOwner,
        state: normalizeEndpointState(c.VpcEndpointState),
        // Acceptance times a notification against it (core/deferral.ts); nothing else reads it.
        ...(c.CreationTimestamp === undefined ? {} : { createdAt: c.CreationTimestamp.getTime() }),
      });
    }
  }
  return connections;
}

/** Endpoint ids EC2 reported in `Unsuccessful` (HTTP 200 with per-item failures), with the reason. */
export type UnsuccessfulItems = Map<string, string>;

/**
 * Accepts the connections. An item EC2 refuses because the connection is no longer awaiting acceptance but is now
 * `pending` or `available` was accepted by a concurrent run (the acceptance function and the reconciler both sweep):
 * the desired state holds, so it is not a failure, as "already exists" is not for a create.
 */
export async function acceptConnections(ec2: EC2Client, serviceId: string, endpointIds: readonly string[]): Promise<UnsuccessfulItems> {
  const failures = await inChunks(endpointIds, (ids) =>
    ec2.send(new AcceptVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: ids })),
  );
  const refused = [...failures].filter(([, reason]) => reason.startsWith('InvalidState:')).map(([id]) => id);
  if (refused.length === 0) return failures;
  for (const accepted of await listConnections(ec2, serviceId, { states: ['pending', 'available'], endpointIds: refused })) {
    failures.delete(accepted.endpointId);
  }
  return failures;
}

export function rejectConnections(ec2: EC2Client, serviceId: string, endpointIds: readonly string[]): Promise<UnsuccessfulItems> {
  return inChunks(endpointIds, (ids) =>
    ec2.send(new RejectVpcEndpointConnectionsCommand({ ServiceId: serviceId, VpcEndpointIds: ids })),
  );
}

/**
 * Sends the ids ENDPOINT_IDS_PER_CALL at a time (one call for a typical batch) and gathers the per-item failures.
 * A chunk that fails as a whole marks all of its ids, so the caller can fail exactly the records behind them.
 */
async function inChunks(
  endpointIds: readonly string[],
  send: (ids: string[]) => Promise<{ Unsuccessful?: { ResourceId?: string; Error?: { Code?: string; Message?: string } }[] }>,
): Promise<UnsuccessfulItems> {
  const failures: UnsuccessfulItems = new Map();
  for (const ids of chunk([...new Set(endpointIds)].sort(), ENDPOINT_IDS_PER_CALL)) {
    try {
      const response = await send(ids);
      for (const item of response.Unsuccessful ?? []) {
        if (item.ResourceId !== undefined) {
          failures.set(item.ResourceId, `${item.Error?.Code ?? 'Unknown'}: ${item.Error?.Message ?? 'no message'}`);
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      for (const id of ids) failures.set(id, reason);
    }
  }
  return failures;
}
