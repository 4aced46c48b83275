/** The provider's view of endpoint connections: describe, accept, reject. */
import { AwsError } from '../framework';
import type { Call, Handler } from './context';
import { endpointNotFoundMessage } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { endpointState, notifyConnectionEvent, startPending } from './lifecycle';
import { PAGE_5_TO_1000, paginate } from './paging';
import { filters, list, required } from './query';
import { connectionXml } from './render';
import { ownService } from './services';
import type { EndpointService, VpcEndpoint } from './state';
import type { XmlObject } from './xml';

function connectionFilters(now: number): FilterFields<VpcEndpoint> {
  return {
    'service-id': (e) => e.service.id,
    'vpc-endpoint-owner': (e) => e.ownerId,
    'vpc-endpoint-state': (e) => endpointState(e, now),
    'vpc-endpoint-id': (e) => e.id,
    'ip-address-type': () => 'ipv4',
    'vpc-endpoint-region': (e) => e.region,
  };
}

const describeConnections: Handler = (call) => {
  const now = call.world.clock.now();
  const filterList = filters(call.p);
  const serviceIds = exactFilterValues(filterList, 'service-id');
  const services: EndpointService[] = serviceIds
    ? serviceIds.flatMap((id) => { const s = call.rs.services.get(id); return s ? [s] : []; })
    : [...call.rs.services.values()];
  const matches = compileFilters(filterList, connectionFilters(now));
  // A reconciler asks about single endpoints of a service with thousands: look those up directly.
  const endpointIds = exactFilterValues(filterList, 'vpc-endpoint-id');
  const connections: VpcEndpoint[] = [];
  for (const service of services) {
    const candidates = endpointIds
      ? endpointIds.flatMap((id) => { const e = service.endpoints.get(id); return e ? [e] : []; })
      : service.endpoints.values();
    for (const endpoint of candidates) if (matches(endpoint)) connections.push(endpoint);
  }
  const page = paginate(call.p, connections, PAGE_5_TO_1000);
  return { vpcEndpointConnectionSet: page.items.map((e) => connectionXml(e, now)), nextToken: page.nextToken };
};

type Decision = 'Accept' | 'Reject';

/** AWS lets a provider reject a connection that is pending acceptance or already established. */
const ALLOWED_FROM: Record<Decision, ReadonlySet<string>> = {
  Accept: new Set(['pendingAcceptance']),
  Reject: new Set(['pendingAcceptance', 'pending', 'available']),
};

function decide(call: Call, decision: Decision): XmlObject {
  const service = ownService(call, required(call.p, 'ServiceId'));
  const ids = list(call.p, 'VpcEndpointId');
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter VpcEndpointId');
  const now = call.world.clock.now();
  const unsuccessful: XmlObject[] = [];
  for (const id of ids) {
    const endpoint = service.endpoints.get(id);
    const state = endpoint ? endpointState(endpoint, now) : undefined;
    if (!endpoint || state === 'deleted') {
      unsuccessful.push({ error: { code: 'InvalidVpcEndpointId.NotFound', message: endpointNotFoundMessage(id) }, resourceId: id });
      continue;
    }
    if (!ALLOWED_FROM[decision].has(endpointState(endpoint, now))) {
      unsuccessful.push({
        error: { code: 'InvalidState', message: `Endpoint ${id} is in state ${state}; it cannot be ${decision === 'Accept' ? 'accepted' : 'rejected'}.` },
        resourceId: id,
      });
      continue;
    }
    if (decision === 'Accept') startPending(endpoint, now, call.options.endpointPendingMs);
    else endpoint.state = 'rejected';
    notifyConnectionEvent(call.world, call.state, endpoint, decision, now);
  }
  return { unsuccessful };
}

export const connectionHandlers: Record<string, Handler> = {
  DescribeVpcEndpointConnections: describeConnections,
  AcceptVpcEndpointConnections: (call) => decide(call, 'Accept'),
  RejectVpcEndpointConnections: (call) => decide(call, 'Reject'),
};
