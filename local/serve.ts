/**
 * `npm run local`: serves the local cloud until SIGINT/SIGTERM, with the control plane wired (the local
 * event bus and the real handlers), so an external client can create an account, tag a VPC and watch the
 * endpoint appear, be accepted and become available. `--no-control-plane` serves the bare emulator and
 * prints the events it emits instead.
 */
// First: it settles which Node warnings print before any SDK client exists.
import '../bin/node-support';
import { Command, InvalidArgumentError } from 'commander';
import { LOCAL_DEFAULTS } from './cloud/api';
import { ListenError, startLocalCloud, type LocalCloud, type LocalCloudOptions } from './cloud';
import type { LocalEventBus } from './bus';
import { FUNCTION_NAMES, functionLogGroup, startLocalControlPlane, type LocalControlPlane } from './runner/control-plane';

const number = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError(`${name} must be a number`);
  return parsed;
};

const program = new Command('local')
  .description('Serve the AWS-wire-compatible local cloud (EC2, STS, Organizations, RAM, EventBridge PutEvents, Lambda Invoke, S3)')
  .option('--port <port>', 'port (0 = any free port; default LOCAL_CLOUD_PORT or 4566)', number('port'))
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--time-scale <factor>', 'emulated time runs this many times faster', number('time-scale'), 1)
  .option('--no-throttling', 'turn the token buckets off')
  .option('--error-rate <share>', 'share of calls answered with injected 500/503 errors', number('error-rate'), 0)
  .option('--seed <seed>', 'seed of the fault generator', number('seed'), 1)
  .option('--no-control-plane', 'serve the bare emulator, without the event bus and handlers')
  .option('--quiet', 'do not print events, notifications and handler logs')
  .parse();

const opts = program.opts<{ port?: number; host: string; timeScale: number; throttling: boolean; errorRate: number; seed: number; quiet?: boolean; controlPlane: boolean }>();

async function main(): Promise<void> {
  const cloudOptions: LocalCloudOptions = {
    ...(opts.port === undefined ? {} : { port: opts.port }),
    host: opts.host,
    timeScale: opts.timeScale,
    throttling: opts.throttling,
    faults: { seed: opts.seed, errorRate: opts.errorRate },
  };
  let cloud: LocalCloud;
  let stop: () => Promise<void>;
  let controlPlaneLine = 'control plane: off (--no-control-plane); events are printed below';
  let bus: LocalEventBus | undefined;
  if (opts.controlPlane) {
    if (opts.quiet) process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const cp = await startLocalControlPlane({ cloud: cloudOptions, bus: { timeScale: opts.timeScale }, schedule: true });
    cloud = cp.cloud;
    bus = cp.bus;
    stop = () => cp.stop();
    reportDeadLetters(cp.bus);
    controlPlaneLine = controlPlaneBanner(cp);
  } else {
    cloud = await startLocalCloud({
      ...cloudOptions,
      sinks: opts.quiet
        ? undefined
        : {
            onEvent: (event, bus) => console.log(`event  ${event.account} ${event.region} bus=${bus} ${event.source} "${event['detail-type']}" ${JSON.stringify(event.detail)}`),
            onNotification: (topicArn, message) => console.log(`sns    ${topicArn} ${message}`),
          },
    });
    stop = () => cloud.stop();
  }

  const management = cloud.world.managementAccountId;
  const hub = cloud.world.hubAccountId;
  console.log(`Local cloud listening on ${cloud.url}
  management account ${management} (organization ${cloud.organization.id}, root ${cloud.organization.rootId})
  hub account        ${hub} (region ${LOCAL_DEFAULTS.hubRegion})
  throttling ${opts.throttling ? 'on' : 'off'}, time scale ${opts.timeScale}, injected error rate ${opts.errorRate}

Point the AWS SDK or CLI at it; a 12-digit access key id acts as that account:
  export AWS_ENDPOINT_URL=${cloud.url} AWS_REGION=${LOCAL_DEFAULTS.hubRegion} AWS_DEFAULT_REGION=${LOCAL_DEFAULTS.hubRegion}
  export AWS_ACCESS_KEY_ID=${hub} AWS_SECRET_ACCESS_KEY=local
  aws sts get-caller-identity
  aws organizations list-accounts   # as the management account: AWS_ACCESS_KEY_ID=${management}
State: curl ${cloud.url}/_local/state   Metrics: curl ${cloud.url}/_local/metrics
${controlPlaneLine}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local cloud`);
    if (bus !== undefined) console.log(deadLetterSummary(bus));
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('local cloud: stop failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** The CLI's settings for this cloud, and the share and bus it created, ready to paste. */
function controlPlaneBanner(cp: LocalControlPlane): string {
  const env = cp.environment;
  return `control plane: on; endpoint service ${cp.hub.serviceName} (${cp.hub.serviceId})
  hub bus ${cp.bus.hubBusArn}
  RAM share of the discovery parameters ${cp.hub.discoveryShareArn}
  tag a VPC egress-proxy=enabled in a member account and watch DescribeVpcEndpoints; handler logs (JSON) follow
The operator CLI against this cloud (npx egress status, plan, dead-letters):
  export AWS_ENDPOINT_URL=${cp.cloud.url} AWS_REGION=${cp.region} AWS_ACCESS_KEY_ID=${cp.cloud.world.hubAccountId} AWS_SECRET_ACCESS_KEY=local
  export EGRESS_ROLE_ARN=arn:aws:iam::${cp.cloud.world.hubAccountId}:role/${LOCAL_DEFAULTS.controlPlaneRoleName}
  export HUB_SERVICE_ID=${env.HUB_SERVICE_ID ?? ''} ORG_READ_ROLE_ARN=${env.ORG_READ_ROLE_ARN ?? ''}
  export RAM_SHARE_ARN=${env.RAM_SHARE_ARN ?? ''} POLICY_BUCKET=${env.POLICY_BUCKET ?? ''}
  export EGRESS_AUDIT_LOG_GROUPS=${FUNCTION_NAMES.map(functionLogGroup).join(',')}`;
}

/**
 * A message the handlers gave up on is said out loud when it happens (in AWS it would sit in a dead-letter queue
 * until someone looks); `npx egress dead-letters` shows it with its body, and `--redrive` retries it.
 */
function reportDeadLetters(bus: LocalEventBus): void {
  bus.onActivity((activity) => {
    if (activity.type !== 'dead-letter') return;
    console.log(
      `dead letter: ${activity.queue} gave up on message ${activity.messageId} after ${activity.receiveCount} receive(s): ${activity.reason}; ` +
        '`npx egress dead-letters` shows it, `--redrive` retries it',
    );
  });
}

function deadLetterSummary(bus: LocalEventBus): string {
  const letters = bus.deadLetters();
  if (letters.length === 0) return 'dead letters: none';
  const byQueue = new Map<string, number>();
  for (const letter of letters) byQueue.set(letter.queue, (byQueue.get(letter.queue) ?? 0) + 1);
  return `dead letters: ${letters.length} (${[...byQueue].map(([queue, count]) => `${queue} ${count}`).join(', ')}), lost with this cloud`;
}

main().catch((err: unknown) => {
  // A known start-up problem is a sentence; anything else keeps its stack for the bug report.
  console.error(err instanceof ListenError ? `npm run local: ${err.message}` : err);
  process.exit(1);
});
