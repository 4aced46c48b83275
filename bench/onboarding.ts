/**
 * `npm run bench:onboarding`: the onboarding latency a spoke team feels under a steady stream of tags across many
 * accounts (issue 13). The control plane runs on the local cloud as deployed (the real handlers, the local event
 * bus with the CDK app's queues, AWS's throttles on, emulated time `--time-scale` times faster than wall time).
 *
 * Before the clock starts: `--accounts` member accounts with their share of `--rate` x `--duration` untagged VPCs,
 * allowed as principals by a reconcile, everything idle. Then the stream: one VPC tagged every 1 / `--rate`
 * emulated seconds, round robin over the accounts, on schedule whatever the control plane has finished (open
 * loop). Each VPC's team watches its own endpoints (bench/support/spoke-watch.ts): tag -> accepted (the connection
 * leaves pendingAcceptance: the control plane's own share) and tag -> available (what the team waits for, with
 * the modelled provisioning time). Writes bench/results/onboarding.json; exits 1 unless every tagged VPC got an
 * available endpoint.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { Command } from 'commander';
import { LOCAL_DEFAULTS } from '../local/cloud/api';
import { ec2As, tagVpc } from '../local/demo/tenant';
import { startLocalControlPlane, type LocalControlPlane } from '../local/runner/control-plane';
import { positive } from './support/cli-options';
import { delta, type CloudMetrics } from './support/cloud-process';
import { paceInEmulatedTime } from './support/emulated-pacing';
import { endpointsOfService } from './support/endpoint-availability';
import { ENDPOINT_PENDING_SOURCES } from './support/endpoint-pending-model';
import { buildOrganization } from './support/organization';
import { spreadOf } from './support/percentile';
import { SpokeWatch, type WatchedVpc } from './support/spoke-watch';

const opts = new Command('bench:onboarding')
  .option('--rate <tags-per-second>', 'VPCs tagged per emulated second', positive('rate'), 5)
  .option('--duration <seconds>', 'emulated seconds the stream of tags lasts', positive('duration'), 120)
  .option('--accounts <n>', 'member accounts the stream spreads over, round robin (120 x 5 VPCs: AWS\'s default of 5 VPCs per region)', positive('accounts'), 120)
  // The cloud answers in about a millisecond and the handlers share this process: each wall ms of that work is
  // `--time-scale` emulated ms, so above 1 the control plane's share of the figures grows with the scale.
  .option('--time-scale <factor>', 'emulated time runs this many times faster than wall time', positive('time-scale'), 1)
  .option('--endpoint-pending-seconds <s>', 'emulated seconds an accepted endpoint stays pending (sources in the results file)', positive('endpoint-pending-seconds'), 120)
  .option('--poll-seconds <s>', 'emulated seconds between two of a spoke team\'s DescribeVpcEndpoints', positive('poll-seconds'), 1)
  .option('--give-up-seconds <s>', 'emulated seconds after the last tag to wait for the last endpoints', positive('give-up-seconds'), 600)
  .option('--out <dir>', 'where onboarding.json goes', 'bench/results')
  .parse()
  .opts<{ rate: number; duration: number; accounts: number; timeScale: number; endpointPendingSeconds: number; pollSeconds: number; giveUpSeconds: number; out: string }>();

const TAG = { key: 'egress-proxy', value: 'enabled' };
const REGION = LOCAL_DEFAULTS.hubRegion;

async function main(): Promise<boolean> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  paceInEmulatedTime(opts.timeScale);
  const tags = Math.round(opts.rate * opts.duration);
  const vpcsPerAccount = Math.ceil(tags / opts.accounts);
  const setupStarted = performance.now();
  let accountIds: string[] = [];
  const cp = await startLocalControlPlane({
    // Throttling off while the organization is built; on (buckets full) when the clock starts.
    cloud: { port: 0, timeScale: opts.timeScale, throttling: false, ec2: { endpointPendingMs: opts.endpointPendingSeconds * 1000 } },
    bus: { timeScale: opts.timeScale },
    beforeHandlers: async (cloud) => {
      accountIds = await buildOrganization(cloud.url, { accounts: opts.accounts, vpcsPerAccount, region: REGION });
    },
  });
  const clients = new Map<string, EC2Client>();
  try {
    // The accounts joined before the control plane listened: a reconcile allows them (nothing is tagged yet).
    await cp.reconcile();
    await cp.idle();
    const vpcsByAccount = vpcsOf(cp, accountIds);
    for (const accountId of accountIds) clients.set(accountId, ec2As(accountId, { endpoint: cp.cloud.url, region: REGION }));
    console.log(`organization ready: ${accountIds.length} accounts x ${vpcsPerAccount} untagged VPCs in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s; tagging ${tags} VPCs at ${opts.rate}/s (time scale ${opts.timeScale})`);

    const now = () => cp.cloud.world.clock.now();
    cp.cloud.setThrottling(true);
    const callsBefore = cp.cloud.metrics().toJSON() as CloudMetrics;
    const queuesBefore = cp.bus.stats().queues;
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const watch = new SpokeWatch({ url: cp.cloud.url, region: REGION, now, timeScale: opts.timeScale, pollMs: opts.pollSeconds * 1000 });
    const startedAt = now();
    const wallStarted = performance.now();
    const progress = setInterval(() => console.log(`  ${((now() - startedAt) / 1000).toFixed(0).padStart(5)} s  tagged ${watch.all.length}, waiting ${watch.outstanding()}`), 10_000);

    // The open loop: tag i at i / rate seconds, whatever happened to the earlier ones.
    const tagFailures: string[] = [];
    let scheduleLagMs = 0;
    const tagging: Promise<void>[] = [];
    for (let i = 0; i < tags; i++) {
      const due = startedAt + (i * 1000) / opts.rate;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (due - now()) / opts.timeScale)));
      scheduleLagMs = Math.max(scheduleLagMs, now() - due);
      const accountId = accountIds[i % accountIds.length] as string;
      const vpcId = vpcsByAccount.get(accountId)?.[Math.floor(i / accountIds.length)];
      if (vpcId === undefined) throw new Error(`account ${accountId} has no VPC number ${Math.floor(i / accountIds.length)}`);
      watch.watch(accountId, vpcId, now());
      tagging.push(tagVpc(clients.get(accountId) as EC2Client, vpcId, TAG.key, TAG.value).catch((error: unknown) => void tagFailures.push(`${vpcId}: ${String(error)}`)));
    }
    await Promise.all(tagging);
    const lastTagAt = now();
    while (watch.outstanding() > 0 && now() - lastTagAt < opts.giveUpSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(progress);
    await watch.stop();
    const endedAt = now();
    const wallSeconds = (performance.now() - wallStarted) / 1000;
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const loop = performance.eventLoopUtilization(loopBefore);
    const callsAfter = cp.cloud.metrics().toJSON() as CloudMetrics;
    const queuesAfter = cp.bus.stats().queues;

    const vpcs = watch.all;
    const seconds = (pick: (vpc: WatchedVpc) => number | undefined) =>
      vpcs.flatMap((vpc) => {
        const at = pick(vpc);
        return at === undefined ? [] : [(at - vpc.taggedAt) / 1000];
      });
    // The cloud's own record, to show what the spokes' polling adds: each accepted endpoint's availableAt is its
    // accept time plus the pending time.
    const recorded = new Map(endpointsOfService(cp.cloud.snapshot(), cp.hub.serviceName).map((e) => [e.vpcId, e.availableAt]));
    const pendingMs = opts.endpointPendingSeconds * 1000;
    const queueDelta = (name: 'vpc-onboarding' | 'connection-acceptance') => {
      const before = queuesBefore[name];
      const after = queuesAfter[name];
      return {
        messages: after.sent - before.sent,
        invocations: after.invocations - before.invocations,
        retried: after.retried - before.retried,
        deadLettered: after.deadLettered - before.deadLettered,
        largestBatch: after.largestBatch,
      };
    };
    const notAvailable = vpcs.filter((vpc) => vpc.availableAt === undefined);
    const result = {
      measuredAt: new Date().toISOString(),
      settings: {
        ratePerSecond: opts.rate,
        durationSeconds: opts.duration,
        tags,
        accounts: accountIds.length,
        vpcsPerAccount,
        timeScale: opts.timeScale,
        pollSeconds: opts.pollSeconds,
        throttling: "on: AWS's token buckets as the local cloud has them (aws-facts.md), full when the first tag is made",
      },
      endpointPending: {
        seconds: opts.endpointPendingSeconds,
        distribution: 'fixed: the local cloud makes every accepted endpoint pending exactly this long (it models no jitter)',
        ...ENDPOINT_PENDING_SOURCES,
      },
      tagged: vpcs.length,
      available: vpcs.length - notAvailable.length,
      // Emulated seconds from the spoke's CreateTags, as each team saw it (its own DescribeVpcEndpoints).
      tagToAvailable: spreadOf(seconds((vpc) => vpc.availableAt)),
      tagToAccepted: spreadOf(seconds((vpc) => vpc.acceptedAt)),
      tagToCreated: spreadOf(seconds((vpc) => vpc.createdAt)),
      fromCloudRecord: {
        note: "the same, from the local cloud's own record of each endpoint (exact: no poll period)",
        tagToAvailable: spreadOf(seconds((vpc) => recorded.get(vpc.vpcId))),
        tagToAccepted: spreadOf(seconds((vpc) => (recorded.get(vpc.vpcId) ?? Number.NaN) - pendingMs).filter(Number.isFinite)),
      },
      spokePolling: {
        calls: watch.calls,
        throttled: watch.throttles,
        meanRoundSeconds: round(watch.meanRoundSeconds()),
      },
      tagScheduleLagSecondsMax: round(scheduleLagMs / 1000),
      emulatedSeconds: round((endedAt - startedAt) / 1000),
      wallSeconds: round(wallSeconds),
      queues: { 'vpc-onboarding': queueDelta('vpc-onboarding'), 'connection-acceptance': queueDelta('connection-acceptance') },
      deadLetters: cp.bus.deadLetters().length,
      // Every API call of the run but the spokes' own polls and tags.
      callsByAction: withoutOwn(delta(callsAfter.calls, callsBefore.calls), { 'ec2:DescribeVpcEndpoints': watch.calls, 'ec2:CreateTags': tags }),
      throttledByAction: delta(callsAfter.throttled, callsBefore.throttled),
      // The cloud, the bus, the handlers and this benchmark share one process (one core at most): near 1 it is the
      // limit, and the figures include its queueing.
      process: {
        cpuCores: round((cpu.user + cpu.system) / 1e6 / wallSeconds),
        eventLoopUtilization: round(loop.utilization),
        eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
      },
      problems: [
        ...(notAvailable.length === 0 ? [] : [`${notAvailable.length} of ${vpcs.length} tagged VPCs got no available endpoint (first: ${notAvailable.slice(0, 5).map((v) => `${v.vpcId} of ${v.accountId}, last seen ${v.lastState ?? 'no endpoint'}`).join('; ')})`]),
        ...vpcs.filter((vpc) => vpc.endpoints > 1).map((vpc) => `${vpc.vpcId} of ${vpc.accountId} had ${vpc.endpoints} endpoints at once`),
        ...tagFailures.map((failure) => `tagging failed: ${failure}`),
      ],
      machine: { cores: cpus().length, loadAverage: loadavg().map(round) },
      timings: vpcs.map((vpc) => ({
        accountId: vpc.accountId,
        vpcId: vpc.vpcId,
        taggedAtSeconds: round((vpc.taggedAt - startedAt) / 1000),
        createdSeconds: since(vpc, vpc.createdAt),
        acceptedSeconds: since(vpc, vpc.acceptedAt),
        availableSeconds: since(vpc, vpc.availableAt),
      })),
    };
    report(result);
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'onboarding.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${join(opts.out, 'onboarding.json')}`);
    return result.problems.length === 0;
  } finally {
    for (const client of clients.values()) client.destroy();
    await cp.stop();
  }
}

/** Each account's VPCs in creation order, from the local cloud's state (read once, before the clock starts). */
function vpcsOf(cp: LocalControlPlane, accountIds: readonly string[]): Map<string, string[]> {
  const regions = (cp.cloud.snapshot().ec2 as { regions: { accountId: string; region: string; vpcs: { vpcId: string }[] }[] }).regions;
  const members = new Set(accountIds);
  return new Map(regions.filter((r) => r.region === REGION && members.has(r.accountId)).map((r) => [r.accountId, r.vpcs.map((v) => v.vpcId)]));
}

function withoutOwn(calls: Record<string, number>, own: Record<string, number>): Record<string, number> {
  const rest = { ...calls };
  for (const [action, count] of Object.entries(own)) {
    const left = (rest[action] ?? 0) - count;
    if (left > 0) rest[action] = left;
    else delete rest[action];
  }
  return rest;
}

const round = (n: number) => Math.round(n * 100) / 100;
const since = (vpc: WatchedVpc, at: number | undefined) => (at === undefined ? null : round((at - vpc.taggedAt) / 1000));

function report(r: {
  settings: { tags: number; accounts: number; ratePerSecond: number; timeScale: number };
  endpointPending: { seconds: number };
  tagToAvailable: object;
  tagToAccepted: object;
  tagToCreated: object;
  fromCloudRecord: { tagToAvailable: object; tagToAccepted: object };
  spokePolling: object;
  tagScheduleLagSecondsMax: number;
  emulatedSeconds: number;
  wallSeconds: number;
  queues: object;
  deadLetters: number;
  throttledByAction: object;
  process: object;
  machine: { loadAverage: number[] };
  problems: string[];
}): void {
  const line = (label: string, value: unknown) => console.log(`${label.padEnd(44)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  console.log(`\nonboarding: ${r.settings.tags} tags at ${r.settings.ratePerSecond}/s over ${r.settings.accounts} accounts, pending ${r.endpointPending.seconds} s, time scale ${r.settings.timeScale} (emulated seconds)`);
  line('tag -> available (spoke view)', r.tagToAvailable);
  line('tag -> accepted (spoke view)', r.tagToAccepted);
  line('tag -> endpoint created', r.tagToCreated);
  line('tag -> available (cloud record)', r.fromCloudRecord.tagToAvailable);
  line('tag -> accepted (cloud record)', r.fromCloudRecord.tagToAccepted);
  line('spoke polling', r.spokePolling);
  line('tag schedule lag, max (s)', r.tagScheduleLagSecondsMax);
  line('run (emulated s / wall s)', `${r.emulatedSeconds} / ${r.wallSeconds}`);
  line('queues', r.queues);
  line('dead letters', r.deadLetters);
  line('throttled calls', r.throttledByAction);
  line('this process', r.process);
  line('load average (1, 5, 15 min)', r.machine.loadAverage.join(', '));
  line('problems', r.problems.length === 0 ? 'none' : r.problems.join('; '));
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
