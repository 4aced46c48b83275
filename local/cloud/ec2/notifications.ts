/**
 * Connection notifications: SNS topics that hear of Connect / Accept / Reject / Delete of endpoint
 * connections, for a service (provider side) or one endpoint (consumer side). Publishing is in lifecycle.ts.
 */
import { AwsError } from '../framework';
import type { Handler } from './context';
import { endpointNotFoundMessage, invalidParameter } from './errors';
import { isDeleted } from './lifecycle';
import { compileFilters } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, paginate } from './paging';
import { filters, list, optional, required } from './query';
import { ownService } from './services';
import type { ConnectionEvent, ConnectionNotification } from './state';
import type { XmlObject } from './xml';

const EVENTS: ReadonlySet<string> = new Set<ConnectionEvent>(['Connect', 'Accept', 'Reject', 'Delete']);
const SNS_TOPIC_ARN = /^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

function notificationXml(n: ConnectionNotification): XmlObject {
  return {
    connectionNotificationId: n.id,
    serviceId: n.serviceId,
    vpcEndpointId: n.endpointId,
    connectionNotificationType: 'Topic',
    connectionNotificationArn: n.topicArn,
    connectionEvents: n.events,
    connectionNotificationState: 'Enabled',
  };
}

const createNotification: Handler = (call) => {
  const serviceId = optional(call.p, 'ServiceId');
  const endpointId = optional(call.p, 'VpcEndpointId');
  if ((serviceId === undefined) === (endpointId === undefined)) {
    throw invalidParameter('Specify exactly one of ServiceId or VpcEndpointId.');
  }
  if (serviceId !== undefined) ownService(call, serviceId);
  if (endpointId !== undefined) {
    const endpoint = call.rs.endpoints.get(endpointId);
    if (!endpoint || isDeleted(endpoint, call.world.clock.now())) throw new AwsError('InvalidVpcEndpointId.NotFound', endpointNotFoundMessage(endpointId));
  }
  const topicArn = required(call.p, 'ConnectionNotificationArn');
  if (!SNS_TOPIC_ARN.test(topicArn)) throw invalidParameter(`Invalid SNS topic ARN: ${topicArn}`);
  const events = list(call.p, 'ConnectionEvents');
  if (events.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ConnectionEvents');
  for (const event of events) {
    if (!EVENTS.has(event)) throw invalidParameter(`Invalid connection event '${event}'. Valid events: Connect, Accept, Reject, Delete.`);
  }
  const notification: ConnectionNotification = {
    id: call.world.newId('vpce-nfn'),
    ownerId: call.ctx.accountId,
    region: call.ctx.region,
    serviceId,
    endpointId,
    topicArn,
    events: [...new Set(events)] as ConnectionEvent[],
  };
  call.rs.notifications.set(notification.id, notification);
  return { connectionNotification: notificationXml(notification), clientToken: optional(call.p, 'ClientToken') };
};

const NOTIFICATION_FILTERS: FilterFields<ConnectionNotification> = {
  'connection-notification-arn': (n) => n.topicArn,
  'connection-notification-id': (n) => n.id,
  'connection-notification-state': () => 'Enabled',
  'connection-notification-type': () => 'Topic',
  'service-id': (n) => n.serviceId,
  'vpc-endpoint-id': (n) => n.endpointId,
};

const describeNotifications: Handler = (call) => {
  const id = optional(call.p, 'ConnectionNotificationId');
  let candidates = [...call.rs.notifications.values()];
  if (id !== undefined) {
    candidates = candidates.filter((n) => n.id === id);
    if (candidates.length === 0) throw notificationNotFound(id);
  }
  const matches = compileFilters(filters(call.p), NOTIFICATION_FILTERS);
  const page = paginate(call.p, candidates.filter(matches), PAGE_5_TO_1000);
  return { connectionNotificationSet: page.items.map(notificationXml), nextToken: page.nextToken };
};

const notificationNotFound = (id: string) =>
  new AwsError('InvalidConnectionNotification', `The connection notification '${id}' does not exist`);

const deleteNotifications: Handler = (call) => {
  const ids = list(call.p, 'ConnectionNotificationId');
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ConnectionNotificationId');
  const unsuccessful: XmlObject[] = [];
  for (const id of ids) {
    if (call.rs.notifications.delete(id)) continue;
    const { code, message } = notificationNotFound(id);
    unsuccessful.push({ error: { code, message }, resourceId: id });
  }
  return { unsuccessful };
};

export const notificationHandlers: Record<string, Handler> = {
  CreateVpcEndpointConnectionNotification: createNotification,
  DescribeVpcEndpointConnectionNotifications: describeNotifications,
  DeleteVpcEndpointConnectionNotifications: deleteNotifications,
};
