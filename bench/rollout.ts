/**
 * `npm run bench:rollout`: an organization-wide rollout on the local cloud with AWS's documented throttles.
 *
 * The emulator runs in its own process; this process builds an organization of N accounts x k tagged VPCs with
 * throttling off, switches throttling on, and runs the real reconciler (`reconcileOrganization`, the
 * organization-wide rollout) with the control plane role's credentials, sampling how many hub connections are
 * available over time. It prints the floor the token buckets imply, the measured wall time (emulated seconds =
 * real seconds x time scale), their ratio, calls by action, throttles met (each one answered is an SDK retry), and
 * writes bench/results/<name>.json and <name>.svg (`--name`, default rollout).
 *
 * `--fan-out` runs the scheduled path instead, as deployed (bench/rollout-fan-out.ts): rollout-fanout.json and .svg
 * unless `--name` says otherwise.
 */
// First: it settles which Node warnings print before any SDK client exists.
import '../bin/node-support';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Command, InvalidArgumentError } from 'commander';
import { LOCAL_DEFAULTS } from '../local/cloud/api';
import { bootstrapHub } from '../local/runner/hub-bootstrap';
import { HUB_BUS_NAME } from '../events/routes';
import { AvailableSampler } from './support/available-sampler';
import { adminGet, adminPost, delta, startCloudProcess, type CloudMetrics } from './support/cloud-process';
import { rolloutFloor } from './support/floor';
import { buildOrganization } from './support/organization';
import { timelineSvg, type TimelinePoint } from './support/timeline-svg';

const positive = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return parsed;
};

const opts = new Command('bench:rollout')
  .option('--accounts <n>', 'member accounts in the organization', positive('accounts'), 1000)
  .option('--vpcs-per-account <k>', 'tagged VPCs per account', positive('vpcs-per-account'), 3)
  .option('--time-scale <factor>', 'emulated time runs this many times faster than wall time', positive('time-scale'), 1)
  .option('--concurrency <n>', 'accounts reconciled at once (RECONCILE_CONCURRENCY, at most 64)', positive('concurrency'), 64)
  .option('--sample-ms <ms>', 'real ms between samples of available endpoints', positive('sample-ms'), 250)
  .option('--out <dir>', 'where the results go', 'bench/results')
  .option('--name <name>', 'the results files\' name: <name>.json and <name>.svg (npm run bench:readme puts every results file in the README); default rollout, or rollout-fanout with --fan-out')
  .option('--fan-out', 'the scheduled path: reconciler, hub bus, per-account queue and acceptance, each function in its own processes')
  .option('--reconciler-timeout <seconds>', 'fan-out: the reconciler\'s emulated timeout (default the CDK app\'s 900); shorter forces continuations', positive('reconciler-timeout'))
  .option('--invocations-per-environment <n>', 'fan-out: invocations one function process runs at once (1 = Lambda)', positive('invocations-per-environment'), 1)
  .option('--endpoint-pending-seconds <s>', 'fan-out: emulated seconds an accepted endpoint stays pending', positive('endpoint-pending-seconds'), 5)
  .option('--no-steady-state', 'fan-out: skip the second scheduled run over the converged organization')
  .parse()
  .opts<{
    accounts: number;
    vpcsPerAccount: number;
    timeScale: number;
    concurrency: number;
    sampleMs: number;
    out: string;
    name?: string;
    fanOut?: boolean;
    reconcilerTimeout?: number;
    invocationsPerEnvironment: number;
    endpointPendingSeconds: number;
    steadyState: boolean;
  }>();

const REGION = LOCAL_DEFAULTS.hubRegion;
const name = opts.name ?? 'rollout';
/** The local cloud's default accept -> available delay (ec2 `endpointPendingMs`). */
const ENDPOINT_PENDING_SECONDS = 5;
const HUB_MUTATING = ['ec2:ModifyVpcEndpointServicePermissions', 'ec2:AcceptVpcEndpointConnections', 'ec2:RejectVpcEndpointConnections', 'ram:AssociateResourceShare', 'ram:DisassociateResourceShare'];

async function main(): Promise<void> {
  const cloud = await startCloudProcess(opts.timeScale);
  try {
    await adminPost(cloud.url, '/_local/throttling', { enabled: false });
    const hubAccountId = LOCAL_DEFAULTS.hubAccountId;
    const hubRoot = { accessKeyId: hubAccountId, secretAccessKey: 'local' };
    const hub = await bootstrapHub({ endpoint: cloud.url, region: REGION, hubAccountId, credentials: hubRoot });
    const proxyTag = { key: 'egress-proxy', value: 'enabled' };

    let started = performance.now();
    const accountIds = await buildOrganization(cloud.url, { accounts: opts.accounts, vpcsPerAccount: opts.vpcsPerAccount, region: REGION, proxyTag });
    const endpointsWanted = accountIds.length * opts.vpcsPerAccount;
    console.log(`organization built: ${accountIds.length} accounts x ${opts.vpcsPerAccount} tagged VPCs in ${((performance.now() - started) / 1000).toFixed(1)} s (throttling off)`);

    await runAsControlPlane(cloud.url, hub);
    // Imported only now: the logger and the runtime read the environment at module load, as at a Lambda cold start.
    const { loadConfig } = await import('../functions/shared/config');
    const { buildRuntime } = await import('../functions/shared/runtime');
    const { reconcileOrganization } = await import('../functions/converge/organization');
    const { systemClock } = await import('../functions/core/pacing');
    // The local cloud refills its buckets in emulated time: the control plane's pacers must measure the same time.
    Object.assign(systemClock, {
      now: () => performance.now() * opts.timeScale,
      sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms / opts.timeScale)),
    });
    const runtime = buildRuntime(loadConfig(), REGION);

    const sampler = new AvailableSampler(cloud.url, { accountId: hubAccountId, region: REGION, serviceId: hub.serviceId });
    const before = await adminGet<CloudMetrics>(cloud.url, '/_local/metrics');
    await adminPost(cloud.url, '/_local/throttling', { enabled: true });
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    const emulatedSeconds = () => ((performance.now() - started) / 1000) * opts.timeScale;
    const timeline: TimelinePoint[] = [{ seconds: 0, available: 0 }];
    let reconcileSeconds = 0;
    const reconcile = reconcileOrganization(runtime, { dryRun: false, correlationId: 'bench-rollout' }).then((plan) => {
      reconcileSeconds = emulatedSeconds();
      return plan;
    });
    let reconcileDone = false;
    void reconcile.finally(() => (reconcileDone = true)).catch(() => undefined);
    // Sample until every endpoint is available, or the reconcile has ended and nothing changes any more.
    let stalledSamples = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, opts.sampleMs));
      const available = await sampler.available();
      const last = timeline[timeline.length - 1];
      if (available !== last?.available) timeline.push({ seconds: round(emulatedSeconds()), available });
      if (available >= endpointsWanted) break;
      stalledSamples = reconcileDone && available === last?.available ? stalledSamples + 1 : 0;
      if (reconcileDone && stalledSamples * opts.sampleMs * opts.timeScale > 4 * ENDPOINT_PENDING_SECONDS * 1000 + 2000) break;
    }
    const plan = await reconcile;
    const wallSeconds = timeline[timeline.length - 1]?.seconds ?? 0;
    const cpuUsed = process.cpuUsage(cpuBefore);
    const after = await adminGet<CloudMetrics>(cloud.url, '/_local/metrics');

    sampler.close();
    // The rollout's calls and throttles, without the sampler's own.
    const samplerAction = 'ec2:DescribeVpcEndpointConnections';
    const callsByAction = withoutSampler(delta(after.calls, before.calls), samplerAction, sampler.calls);
    const throttles = withoutSampler(delta(after.throttled, before.throttled), samplerAction, sampler.throttles);
    const throttleTotal = Object.values(throttles).reduce((a, b) => a + b, 0);
    const floor = rolloutFloor({ accounts: accountIds.length, vpcsPerAccount: opts.vpcsPerAccount, endpointPendingSeconds: ENDPOINT_PENDING_SECONDS });
    const available = timeline[timeline.length - 1]?.available ?? 0;
    const hubMutatingCalls = HUB_MUTATING.reduce((sum, key) => sum + (callsByAction[key] ?? 0), 0);
    const totalCalls = Object.values(callsByAction).reduce((a, b) => a + b, 0);
    const realSeconds = wallSeconds / opts.timeScale;
    const result = {
      // When, so that the README's table (npm run bench:readme) can say how old each figure is.
      measuredAt: new Date().toISOString(),
      accounts: accountIds.length,
      vpcsPerAccount: opts.vpcsPerAccount,
      timeScale: opts.timeScale,
      concurrency: opts.concurrency,
      endpointsWanted,
      endpointsAvailable: available,
      floorSeconds: round(floor.floorSeconds),
      floorPaths: floor.paths,
      criticalPath: floor.criticalPath,
      wallSeconds: round(wallSeconds),
      realSeconds: round(realSeconds),
      reconcileSeconds: round(reconcileSeconds),
      ratio: round(wallSeconds / floor.floorSeconds),
      callsByAction,
      totalCalls,
      callsPerRealSecond: Math.round(totalCalls / realSeconds),
      callsPerVpc: round(totalCalls / endpointsWanted),
      // CPU seconds each process spent during the rollout: with 2 cores, whichever nears its real seconds is the
      // bottleneck. Per call, they are what each API call costs the control plane (SDK included) and the emulator.
      cpuSeconds: {
        controlPlane: round((cpuUsed.user + cpuUsed.system) / 1e6),
        localCloud: round((after.process.cpuMs - before.process.cpuMs) / 1000),
      },
      cpuMsPerCall: {
        controlPlane: round((cpuUsed.user + cpuUsed.system) / 1e3 / totalCalls),
        localCloud: round((after.process.cpuMs - before.process.cpuMs) / totalCalls),
      },
      throttles,
      throttleTotal,
      sampler: { calls: sampler.calls, throttles: sampler.throttles, action: samplerAction },
      sdkRetries: throttleTotal,
      hubMutatingCalls,
      hubMutatingCallsMinimum: floor.hubMutatingCallsMinimum,
      planErrors: plan.errors.length,
      firstPlanErrors: plan.errors.slice(0, 5),
      timeline,
      machine: { cores: cpus().length, loadAverage: loadavg().map(round) },
    };
    report(result);
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const title = `${accountIds.length} accounts x ${opts.vpcsPerAccount} VPCs, time scale ${opts.timeScale}: wall ${result.wallSeconds} s, floor ${result.floorSeconds} s`;
    writeFileSync(join(opts.out, `${name}.svg`), timelineSvg(timeline, endpointsWanted, floor.floorSeconds, title));
    console.log(`wrote ${join(opts.out, `${name}.json`)} and ${name}.svg; npm run bench:readme puts it in the README`);
    if (available < endpointsWanted || plan.errors.length > 0) process.exitCode = 1;
  } finally {
    cloud.stop();
  }
}

type Result = Record<string, unknown> & {
  floorPaths: Record<string, { calls: number; seconds: number }>;
  callsByAction: Record<string, number>;
  throttles: Record<string, number>;
};

function report(r: Result): void {
  const line = (label: string, value: unknown) => console.log(`${label.padEnd(34)} ${String(value)}`);
  console.log(`\nrollout: ${String(r.accounts)} accounts x ${String(r.vpcsPerAccount)} VPCs, time scale ${String(r.timeScale)}, concurrency ${String(r.concurrency)}`);
  console.log('floor paths (emulated s):');
  for (const [name, path] of Object.entries(r.floorPaths)) console.log(`  ${name.padEnd(40)} ${String(path.calls).padStart(6)} calls  ${path.seconds.toFixed(1).padStart(7)} s`);
  line('floor (longest path + accept->available)', `${String(r.floorSeconds)} s (${String(r.criticalPath)})`);
  line('wall (all endpoints available)', `${String(r.wallSeconds)} s emulated = ${String(r.realSeconds)} s real`);
  line('reconcile returned at', `${String(r.reconcileSeconds)} s emulated`);
  line('ratio wall / floor', `${String(r.ratio)} (target <= 1.25)`);
  line('endpoints available', `${String(r.endpointsAvailable)} / ${String(r.endpointsWanted)}`);
  line('hub mutating calls', `${String(r.hubMutatingCalls)} (minimum with batching ${String(r.hubMutatingCallsMinimum)})`);
  line('throttling errors met (= SDK retries)', r.throttleTotal);
  if (r.throttleTotal !== 0) for (const [k, v] of Object.entries(r.throttles)) console.log(`  ${k.padEnd(40)} ${v}`);
  line('API calls', `${String(r.totalCalls)} (${String(r.callsPerRealSecond)} per real second, ${String(r.callsPerVpc)} per VPC)`);
  for (const [k, v] of Object.entries(r.callsByAction).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(40)} ${v}`);
  const cpu = r.cpuSeconds as { controlPlane: number; localCloud: number };
  const perCall = r.cpuMsPerCall as { controlPlane: number; localCloud: number };
  line('CPU s: control plane / local cloud', `${cpu.controlPlane} / ${cpu.localCloud} (${perCall.controlPlane} / ${perCall.localCloud} ms per call)`);
  line('load average (1, 5, 15 min)', (r.machine as { loadAverage: number[] }).loadAverage.join(', '));
  const sampler = r.sampler as { calls: number; throttles: number; action: string };
  line('sampler calls (not counted above)', `${sampler.calls} ${sampler.action}, ${sampler.throttles} throttled`);
  line('plan errors', r.planErrors);
}

/** Lambda runs as its execution role: take that role's session and give the control plane its environment. */
async function runAsControlPlane(url: string, hub: { serviceId: string; serviceName: string; discoveryShareArn: string }): Promise<void> {
  const hubAccountId = LOCAL_DEFAULTS.hubAccountId;
  const sts = new STSClient({ endpoint: url, region: REGION, credentials: { accessKeyId: hubAccountId, secretAccessKey: 'local' } });
  const { Credentials: session } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${hubAccountId}:role/${LOCAL_DEFAULTS.controlPlaneRoleName}`, RoleSessionName: 'egress-bench' }),
  );
  sts.destroy();
  if (!session?.AccessKeyId || !session.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: session.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: session.SecretAccessKey,
    AWS_SESSION_TOKEN: session.SessionToken ?? '',
    HUB_SERVICE_ID: hub.serviceId,
    HUB_SERVICE_NAME: hub.serviceName,
    HUB_EVENT_BUS_NAME: HUB_BUS_NAME,
    ORG_READ_ROLE_ARN: `arn:aws:iam::${LOCAL_DEFAULTS.managementAccountId}:role/${LOCAL_DEFAULTS.organizationsReadRoleName}`,
    RAM_SHARE_ARN: hub.discoveryShareArn,
    SPOKE_ROLE_NAME: LOCAL_DEFAULTS.spokeRoleName,
    RECONCILE_CONCURRENCY: String(Math.min(64, Math.round(opts.concurrency))),
    // The audit trail of thousands of decisions would drown the figures.
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  });
}

const round = (n: number) => Math.round(n * 100) / 100;

function withoutSampler(counts: Record<string, number>, action: string, own: number): Record<string, number> {
  const left = (counts[action] ?? 0) - own;
  const { [action]: _, ...rest } = counts;
  return left > 0 ? { ...rest, [action]: left } : rest;
}

async function fanOut(): Promise<void> {
  const { runFanOutRollout } = await import('./rollout-fan-out');
  const ok = await runFanOutRollout({
    accounts: Math.round(opts.accounts),
    vpcsPerAccount: Math.round(opts.vpcsPerAccount),
    timeScale: opts.timeScale,
    out: opts.out,
    resultsName: opts.name ?? 'rollout-fanout',
    ...(opts.reconcilerTimeout === undefined ? {} : { reconcilerTimeoutSeconds: opts.reconcilerTimeout }),
    invocationsPerEnvironment: Math.round(opts.invocationsPerEnvironment),
    endpointPendingSeconds: opts.endpointPendingSeconds,
    steadyState: opts.steadyState,
  });
  if (!ok) process.exitCode = 1;
}

(opts.fanOut ? fanOut() : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
