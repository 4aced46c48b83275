/**
 * The provider side of PrivateLink: endpoint service configurations, their allowed principals, and
 * the consumer's DescribeVpcEndpointServices view.
 */
import { AwsError } from '../framework';
import type { CallContext } from '../framework';
import { clientToken } from './client-token';
import type { Call, Handler } from './context';
import { invalidParameter, serviceIdNotFound, serviceNameInvalid } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, PAGE_UP_TO_1000, paginate } from './paging';
import { bool, filters, list, optional, required, tagSpecifications } from './query';
import { serviceConfigurationXml, serviceDetailXml } from './render';
import type { EndpointService, ServicePermission } from './state';
import { setTags } from './tagging';
import { accountZones } from './zones';

/** The caller's own service, or NotFound (another account's service is invisible to it here). */
export function ownService(call: Call, id: string): EndpointService {
  const service = call.rs.services.get(id);
  if (!service) throw serviceIdNotFound(id);
  return service;
}

const assumedRoleAsRoleArn = (callerArn: string) => {
  const match = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(callerArn);
  return match ? `arn:aws:iam::${match[1]}:role/${match[2]}` : undefined;
};

/** Whether the caller may see and connect to the service: its owner, or an allowed principal. */
export function isAllowed(service: EndpointService, ctx: CallContext): boolean {
  if (service.ownerId === ctx.accountId) return true;
  const { permissions } = service;
  if (permissions.size === 0) return false;
  if (permissions.has('*') || permissions.has(`arn:aws:iam::${ctx.accountId}:root`) || permissions.has(ctx.callerArn)) return true;
  const roleArn = assumedRoleAsRoleArn(ctx.callerArn);
  return roleArn !== undefined && permissions.has(roleArn);
}

const NLB_ARN = /^arn:aws:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/net\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}$/;

const createServiceConfiguration: Handler = (call) => {
  const action = 'CreateVpcEndpointServiceConfiguration';
  const idempotency = clientToken(call, action);
  const previous = idempotency.previous ? call.rs.services.get(idempotency.previous) : undefined;
  if (previous) return { serviceConfiguration: serviceConfigurationXml(previous), clientToken: optional(call.p, 'ClientToken') };

  const nlbArns = list(call.p, 'NetworkLoadBalancerArn');
  if (list(call.p, 'GatewayLoadBalancerArn').length > 0) {
    throw invalidParameter('Gateway Load Balancer endpoint services are not emulated by the local cloud.');
  }
  if (nlbArns.length === 0) throw invalidParameter('At least one network load balancer ARN must be specified.');
  for (const arn of nlbArns) {
    const match = NLB_ARN.exec(arn);
    if (!match || match[1] !== call.ctx.region || match[2] !== call.ctx.accountId) {
      throw invalidParameter(`The load balancer ARN '${arn}' is not valid for account ${call.ctx.accountId} in ${call.ctx.region}.`);
    }
  }
  const privateDnsName = optional(call.p, 'PrivateDnsName');
  const tags = tagSpecifications(call.p, 'vpc-endpoint-service');
  const id = call.world.newId('vpce-svc');
  const zoneIds = accountZones(call.ctx.accountId, call.ctx.region)
    .slice(0, call.options.serviceZoneCount)
    .map((z) => z.id);
  const service: EndpointService = call.rs.register(call.rs.services, {
    id,
    type: 'vpc-endpoint-service',
    ownerId: call.ctx.accountId,
    region: call.ctx.region,
    tags: new Map(),
    tagVersion: 0,
    name: `com.amazonaws.vpce.${call.ctx.region}.${id}`,
    networkLoadBalancerArns: nlbArns,
    acceptanceRequired: bool(call.p, 'AcceptanceRequired') ?? false,
    privateDnsName,
    privateDnsState: 'pendingVerification',
    privateDnsTxt: { name: `_${id.slice(-12)}`, value: `vpce:${[...id.slice(-20)].reverse().join('')}` },
    zoneIds,
    permissions: new Map(),
    endpoints: new Map(),
  });
  if (tags.size > 0) setTags(call.world, service, tags);
  call.state.servicesById.set(service.id, service);
  call.state.servicesByName.set(service.name, service);
  idempotency.remember(service.id);
  return { serviceConfiguration: serviceConfigurationXml(service), clientToken: optional(call.p, 'ClientToken') };
};

const CONFIGURATION_FILTERS: FilterFields<EndpointService> = {
  'service-name': (s) => s.name,
  'service-id': (s) => s.id,
  'service-state': () => 'Available',
  'supported-ip-address-types': () => 'ipv4',
};

const describeServiceConfigurations: Handler = (call) => {
  const ids = list(call.p, 'ServiceId');
  const candidates = ids.length > 0 ? ids.map((id) => ownService(call, id)) : [...call.rs.services.values()];
  const matches = compileFilters(filters(call.p), CONFIGURATION_FILTERS);
  const page = paginate(call.p, candidates.filter(matches), PAGE_5_TO_1000);
  return { serviceConfigurationSet: page.items.map(serviceConfigurationXml), nextToken: page.nextToken };
};

const SERVICE_FILTERS: FilterFields<EndpointService> = {
  'service-name': (s) => s.name,
  'service-type': () => 'Interface',
  'service-region': (s) => s.region,
  owner: (s) => s.ownerId,
  'supported-ip-address-types': () => 'ipv4',
};

const describeServices: Handler = (call) => {
  const names = list(call.p, 'ServiceName');
  let candidates: EndpointService[];
  if (names.length > 0) {
    candidates = names.map((name) => {
      const service = call.state.servicesByName.get(name);
      if (!service || service.region !== call.ctx.region || !isAllowed(service, call.ctx)) throw serviceNameInvalid(name);
      return service;
    });
  } else {
    candidates = [...call.state.servicesById.values()].filter((s) => s.region === call.ctx.region && isAllowed(s, call.ctx));
  }
  const matches = compileFilters(filters(call.p), SERVICE_FILTERS);
  const page = paginate(call.p, candidates.filter(matches), PAGE_UP_TO_1000);
  return {
    serviceNameSet: page.items.map((s) => s.name),
    serviceDetailSet: page.items.map((s) => serviceDetailXml(s, call.ctx.accountId)),
    nextToken: page.nextToken,
  };
};

/** Account roots, IAM roles and users without a path, or `*` (AWS refuses ARNs with paths). */
const PRINCIPAL = /^arn:aws:iam::(\d{12}):(root|role\/[\w+=,.@-]+|user\/[\w+=,.@-]+)$/;

function principalType(principal: string): ServicePermission['principalType'] {
  if (principal === '*') return 'All';
  const match = PRINCIPAL.exec(principal);
  if (!match?.[2]) throw new AwsError('InvalidPrincipal', `Invalid principal '${principal}'. Principals must be an account root, IAM role or user ARN without a path, or '*'.`);
  if (match[2] === 'root') return 'Account';
  return match[2].startsWith('role/') ? 'Role' : 'User';
}

const modifyPermissions: Handler = (call) => {
  const service = ownService(call, required(call.p, 'ServiceId'));
  const additions = list(call.p, 'AddAllowedPrincipals');
  const removals = list(call.p, 'RemoveAllowedPrincipals');
  if (additions.length === 0 && removals.length === 0) {
    throw invalidParameter('At least one of AddAllowedPrincipals or RemoveAllowedPrincipals must be specified.');
  }
  // Validate every principal before changing anything.
  const types = additions.map(principalType);
  removals.forEach(principalType);
  const added = additions.map((principal, i) => {
    let permission = service.permissions.get(principal);
    if (!permission) {
      permission = { id: call.world.newId('vpce-svc-perm'), principal, principalType: types[i] ?? 'Account' };
      service.permissions.set(principal, permission);
    }
    return permission;
  });
  // Removing a principal leaves its existing connections alone, as in AWS.
  for (const principal of removals) service.permissions.delete(principal);
  return {
    addedPrincipalSet: added.length > 0
      ? added.map((p) => ({ principalType: p.principalType, principal: p.principal, servicePermissionId: p.id, serviceId: service.id }))
      : undefined,
    return: true,
  };
};

const PERMISSION_FILTERS: FilterFields<ServicePermission> = {
  principal: (p) => p.principal,
  'principal-type': (p) => p.principalType,
};

const describePermissions: Handler = (call) => {
  const service = ownService(call, required(call.p, 'ServiceId'));
  const filterList = filters(call.p);
  const matches = compileFilters(filterList, PERMISSION_FILTERS);
  // "Is this account allowed yet?" is asked per account of a large organization: answer from the map.
  const principals = exactFilterValues(filterList, 'principal');
  const candidates = principals
    ? principals.flatMap((p) => { const permission = service.permissions.get(p); return permission ? [permission] : []; })
    : [...service.permissions.values()];
  const page = paginate(call.p, candidates.filter(matches), PAGE_5_TO_1000);
  return {
    allowedPrincipals: page.items.map((p) => ({
      principalType: p.principalType,
      principal: p.principal,
      servicePermissionId: p.id,
      serviceId: service.id,
    })),
    nextToken: page.nextToken,
  };
};

/** The local cloud cannot look up DNS TXT records: verification succeeds at once. */
const startPrivateDnsVerification: Handler = (call) => {
  const service = ownService(call, required(call.p, 'ServiceId'));
  if (!service.privateDnsName) throw invalidParameter(`The service ${service.id} has no private DNS name.`);
  service.privateDnsState = 'verified';
  return { return: true };
};

export const serviceHandlers: Record<string, Handler> = {
  CreateVpcEndpointServiceConfiguration: createServiceConfiguration,
  DescribeVpcEndpointServiceConfigurations: describeServiceConfigurations,
  DescribeVpcEndpointServices: describeServices,
  ModifyVpcEndpointServicePermissions: modifyPermissions,
  DescribeVpcEndpointServicePermissions: describePermissions,
  StartVpcEndpointServicePrivateDnsVerification: startPrivateDnsVerification,
};
