import { LOCAL_DEFAULTS } from './api';
import type { LocalCloudSinks } from './api';
import type { BucketSpec } from './core/throttle';
import type { Ec2Options } from './ec2';
import type { OrganizationsOptions } from './organizations';

export interface FaultOptions {
  /** Seed of the fault generator; the same seed and the same calls give the same faults. Default 1. */
  seed?: number;
  /** Share of AWS calls (0..1) answered with an injected 500/503 in the service's own error shape. */
  errorRate?: number;
  /** Restrict injected errors to these signing names (default: every service). */
  errorServices?: string[];
  /** Share of event and notification deliveries lost (0..1). */
  eventDrop?: number;
  /** Share of deliveries made twice (0..1). */
  eventDuplicate?: number;
  /** Each delivery is delayed by a uniform draw from [min, max] emulated ms, which reorders events. */
  eventDelayMs?: [number, number];
}

export interface ThrottlingOptions {
  enabled?: boolean;
  /** Bucket overrides by `service:class` (e.g. `ec2:mutating`, `organizations:default`) or bare class. */
  buckets?: Record<string, BucketSpec>;
}

export interface LocalCloudOptions {
  /** 0 picks a free port. Default: LOCAL_CLOUD_PORT, else 4566. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  managementAccountId?: string;
  hubAccountId?: string;
  /** Emulated time runs this many times faster than wall time (delays, token refill). Default 1. */
  timeScale?: number;
  /** true/false, or details. Default on, with AWS's buckets. */
  throttling?: boolean | ThrottlingOptions;
  faults?: FaultOptions;
  /** Seed for generated ids (account ids, organization ids, resource ids). Default 42. */
  idSeed?: number;
  organizations?: OrganizationsOptions;
  /** EC2 tunables: connection state delays, endpoints per VPC, zones per endpoint service. */
  ec2?: Ec2Options;
  /** Where events and notifications go; can be set later with LocalCloud.setSinks. */
  sinks?: LocalCloudSinks;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  managementAccountId: string;
  hubAccountId: string;
  timeScale: number;
  throttling: Required<ThrottlingOptions>;
  faults: Required<Omit<FaultOptions, 'errorServices'>> & { errorServices?: string[] };
  idSeed: number;
  organizations: OrganizationsOptions;
  ec2: Ec2Options;
  sinks?: LocalCloudSinks;
}

function share(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (!(v >= 0 && v <= 1)) throw new Error(`faults.${name} must be between 0 and 1, got ${v}`);
  return v;
}

function portFromEnv(): number {
  const raw = process.env.LOCAL_CLOUD_PORT;
  if (raw === undefined || raw === '') return LOCAL_DEFAULTS.port;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`LOCAL_CLOUD_PORT must be a port number, got ${raw}`);
  return port;
}

export function resolveOptions(options: LocalCloudOptions): ResolvedOptions {
  const throttling = typeof options.throttling === 'object' ? options.throttling : { enabled: options.throttling ?? true };
  const faults = options.faults ?? {};
  const delay = faults.eventDelayMs ?? [0, 0];
  if (!(delay[0] >= 0 && delay[1] >= delay[0])) throw new Error(`faults.eventDelayMs must be [min, max] with 0 <= min <= max`);
  const managementAccountId = options.managementAccountId ?? LOCAL_DEFAULTS.managementAccountId;
  const hubAccountId = options.hubAccountId ?? LOCAL_DEFAULTS.hubAccountId;
  for (const [name, id] of [['managementAccountId', managementAccountId], ['hubAccountId', hubAccountId]]) {
    if (!/^\d{12}$/.test(id ?? '')) throw new Error(`${name} must be 12 digits, got ${id}`);
  }
  if (managementAccountId === hubAccountId) throw new Error('managementAccountId and hubAccountId must differ');
  return {
    port: options.port ?? portFromEnv(),
    host: options.host ?? '127.0.0.1',
    managementAccountId,
    hubAccountId,
    timeScale: options.timeScale ?? 1,
    throttling: { enabled: throttling.enabled ?? true, buckets: throttling.buckets ?? {} },
    faults: {
      seed: faults.seed ?? 1,
      errorRate: share('errorRate', faults.errorRate),
      errorServices: faults.errorServices,
      eventDrop: share('eventDrop', faults.eventDrop),
      eventDuplicate: share('eventDuplicate', faults.eventDuplicate),
      eventDelayMs: delay,
    },
    idSeed: options.idSeed ?? 42,
    organizations: options.organizations ?? {},
    ec2: options.ec2 ?? {},
    sinks: options.sinks,
  };
}
