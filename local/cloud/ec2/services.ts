/**
 * The provider side of PrivateLink: endpoint service configurations, their allowed principals, and
 * the consumer's DescribeVpcEndpointServices view.
 */
import { AwsError } from '../framework';
import type { CallContext } from '../framework';
import { clientToken } from './client-token';
import type { Call, Handler } from './context';
import { invalidParameter, serviceIdNotFound, serviceNameInvalid } from './errors';
import { compileFilters } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, PAGE_UP_TO_1000, paginate } from './paging';
import { bool, filters, list, optional, required, tagSpecifications } from './query';
import { serviceConfigurationXml, serviceDetailXml } from './render';
import { endpointState } from './lifecycle';
import type { EndpointService } from './state';
import type { XmlObject } from './xml';
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

function validateNlbArn(call: Call, arn: string): void {
  const match = NLB_ARN.exec(arn);
  if (!match || match[1] !== call.ctx.region || match[2] !== call.ctx.accountId) {
    throw invalidParameter(`The load balancer ARN '${arn}' is not valid for account ${call.ctx.accountId} in ${call.ctx.region}.`);
  }
}

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
  nlbArns.forEach((arn) => validateNlbArn(call, arn));
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

const modifyServiceConfiguration: Handler = (call) => {
  const service = ownService(call, required(call.p, 'ServiceId'));
  const acceptanceRequired = bool(call.p, 'AcceptanceRequired');
  const privateDnsName = optional(call.p, 'PrivateDnsName');
  const removePrivateDnsName = bool(call.p, 'RemovePrivateDnsName');
  if (privateDnsName !== undefined && removePrivateDnsName) {
    throw new AwsError('InvalidParameterCombination', 'PrivateDnsName and RemovePrivateDnsName cannot be used together.');
  }
  const remove = new Set(list(call.p, 'RemoveNetworkLoadBalancerArn'));
  const add = list(call.p, 'AddNetworkLoadBalancerArn');
  add.forEach((arn) => validateNlbArn(call, arn));
  const nlbArns = [...service.networkLoadBalancerArns.filter((arn) => !remove.has(arn)), ...add.filter((arn) => !service.networkLoadBalancerArns.includes(arn))];
  if (nlbArns.length === 0) throw invalidParameter('An endpoint service must keep at least one network load balancer.');

  service.networkLoadBalancerArns = nlbArns;
  if (acceptanceRequired !== undefined) service.acceptanceRequired = acceptanceRequired;
  if (removePrivateDnsName) service.privateDnsName = undefined;
  if (privateDnsName !== undefined && privateDnsName !== service.privateDnsName) {
    // A new name must be verified again, as in AWS.
    service.privateDnsName = privateDnsName;
    service.privateDnsState = 'pendingVerification';
  }
  return { return: true };
};

/** Connections in these states keep a service from being deleted. */
const LIVE_STATES: ReadonlySet<string> = new Set(['pendingAcceptance', 'pending', 'available']);

const deleteServiceConfigurations: Handler = (call) => {
  const ids = list(call.p, 'ServiceId');
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ServiceId');
  const now = call.world.clock.now();
  const unsuccessful: XmlObject[] = [];
  for (const id of ids) {
    const service = call.rs.services.get(id);
    if (!service) {
      const { code, message } = serviceIdNotFound(id);
      unsuccessful.push({ error: { code, message }, resourceId: id });
      continue;
    }
    if ([...service.endpoints.values()].some((e) => LIVE_STATES.has(endpointState(e, now)))) {
      unsuccessful.push({ error: { code: 'ExistingVpcEndpointConnections', message: 'Service has existing active VPC Endpoint connections!' }, resourceId: id });
      continue;
    }
    call.rs.unregister(call.rs.services, service);
    call.state.servicesById.delete(service.id);
    call.state.servicesByName.delete(service.name);
  }
  return { unsuccessful };
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
  ModifyVpcEndpointServiceConfiguration: modifyServiceConfiguration,
  DeleteVpcEndpointServiceConfigurations: deleteServiceConfigurations,
  DescribeVpcEndpointServices: describeServices,
  StartVpcEndpointServicePrivateDnsVerification: startPrivateDnsVerification,
};
