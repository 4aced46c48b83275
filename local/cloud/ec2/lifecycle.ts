/**
 * Endpoint connection lifecycle: pendingAcceptance -> (accept) pending -> available, or rejected; and from any
 * live state, (delete) deleting -> deleted. `pending` and `deleting` resolve lazily from the emulated clock, so
 * no timers outlive the cloud and a benchmark's time scale compresses the waits without extra work.
 */
import type { World } from '../framework';
import type { ConnectionEvent, EndpointState, VpcEndpoint } from './state';
import type { Ec2State } from './state';

export function endpointState(endpoint: VpcEndpoint, now: number): EndpointState {
  if (endpoint.state === 'pending' && now >= endpoint.availableAt) endpoint.state = 'available';
  if (endpoint.state === 'deleting' && now >= endpoint.deletedAt) endpoint.state = 'deleted';
  return endpoint.state;
}

/** Gone for good: AWS answers NotFound for it and it holds nothing (subnets, security groups, quota). */
export const isDeleted = (endpoint: VpcEndpoint, now: number) => endpointState(endpoint, now) === 'deleted';

/**
 * AWS tears the endpoint's network interfaces down before it is `deleted`; until then it still occupies its
 * subnets and security groups, and the provider sees the connection as `deleting`.
 */
export function startDeleting(endpoint: VpcEndpoint, now: number, deletingMs: number): void {
  endpoint.state = 'deleting';
  endpoint.deletedAt = now + deletingMs;
}

export function startPending(endpoint: VpcEndpoint, now: number, pendingMs: number): void {
  endpoint.state = 'pending';
  endpoint.availableAt = now + pendingMs;
}

/**
 * Publish a connection notification to every subscription of the endpoint's service (provider side)
 * and of the endpoint itself (consumer side) that asked for this event. The SNS body is undocumented
 * by AWS; consumers must treat it as a trigger and re-read the connection state.
 */
export function notifyConnectionEvent(
  world: World,
  state: Ec2State,
  endpoint: VpcEndpoint,
  event: ConnectionEvent,
  now: number,
): void {
  const { service } = endpoint;
  const owners = [state.region(service.ownerId, service.region), state.region(endpoint.ownerId, endpoint.region)];
  const seen = new Set<string>();
  for (const owner of owners) {
    for (const subscription of owner.notifications.values()) {
      if (seen.has(subscription.id) || !subscription.events.includes(event)) continue;
      const matches = subscription.serviceId === service.id || subscription.endpointId === endpoint.id;
      if (!matches) continue;
      seen.add(subscription.id);
      world.publishNotification(
        subscription.topicArn,
        JSON.stringify({
          Version: '1.0',
          EventTime: new Date(now).toISOString(),
          EventType: event,
          ConnectionNotificationId: subscription.id,
          ServiceId: service.id,
          ServiceName: service.name,
          EndpointId: endpoint.id,
          EndpointOwner: endpoint.ownerId,
          EndpointState: endpointState(endpoint, now),
          VpcId: endpoint.vpcId,
          Region: endpoint.region,
        }),
      );
    }
  }
}
