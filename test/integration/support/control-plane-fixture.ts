/**
 * One control plane per test file: the local cloud, the hub, the local event bus and the real handlers, with time
 * scaled so batching windows, retries and endpoint state changes take milliseconds. Tests drive it the way people
 * and AWS do (SDK calls in member accounts, events) and observe it through the SDK, the bus and the audit trail.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RAMClient } from '@aws-sdk/client-ram';
import type { LocalCloud } from '../../../local/cloud';
import type { CloudEvent } from '../../../local/cloud/api';
import { OrganizationAdmin } from '../../../local/demo/tenant';
import { startLocalControlPlane, type LocalControlPlane } from '../../../local/runner/control-plane';
import type { HubResources } from '../../../local/runner/hub-bootstrap';
import type { QueueName } from '../../../events/routes';
import type { QueueSettings } from '../../../local/bus';
import { captureHandlerLogs, type LogCapture } from './log-capture';
import { waitUntil, type WaitOptions } from './wait';

/** The physical AZs the hub service supports; the third AZ id of the region is the unsupported one. */
export const SUPPORTED_AZ_IDS = ['euw2-az1', 'euw2-az2'] as const;
export const UNSUPPORTED_AZ_ID = 'euw2-az3';

/** AWS seconds per wall second: the 5 s batching window becomes 0.1 s, pending -> available 0.1 s. */
const TIME_SCALE = 50;
/** Emulated seconds before a failed message is redelivered (AWS: minutes); retries then take ~50 ms. */
const FAST_VISIBILITY_SECONDS = 1;

export interface FixtureOptions {
  settings?: Record<string, string>;
  beforeHandlers?: (cloud: LocalCloud, hub: HubResources) => Promise<Record<string, string> | void>;
  /** Per-queue overrides on top of the fast retries (e.g. batchSize 1 to make invocations run concurrently). */
  queueSettings?: Partial<Record<QueueName, Partial<QueueSettings>>>;
}

export interface ControlPlaneFixture {
  readonly cp: LocalControlPlane;
  readonly logs: LogCapture;
  readonly hubEc2: EC2Client;
  readonly hubRam: RAMClient;
  readonly org: OrganizationAdmin;
  /** The management account's Organizations client (OUs, MoveAccount, CloseAccount). */
  readonly organizations: OrganizationsClient;
  /** An EC2 client acting as `accountId` (the local cloud's credential convention). */
  ec2As(accountId: string): EC2Client;
  /** Wait for a condition while letting the bus drain between checks. */
  until(what: string, condition: () => Promise<boolean> | boolean, options?: WaitOptions): Promise<void>;
  /** Resolves once `queue` has received `count` more messages than `since` and has nothing left to do. */
  drained(queue: QueueName, since: number, count: number): Promise<void>;
  /** Messages sent to `queue` so far (the baseline for drained()). */
  sent(queue: QueueName): number;
  /**
   * Puts an event on the hub bus as a forwarding rule in the event's own account would deliver it (same id, account
   * and region), subject to the hub bus's policy. Returns why it was refused, or undefined once delivered.
   */
  putOnHubBus(event: CloudEvent): string | undefined;
  stop(): Promise<void>;
}

export async function startControlPlaneFixture(options: FixtureOptions = {}): Promise<ControlPlaneFixture> {
  const logs = captureHandlerLogs();
  let cp: LocalControlPlane;
  try {
    cp = await startLocalControlPlane({
      cloud: { port: 0, timeScale: TIME_SCALE },
      bus: {
        timeScale: TIME_SCALE,
        queueSettings: {
          'account-onboarding': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS, ...options.queueSettings?.['account-onboarding'] },
          'vpc-onboarding': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS, ...options.queueSettings?.['vpc-onboarding'] },
          'connection-acceptance': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS, ...options.queueSettings?.['connection-acceptance'] },
          'account-reconcile': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS, ...options.queueSettings?.['account-reconcile'] },
          'mapping-publish': { visibilityTimeoutSeconds: FAST_VISIBILITY_SECONDS, ...options.queueSettings?.['mapping-publish'] },
        },
      },
      ...(options.settings ? { settings: options.settings } : {}),
      beforeHandlers: async (cloud, hub) => {
        cloud.ec2.setEndpointServiceZones(hub.serviceId, [...SUPPORTED_AZ_IDS]);
        return options.beforeHandlers?.(cloud, hub);
      },
    });
  } catch (error) {
    logs.restore();
    throw error;
  }
  const clientConfig = (accountId: string) => ({
    endpoint: cp.cloud.url,
    region: cp.region,
    credentials: { accessKeyId: accountId, secretAccessKey: 'local' },
  });
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const hubAccountId = cp.cloud.world.hubAccountId;
  const managementAccountId = cp.cloud.world.managementAccountId;
  const drain = () => cp.idle();
  const sent = (queue: QueueName) => cp.bus.stats().queues[queue].sent;

  return {
    cp,
    logs,
    hubEc2: track(new EC2Client(clientConfig(hubAccountId))),
    hubRam: track(new RAMClient(clientConfig(hubAccountId))),
    org: track(new OrganizationAdmin(managementAccountId, cp.cloud.url)),
    organizations: track(new OrganizationsClient({ ...clientConfig(managementAccountId), region: 'us-east-1' })),
    ec2As: (accountId) => track(new EC2Client(clientConfig(accountId))),
    until: (what, condition, waitOptions) => waitUntil(what, condition, { between: drain, ...waitOptions }),
    sent,
    drained: async (queue, since, count) => {
      await waitUntil(`${count} message(s) reached ${queue}`, () => sent(queue) >= since + count, { between: drain });
      await cp.idle();
    },
    putOnHubBus: (event) => cp.bus.forwardToHubBus(event),
    stop: async () => {
      for (const client of clients) client.destroy();
      try {
        await cp.stop();
      } finally {
        logs.restore();
      }
    },
  };
}
