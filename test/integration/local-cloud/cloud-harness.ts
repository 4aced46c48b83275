/**
 * Shared setup for the core/STS/Organizations/RAM/S3 suites: one local cloud per test file on a random
 * port, real SDK v3 clients with a 12-digit access key id (the account convention) and no retries,
 * and a recorder for the events the cloud delivers.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { RAMClient } from '@aws-sdk/client-ram';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { CloudEvent } from '../../../local/cloud/api';
import { startLocalCloud } from '../../../local/cloud';
import type { LocalCloud, LocalCloudOptions } from '../../../local/cloud';

export const MANAGEMENT = '111111111111';
export const HUB = '222222222222';
export const REGION = 'eu-west-2';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Delivered {
  event: CloudEvent;
  bus: string;
}

export interface CloudHarness {
  readonly cloud: LocalCloud;
  readonly events: Delivered[];
  readonly notifications: { topicArn: string; message: string }[];
  sts(credentials: string | Credentials, region?: string): STSClient;
  organizations(credentials: string | Credentials): OrganizationsClient;
  ram(credentials: string | Credentials, region?: string): RAMClient;
  eventBridge(credentials: string | Credentials, region?: string): EventBridgeClient;
  /** Path style, as the SDK addresses buckets at an IP endpoint. */
  s3(credentials: string | Credentials, region?: string): S3Client;
  /** Resolves once `predicate` matches a delivered event (deliveries are asynchronous, as in AWS). */
  waitForEvent(predicate: (event: CloudEvent) => boolean): Promise<CloudEvent>;
  stop(): Promise<void>;
}

type Destroyable = { destroy(): void };

export async function startHarness(options: LocalCloudOptions = {}): Promise<CloudHarness> {
  const events: Delivered[] = [];
  const notifications: { topicArn: string; message: string }[] = [];
  const waiters: { predicate: (event: CloudEvent) => boolean; resolve: (event: CloudEvent) => void }[] = [];
  const cloud = await startLocalCloud({
    port: 0,
    ...options,
    sinks: {
      onEvent(event, bus) {
        events.push({ event, bus });
        for (const waiter of [...waiters]) {
          if (waiter.predicate(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      },
      onNotification: (topicArn, message) => notifications.push({ topicArn, message }),
    },
  });
  const config = (credentials: string | Credentials, region: string) => ({
    endpoint: cloud.url,
    region,
    credentials: typeof credentials === 'string' ? { accessKeyId: credentials, secretAccessKey: 'local' } : credentials,
    maxAttempts: 1,
  });
  // One client per (service, credentials, region): building an SDK client costs more than a call.
  const cache = new Map<string, Destroyable>();
  const cached = <T extends Destroyable>(key: string, make: () => T): T => {
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  };
  const keyOf = (service: string, credentials: string | Credentials, region: string) =>
    `${service}|${typeof credentials === 'string' ? credentials : credentials.accessKeyId}|${region}`;
  return {
    cloud,
    events,
    notifications,
    sts: (credentials, region = REGION) => cached(keyOf('sts', credentials, region), () => new STSClient(config(credentials, region))),
    organizations: (credentials) =>
      cached(keyOf('organizations', credentials, 'us-east-1'), () => new OrganizationsClient(config(credentials, 'us-east-1'))),
    ram: (credentials, region = REGION) => cached(keyOf('ram', credentials, region), () => new RAMClient(config(credentials, region))),
    eventBridge: (credentials, region = REGION) =>
      cached(keyOf('events', credentials, region), () => new EventBridgeClient(config(credentials, region))),
    s3: (credentials, region = REGION) => cached(keyOf('s3', credentials, region), () => new S3Client(config(credentials, region))),
    waitForEvent(predicate) {
      const seen = events.find((d) => predicate(d.event));
      if (seen) return Promise.resolve(seen.event);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    async stop() {
      for (const client of cache.values()) client.destroy();
      await cloud.stop();
    },
  };
}

/** The error an SDK call rejected with (its AWS code is `name`), failing the test if it succeeded. */
export type SdkError = Error & { $metadata: { httpStatusCode?: number; requestId?: string }; [member: string]: unknown };

export async function rejectionOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}
