/**
 * A minimal local cloud for the EC2 module's tests: a test World with a hand-driven clock that
 * records events and notifications, and an HTTP server that reads the caller's account (access key
 * id) and region from the SigV4 Authorization header, as the core does. The real EC2 SDK client talks
 * to it over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudEvent } from '../../../local/cloud/api';
import { AwsError } from '../../../local/cloud/framework';
import type { Account, CallContext, RawRequest, World } from '../../../local/cloud/framework';
import { createEc2Service } from '../../../local/cloud/ec2';
import type { Ec2Options, Ec2ServiceModule } from '../../../local/cloud/ec2';

export const HUB = '222222222222';
export const SPOKE = '333333333333';
export const OTHER = '444444444444';
export const REGION = 'eu-west-2';

export interface Notification {
  topicArn: string;
  message: Record<string, unknown>;
}

export interface Ec2Harness {
  readonly url: string;
  readonly ec2: Ec2ServiceModule;
  readonly events: CloudEvent[];
  readonly notifications: Notification[];
  client(accountId: string, region?: string): EC2Client;
  /** Move emulated time forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

function testWorld(events: CloudEvent[], notifications: Notification[], clock: { now: number }): World {
  let counter = 0;
  const accounts = new Map<string, Account>();
  return {
    accounts,
    roles: new Map(),
    managementAccountId: '111111111111',
    hubAccountId: HUB,
    clock: { now: () => clock.now, delay: () => Promise.resolve() },
    random: () => 0.5,
    newId: (prefix) => `${prefix}-${(++counter).toString(16).padStart(17, '0')}`,
    emitEvent: (event) => events.push({ version: '0', id: randomUUID(), time: new Date(clock.now).toISOString(), ...event }),
    publishNotification: (topicArn, message) => notifications.push({ topicArn, message: JSON.parse(message) as Record<string, unknown> }),
    ensureAccount: (input) => {
      const account = { spokeRoleEnabled: true, ...input };
      accounts.set(account.id, account);
      return account;
    },
    sinks: { onEvent: () => undefined, onNotification: () => undefined },
  };
}

const CREDENTIAL = /Credential=(\d{12})\/\d{8}\/([a-z0-9-]+)\/ec2\/aws4_request/;

export async function startEc2Harness(options: Ec2Options = {}): Promise<Ec2Harness> {
  const events: CloudEvent[] = [];
  const notifications: Notification[] = [];
  const clock = { now: Date.parse('2026-11-21T10:00:00Z') };
  const ec2 = createEc2Service(testWorld(events, notifications, clock), options);

  const server = createServer((httpReq, httpRes) => {
    const chunks: Buffer[] = [];
    httpReq.on('data', (chunk: Buffer) => chunks.push(chunk));
    httpReq.on('end', () => {
      const [path = '/', queryString = ''] = (httpReq.url ?? '/').split('?');
      const bodyBytes = Buffer.concat(chunks);
      const req: RawRequest = {
        method: httpReq.method ?? 'GET',
        path,
        query: new URLSearchParams(queryString),
        headers: httpReq.headers,
        body: bodyBytes.toString('utf8'),
        bodyBytes,
      };
      const match = CREDENTIAL.exec(httpReq.headers.authorization ?? '');
      const ctx: CallContext = {
        accountId: match?.[1] ?? '000000000000',
        region: match?.[2] ?? REGION,
        callerArn: `arn:aws:iam::${match?.[1] ?? '000000000000'}:root`,
        requestId: randomUUID(),
      };
      let res;
      try {
        ec2.actionOf(req);
        res = ec2.handle(req, ctx) as ReturnType<Ec2ServiceModule['errorResponse']>;
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        res = ec2.errorResponse(err, ctx);
      }
      httpRes.writeHead(res.status, res.headers);
      httpRes.end(res.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: EC2Client[] = [];

  return {
    url,
    ec2,
    events,
    notifications,
    client(accountId, region = REGION) {
      const client = new EC2Client({
        endpoint: url,
        region,
        credentials: { accessKeyId: accountId, secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    advance(ms) {
      clock.now += ms;
    },
    close() {
      for (const client of clients) client.destroy();
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The error an SDK call rejected with, with its AWS code in `name`. */
export async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected the call to fail');
}
