/** The consumer side of PrivateLink: Create, Describe, Modify and Delete VPC endpoints. */
import { AwsError } from '../framework';
import { clientToken } from './client-token';
import type { Call, Handler } from './context';
import { resolveGroups, resolvePrivateDns, resolveService, resolveSubnets } from './endpoint-inputs';
import { endpointNotFound, endpointNotFoundMessage, invalidParameter } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { endpointState, isDeleted, notifyConnectionEvent, startDeleting, startPending } from './lifecycle';
import { findVpc } from './lookups';
import { PAGE_UP_TO_1000, paginate } from './paging';
import { bool, filters, list, optional, required, tagSpecifications } from './query';
import { endpointXml } from './render';
import type { VpcEndpoint } from './state';
import { setTags } from './tagging';

// A `deleting` endpoint still counts: its network interfaces are not gone yet.
const countsTowardLimit = (endpoint: VpcEndpoint, now: number) => !isDeleted(endpoint, now) && endpoint.state !== 'rejected';

const createVpcEndpoint: Handler = (call) => {
  const idempotency = clientToken(call, 'CreateVpcEndpoint');
  const previous = idempotency.previous ? call.rs.endpoints.get(idempotency.previous) : undefined;
  const now = call.world.clock.now();
  if (previous) return { vpcEndpoint: endpointXml(previous, now), clientToken: optional(call.p, 'ClientToken') };

  const vpc = findVpc(call, required(call.p, 'VpcId'));
  const service = resolveService(call, required(call.p, 'ServiceName'));
  const type = optional(call.p, 'VpcEndpointType') ?? 'Gateway';
  if (type !== 'Interface') {
    throw invalidParameter(`The Vpc Endpoint Service '${service.name}' does not support the VPC endpoint type ${type}.`);
  }
  const subnets = resolveSubnets(call, vpc, service, list(call.p, 'SubnetId'));
  const groups = resolveGroups(call, vpc, list(call.p, 'SecurityGroupId'));
  const privateDnsEnabled = resolvePrivateDns(vpc, service, bool(call.p, 'PrivateDnsEnabled'));
  const tags = tagSpecifications(call.p, 'vpc-endpoint');
  const inVpc = call.rs.endpointsByVpc.get(vpc.id) ?? new Set<VpcEndpoint>();
  let active = 0;
  for (const endpoint of inVpc) {
    // Deleted endpoints stay in the index until a create passes by, so a VPC that churns does not grow it forever.
    if (isDeleted(endpoint, now)) inVpc.delete(endpoint);
    else if (countsTowardLimit(endpoint, now)) active++;
  }
  if (active >= call.options.endpointsPerVpc) {
    throw new AwsError('VpcEndpointLimitExceeded', 'The maximum number of VPC endpoints has been reached.');
  }

  const endpoint: VpcEndpoint = call.rs.register(call.rs.endpoints, {
    id: call.world.newId('vpce'),
    type: 'vpc-endpoint',
    ownerId: call.ctx.accountId,
    region: call.ctx.region,
    tags: new Map(),
    tagVersion: 0,
    vpcId: vpc.id,
    service,
    subnets,
    groups,
    privateDnsEnabled,
    state: 'pendingAcceptance',
    availableAt: 0,
    deletedAt: 0,
    createdAt: new Date(now),
    connectionId: call.world.newId('vpce-con'),
    networkInterfaceIds: subnets.map(() => call.world.newId('eni')),
    dnsRecordIpType: optional(call.p, 'DnsOptions.DnsRecordIpType') ?? 'ipv4',
  });
  if (!service.acceptanceRequired) startPending(endpoint, now, call.options.endpointPendingMs);
  inVpc.add(endpoint);
  call.rs.endpointsByVpc.set(vpc.id, inVpc);
  service.endpoints.set(endpoint.id, endpoint);
  for (const group of groups) group.usedBy.add(endpoint.id);
  if (tags.size > 0) setTags(call.world, endpoint, tags);
  idempotency.remember(endpoint.id);
  notifyConnectionEvent(call.world, call.state, endpoint, 'Connect', now);
  return { vpcEndpoint: endpointXml(endpoint, now), clientToken: optional(call.p, 'ClientToken') };
};

function endpointFilters(now: number): FilterFields<VpcEndpoint> {
  return {
    'vpc-endpoint-id': (e) => e.id,
    'vpc-id': (e) => e.vpcId,
    'service-name': (e) => e.service.name,
    'vpc-endpoint-state': (e) => endpointState(e, now),
    'vpc-endpoint-type': () => 'Interface',
    'ip-address-type': () => 'ipv4',
  };
}

const describeVpcEndpoints: Handler = (call) => {
  const now = call.world.clock.now();
  const ids = list(call.p, 'VpcEndpointId');
  const filterList = filters(call.p);
  let candidates: VpcEndpoint[];
  if (ids.length > 0) {
    candidates = ids.map((id) => ownEndpoint(call, id));
  } else {
    // Index lookups keep per-VPC reads cheap when an account holds thousands of endpoints.
    const vpcIds = exactFilterValues(filterList, 'vpc-id');
    const endpointIds = exactFilterValues(filterList, 'vpc-endpoint-id');
    if (endpointIds) {
      candidates = endpointIds.flatMap((id) => { const e = call.rs.endpoints.get(id); return e ? [e] : []; });
    } else {
      candidates = vpcIds
        ? vpcIds.flatMap((vpcId) => [...(call.rs.endpointsByVpc.get(vpcId) ?? [])])
        : [...call.rs.endpoints.values()];
    }
  }
  const matches = compileFilters(filterList, endpointFilters(now));
  const visible = candidates.filter((e) => !isDeleted(e, now) && matches(e));
  const page = paginate(call.p, visible, PAGE_UP_TO_1000);
  return { vpcEndpointSet: page.items.map((e) => endpointXml(e, now)), nextToken: page.nextToken };
};

function ownEndpoint(call: Call, id: string): VpcEndpoint {
  const endpoint = call.rs.endpoints.get(id);
  if (!endpoint || isDeleted(endpoint, call.world.clock.now())) throw endpointNotFound(id);
  return endpoint;
}

/** Replace `current` ids by `current - remove + add`, refusing to remove what is not there. */
function changedIds(call: Call, current: string[], addName: string, removeName: string, endpointId: string): string[] {
  const remove = new Set(list(call.p, removeName));
  for (const id of remove) {
    if (!current.includes(id)) throw invalidParameter(`${id} is not associated with the VPC endpoint ${endpointId}.`);
  }
  return [...current.filter((id) => !remove.has(id)), ...list(call.p, addName).filter((id) => !current.includes(id) || remove.has(id))];
}

/** Subnets, security groups and private DNS of an existing endpoint (how a reconciler repairs drift). */
const modifyVpcEndpoint: Handler = (call) => {
  const endpoint = ownEndpoint(call, required(call.p, 'VpcEndpointId'));
  const vpc = findVpc(call, endpoint.vpcId);
  const subnetIds = changedIds(call, endpoint.subnets.map((s) => s.id), 'AddSubnetId', 'RemoveSubnetId', endpoint.id);
  const groupIds = changedIds(call, endpoint.groups.map((g) => g.id), 'AddSecurityGroupId', 'RemoveSecurityGroupId', endpoint.id);
  if (groupIds.length === 0) throw invalidParameter('An interface endpoint must keep at least one security group.');
  const subnets = resolveSubnets(call, vpc, endpoint.service, subnetIds);
  const groups = resolveGroups(call, vpc, groupIds);
  const requestedDns = bool(call.p, 'PrivateDnsEnabled');
  const privateDnsEnabled = requestedDns === undefined ? endpoint.privateDnsEnabled : resolvePrivateDns(vpc, endpoint.service, requestedDns);

  // A subnet that stays keeps its network interface; a new one gets a new interface.
  const interfaceBySubnet = new Map(endpoint.subnets.map((s, i) => [s.id, endpoint.networkInterfaceIds[i]]));
  endpoint.networkInterfaceIds = subnets.map((s) => interfaceBySubnet.get(s.id) ?? call.world.newId('eni'));
  endpoint.subnets = subnets;
  for (const group of endpoint.groups) group.usedBy.delete(endpoint.id);
  for (const group of groups) group.usedBy.add(endpoint.id);
  endpoint.groups = groups;
  endpoint.privateDnsEnabled = privateDnsEnabled;
  return { return: true };
};

const deleteVpcEndpoints: Handler = (call) => {
  const ids = list(call.p, 'VpcEndpointId');
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter VpcEndpointId');
  const now = call.world.clock.now();
  const unsuccessful = [];
  for (const id of ids) {
    const endpoint = call.rs.endpoints.get(id);
    if (!endpoint || isDeleted(endpoint, now)) {
      unsuccessful.push({ error: { code: 'InvalidVpcEndpointId.NotFound', message: endpointNotFoundMessage(id) }, resourceId: id });
      continue;
    }
    // Asking again while it is going away changes nothing (and must not restart the teardown).
    if (endpoint.state === 'deleting') continue;
    // It stays in its VPC's index and its groups' `usedBy` while `deleting`: readers resolve the state and skip
    // it once `deleted`. The provider keeps seeing the connection, `deleting` then `deleted`, as in AWS.
    startDeleting(endpoint, now, call.options.endpointDeletingMs);
    call.rs.taggables.delete(endpoint.id);
    notifyConnectionEvent(call.world, call.state, endpoint, 'Delete', now);
  }
  return { unsuccessful };
};

export const endpointHandlers: Record<string, Handler> = {
  CreateVpcEndpoint: createVpcEndpoint,
  DescribeVpcEndpoints: describeVpcEndpoints,
  ModifyVpcEndpoint: modifyVpcEndpoint,
  DeleteVpcEndpoints: deleteVpcEndpoints,
};
