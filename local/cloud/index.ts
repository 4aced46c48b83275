/**
 * The local cloud: an AWS-wire-compatible emulator of the APIs the control plane calls, served over
 * HTTP so the real AWS SDK (or CLI) talks to it with nothing but an endpoint URL.
 */
import type { Server } from 'node:http';
import { isIP } from 'node:net';
import { LOCAL_DEFAULTS, type HostedQueueDefinition, type LocalCloudSinks, type LocalFunction, type RuleDeliveryAuthority } from './api';
import type { ServiceModule } from './framework';
import { handleAdmin } from './core/admin';
import { createScaledClock } from './core/clock';
import { Delivery } from './core/delivery';
import { dispatch } from './core/dispatch';
import { listen } from './core/http-server';
import { Metrics } from './core/metrics';
import { seededRandom } from './core/random';
import { Throttler } from './core/throttle';
import { createWorld } from './core/world';
import type { LocalWorld } from './core/world';
import { createEc2Service } from './ec2';
import type { Ec2ServiceModule } from './ec2';
import { createEventsService } from './events';
import { createLambdaService } from './lambda';
import { createLogsService } from './logs';
import { createOrganizationsService } from './organizations';
import { RAM_SERVICE_PRINCIPAL } from './organizations/model';
import type { OrganizationModel } from './organizations/model';
import { resolveOptions } from './options';
import type { LocalCloudOptions } from './options';
import { createRamService } from './ram';
import { createS3Service } from './s3';
import { createSqsService } from './sqs';
import type { S3ServiceModule } from './s3';
import { createStsService } from './sts';

export type { LocalCloudOptions } from './options';
export { ListenError } from './core/http-server';

export interface LocalCloud {
  /** e.g. http://127.0.0.1:4566: what AWS_ENDPOINT_URL should be. */
  readonly url: string;
  readonly port: number;
  readonly world: LocalWorld;
  readonly organization: OrganizationModel;
  /** The EC2 module, for its local admin hooks (e.g. setEndpointServiceZones). */
  readonly ec2: Ec2ServiceModule;
  /** The S3 module (its store holds the buckets and objects, for tests that inspect bytes directly). */
  readonly s3: S3ServiceModule;
  /** EventBridge's judgement of bus-to-bus deliveries: the local event bus asks it before a rule forwards an event. */
  readonly ruleDelivery: RuleDeliveryAuthority;
  /** Replace where events and notifications go (the local event bus subscribes here). */
  setSinks(sinks: LocalCloudSinks | undefined): void;
  /**
   * Replace the Lambda functions that `Invoke` runs, by name (in the hub account and region unless a definition
   * says otherwise), e.g. `{ 'egress-reconciler': (event) => bus.invokeScheduledFunction(event) }`.
   */
  setFunctions(functions: Readonly<Record<string, LocalFunction>> | undefined): void;
  /**
   * Replace the queues the SQS API serves, by name, each with its dead-letter queue (in the hub account and region
   * unless a definition says otherwise): the local bus's hub queues, so SQS clients can read and redrive dead letters.
   */
  setQueues(queues: Readonly<Record<string, HostedQueueDefinition>> | undefined): void;
  /**
   * Appends a line a function wrote to its CloudWatch log group (Lambda does this out of band), by default in the hub
   * account and region: FilterLogEvents then finds it, as the operator CLI reads the audit trail.
   */
  writeLog(logGroupName: string, message: string, where?: { accountId?: string; region?: string; logStreamName?: string }): void;
  setThrottling(enabled: boolean): void;
  /** Change the share of calls answered with an injected 5xx (e.g. 0 while a test reads back what happened). */
  setErrorRate(rate: number): void;
  /** What GET /_local/state returns. */
  snapshot(): Record<string, unknown>;
  metrics(): Metrics;
  /** Closes the server (open keep-alive connections too) and cancels pending delays. */
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const settings = resolveOptions(options);
  const clock = createScaledClock(settings.timeScale);
  const metrics = new Metrics();
  const delivery = new Delivery(
    { drop: settings.faults.eventDrop, duplicate: settings.faults.eventDuplicate, delayMs: settings.faults.eventDelayMs },
    seededRandom(settings.faults.seed ^ 0x5eed),
    clock,
    metrics,
  );
  delivery.setSinks(settings.sinks);
  const world = createWorld({
    managementAccountId: settings.managementAccountId,
    hubAccountId: settings.hubAccountId,
    clock,
    delivery,
    idRandom: seededRandom(settings.idSeed),
    random: seededRandom(settings.idSeed ^ 0x0c1d),
  });

  const organizations = createOrganizationsService(world, settings.organizations);
  const organizationView = {
    isMember: (accountId: string) => organizations.model.members.has(accountId),
    organizationIdOf: (accountId: string) => (organizations.model.members.has(accountId) ? organizations.model.id : undefined),
    containersOf: (accountId: string) => {
      const member = organizations.model.members.get(accountId);
      if (!member) return [];
      const containers = [organizations.model.arnOfOrganization()];
      for (let id: string | undefined = member.parentId; id && id !== organizations.model.rootId; id = organizations.model.units.get(id)?.parentId) {
        containers.push(organizations.model.arnOfUnit(id));
      }
      return containers;
    },
    isManagementAccount: (accountId: string) => accountId === world.managementAccountId,
    enableRamTrustedAccess: () => {
      const enabled = organizations.model.enabledServicePrincipals;
      if (!enabled.has(RAM_SERVICE_PRINCIPAL)) enabled.set(RAM_SERVICE_PRINCIPAL, clock.now());
    },
  };
  const ec2 = createEc2Service(world, settings.ec2);
  const lambda = createLambdaService(world);
  const events = createEventsService(world, organizationView);
  const sqs = createSqsService(world);
  const logs = createLogsService(clock);
  // `bucket.localhost:4566` is how the SDK addresses a bucket at http://localhost:4566 (virtual-hosted style);
  // an IP endpoint gets path style, so an IP is never a suffix.
  const s3 = createS3Service(world, { virtualHostSuffixes: [...new Set([settings.host, 'localhost'])].filter((h) => isIP(h) === 0) });
  const modules: ServiceModule[] = [
    createStsService(world),
    organizations,
    createRamService(world, organizationView),
    events,
    ec2,
    lambda,
    s3,
    sqs,
    logs,
  ];
  const services = new Map(modules.map((m) => [m.signingName, m]));
  const throttler = new Throttler(clock, settings.throttling.buckets, settings.throttling.enabled);

  const snapshot = () => ({
    managementAccountId: world.managementAccountId,
    hubAccountId: world.hubAccountId,
    accounts: [...world.accounts.values()],
    roles: [...world.roles.values()],
    ...Object.fromEntries(modules.map((m) => [m.signingName, m.snapshot()])),
  });

  const faultRandom = seededRandom(settings.faults.seed);
  const deps = {
    world,
    services,
    throttler,
    metrics,
    faultRandom,
    errorRate: settings.faults.errorRate,
    errorServices: settings.faults.errorServices,
  };
  const admin = { world, metrics, throttler, snapshot, admitToOrganization: (id: string) => organizations.admitInvited(id) };
  const { server, port } = await listen(
    (req) => (req.path.startsWith('/_local/') ? handleAdmin(admin, req) : dispatch(deps, req)),
    settings.host,
    settings.port,
  );

  return {
    url: `http://${settings.host}:${port}`,
    port,
    world,
    organization: organizations.model,
    ec2,
    s3,
    ruleDelivery: events.ruleDelivery,
    setSinks: (sinks) => delivery.setSinks(sinks),
    setFunctions: (functions) => lambda.setFunctions(functions),
    setQueues: (queues) => sqs.setQueues(queues),
    writeLog: (logGroupName, message, where = {}) =>
      logs.write(
        {
          accountId: where.accountId ?? world.hubAccountId,
          region: where.region ?? LOCAL_DEFAULTS.hubRegion,
          logGroupName,
          logStreamName: where.logStreamName ?? `${new Date(world.clock.now()).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]local`,
        },
        message,
      ),
    setThrottling: (enabled) => {
      throttler.enabled = enabled;
    },
    setErrorRate: (rate) => {
      if (!(rate >= 0 && rate <= 1)) throw new Error(`error rate must be between 0 and 1, got ${rate}`);
      deps.errorRate = rate;
    },
    snapshot,
    metrics: () => metrics,
    stop: () => close(server, () => clock.cancelAll()),
  };
}

function close(server: Server, cancelTimers: () => void): Promise<void> {
  cancelTimers();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
