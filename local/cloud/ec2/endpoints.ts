/** The consumer side of PrivateLink: CreateVpcEndpoint, DescribeVpcEndpoints, DeleteVpcEndpoints. */
import { AwsError } from '../framework';
import { clientToken } from './client-token';
import type { Call, Handler } from './context';
import { endpointNotFound, endpointNotFoundMessage, invalidParameter, serviceNameInvalid } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { endpointState, notifyConnectionEvent, startPending } from './lifecycle';
import { findGroup, findSubnet, findVpc } from './lookups';
import { PAGE_UP_TO_1000, paginate } from './paging';
import { bool, filters, list, optional, required, tagSpecifications } from './query';
import { endpointXml } from './render';
import { isAllowed } from './services';
import type { EndpointService, SecurityGroup, Subnet, Vpc, VpcEndpoint } from './state';
import { setTags } from './tagging';

function resolveService(call: Call, name: string): EndpointService {
  const service = call.state.servicesByName.get(name);
  // AWS answers the same whether the service does not exist or the caller is not an allowed principal.
  if (!service || service.region !== call.ctx.region || !isAllowed(service, call.ctx)) throw serviceNameInvalid(name);
  return service;
}

function resolveSubnets(call: Call, vpc: Vpc, service: EndpointService): Subnet[] {
  const subnetIds = list(call.p, 'SubnetId');
  if (subnetIds.length === 0) throw invalidParameter('An interface endpoint needs at least one subnet (SubnetIds).');
  const zonesSeen = new Set<string>();
  return subnetIds.map((id) => {
    const subnet = findSubnet(call, id);
    if (subnet.vpcId !== vpc.id) throw invalidParameter(`The subnet ID '${id}' does not belong to the VPC '${vpc.id}'.`);
    if (zonesSeen.has(subnet.zone.id)) {
      throw new AwsError(
        'DuplicateSubnetsInSameZone',
        `Found another VPC endpoint subnet in the availability zone of ${id}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.`,
      );
    }
    zonesSeen.add(subnet.zone.id);
    if (!service.zoneIds.includes(subnet.zone.id)) {
      throw invalidParameter(`The VPC endpoint service ${service.name} does not support the availability zone of the subnet: ${id}.`);
    }
    return subnet;
  });
}

function resolveGroups(call: Call, vpc: Vpc): SecurityGroup[] {
  const ids = list(call.p, 'SecurityGroupId');
  if (ids.length === 0) return [findGroup(call, vpc.defaultSecurityGroupId)];
  return ids.map((id) => {
    const group = findGroup(call, id);
    if (group.vpcId !== vpc.id) {
      throw invalidParameter(`The security group '${id}' does not belong to the VPC '${vpc.id}'.`);
    }
    return group;
  });
}

/**
 * Private DNS needs a verified name on the service and both DNS attributes on the VPC. Left out, it
 * defaults to on exactly when it can work, so a plain CreateVpcEndpoint never fails over it.
 */
function resolvePrivateDns(call: Call, vpc: Vpc, service: EndpointService): boolean {
  const requested = bool(call.p, 'PrivateDnsEnabled');
  const serviceHasName = service.privateDnsName !== undefined && service.privateDnsState === 'verified';
  const vpcReady = vpc.enableDnsSupport && vpc.enableDnsHostnames;
  if (requested === undefined) return serviceHasName && vpcReady;
  if (!requested) return false;
  if (!vpcReady) {
    throw invalidParameter(`Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpc.id}`);
  }
  if (!serviceHasName) {
    throw invalidParameter(`Private DNS can't be enabled because the service ${service.name} does not provide a verified private DNS name.`);
  }
  return true;
}

const countsTowardLimit = (endpoint: VpcEndpoint) => endpoint.state !== 'deleted' && endpoint.state !== 'rejected';

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
  const subnets = resolveSubnets(call, vpc, service);
  const groups = resolveGroups(call, vpc);
  const privateDnsEnabled = resolvePrivateDns(call, vpc, service);
  const tags = tagSpecifications(call.p, 'vpc-endpoint');
  const inVpc = call.rs.endpointsByVpc.get(vpc.id) ?? new Set<VpcEndpoint>();
  let active = 0;
  for (const endpoint of inVpc) if (countsTowardLimit(endpoint)) active++;
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
    candidates = ids.map((id) => {
      const endpoint = call.rs.endpoints.get(id);
      if (!endpoint || endpoint.state === 'deleted') throw endpointNotFound(id);
      return endpoint;
    });
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
  const visible = candidates.filter((e) => e.state !== 'deleted' && matches(e));
  const page = paginate(call.p, visible, PAGE_UP_TO_1000);
  return { vpcEndpointSet: page.items.map((e) => endpointXml(e, now)), nextToken: page.nextToken };
};

const deleteVpcEndpoints: Handler = (call) => {
  const ids = list(call.p, 'VpcEndpointId');
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter VpcEndpointId');
  const now = call.world.clock.now();
  const unsuccessful = [];
  for (const id of ids) {
    const endpoint = call.rs.endpoints.get(id);
    if (!endpoint || endpoint.state === 'deleted') {
      unsuccessful.push({ error: { code: 'InvalidVpcEndpointId.NotFound', message: endpointNotFoundMessage(id) }, resourceId: id });
      continue;
    }
    endpoint.state = 'deleted';
    call.rs.endpointsByVpc.get(endpoint.vpcId)?.delete(endpoint);
    call.rs.taggables.delete(endpoint.id);
    for (const group of endpoint.groups) group.usedBy.delete(endpoint.id);
    // The provider keeps seeing the connection, as `deleted`, like AWS shows it for a while.
    notifyConnectionEvent(call.world, call.state, endpoint, 'Delete', now);
  }
  return { unsuccessful };
};

export const endpointHandlers: Record<string, Handler> = {
  CreateVpcEndpoint: createVpcEndpoint,
  DescribeVpcEndpoints: describeVpcEndpoints,
  DeleteVpcEndpoints: deleteVpcEndpoints,
};
