/**
 * Internal contract of the local cloud: how the HTTP server hands a request to a service module,
 * and the shared world state those modules read. Each service owns its wire protocol (EC2 query/XML,
 * STS query/XML, Organizations JSON 1.1, RAM REST-JSON, S3 REST-XML) because AWS's protocols differ in every detail.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CloudEvent, LocalCloudSinks } from './api';

/** Who is calling and where, decoded from the SigV4 Authorization header. */
export interface CallContext {
  accountId: string;
  region: string;
  /** e.g. arn:aws:iam::123456789012:root or arn:aws:sts::123456789012:assumed-role/Role/session */
  callerArn: string;
  requestId: string;
}

export interface RawRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body decoded as UTF-8: what the JSON, query and XML protocols read. */
  body: string;
  /** The body's bytes as received, for payloads that are not text (S3 objects). */
  bodyBytes: Buffer;
}

export interface RawResponse {
  status: number;
  /**
   * Response headers. The server sets Content-Length from the body, except for HEAD, where a module's own
   * Content-Length stands: it describes what GET would send (S3's HeadObject).
   */
  headers: Record<string, string>;
  body: string;
  /** A binary body (S3 objects), sent instead of `body` when set. */
  bodyBytes?: Buffer;
}

/** An AWS error; each service module serializes it in its own protocol's shape. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** A member of the world: an AWS account, whether or not it is in the organization. */
export interface Account {
  id: string;
  name: string;
  email: string;
  /** The spoke baseline role exists (as if deployed by the StackSet); tests switch it off. */
  spokeRoleEnabled: boolean;
}

/** A role STS can assume. IAM is not emulated: roles come from account baselines. */
export interface Role {
  arn: string;
  accountId: string;
  /** Principal ARNs the trust policy admits (roles, `arn:aws:iam::ACCOUNT:root`). */
  trustedPrincipals: string[];
}

export interface ServiceModule {
  /** The SigV4 signing name: ec2, sts, organizations, ram, s3. */
  readonly signingName: string;
  /** The action name of a request (for routing, throttling and fault injection). */
  actionOf(req: RawRequest): string;
  handle(req: RawRequest, ctx: CallContext): Promise<RawResponse> | RawResponse;
  /**
   * Serialize an error (throttle, fault, AwsError from handle) in this protocol's shape. `req` is the request
   * that failed, for protocols whose error shape depends on it (S3 answers HEAD errors without a body).
   */
  errorResponse(err: AwsError, ctx: CallContext, req?: RawRequest): RawResponse;
  /** The throttle bucket an action draws from (see aws-facts.md), or undefined for none. */
  throttleClass(action: string): string | undefined;
  /**
   * Optional: what a token bucket is kept per, when AWS's limits do not follow the caller's account and region.
   * S3 limits requests per prefix of a bucket, whoever sends them. Default: the caller's account and region.
   */
  throttleScope?(req: RawRequest, ctx: CallContext): string;
  /**
   * Optional: the bucket of each class this module reports (capacity, tokens per emulated second).
   * Without it the core's defaults apply (core/throttle.ts: EC2's numbers from aws-facts.md).
   */
  readonly throttleBuckets?: Readonly<Record<string, { capacity: number; refillPerSecond: number }>>;
  /** JSON-able snapshot for GET /_local/state. */
  snapshot(): unknown;
}

export interface Clock {
  now(): number;
  /** Sleep in emulated time: real delay = ms / timeScale. */
  delay(ms: number): Promise<void>;
}

/** State and services shared by all service modules of one local cloud. */
export interface World {
  readonly accounts: Map<string, Account>;
  readonly roles: Map<string, Role>;
  readonly managementAccountId: string;
  readonly hubAccountId: string;
  readonly clock: Clock;
  /** Seeded generator, so fault injection is reproducible. */
  random(): number;
  /** A new id such as vpc-0a1b2c3d4e5f60718 (prefix plus 17 hex chars). */
  newId(prefix: string): string;
  /** Emit to the account's default event bus (the sink applies drop/duplicate/delay faults). */
  emitEvent(event: Omit<CloudEvent, 'version' | 'id' | 'time'>): void;
  publishNotification(topicArn: string, message: string): void;
  /** Create an account with its baseline (the spoke role) if it does not exist. */
  ensureAccount(account: Omit<Account, 'spokeRoleEnabled'> & { spokeRoleEnabled?: boolean }): Account;
  readonly sinks: LocalCloudSinks;
}
