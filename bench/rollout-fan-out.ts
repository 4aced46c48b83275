/**
 * `npm run bench:rollout -- --fan-out`: the scheduled path end to end, as deployed. The local cloud (AWS's
 * throttles on) and the local event bus run in this process; every control plane function runs in its own execution
 * environments (child processes, local/runner/function-processes.ts) with the CDK app's batch sizes, windows,
 * maximum concurrency, timeouts and memory sizes. The schedule fires the reconciler, which publishes one work item
 * per account on the hub bus (continuing in a fresh invocation when its emulated remaining time runs short); the
 * account reconcilers converge the accounts; acceptance accepts 100 connections per call; the mapping publisher
 * compiles the mapping. Measured until every endpoint is available, then (unless --no-steady-state) the next
 * scheduled run over the converged organization.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { FanOutSummary } from '../functions/converge/fan-out';
import type { BusActivity } from '../local/bus';
import { LOCAL_DEFAULTS } from '../local/cloud/api';
import { startLocalControlPlane, type LocalControlPlane } from '../local/runner/control-plane';
import type { FunctionProcessStats } from '../local/runner/function-processes';
import { delta, type CloudMetrics } from './support/cloud-process';
import { EventSizeMeter, PUT_EVENTS_ENTRY_LIMIT_BYTES } from './support/event-size';
import { availabilityTimeline, endpointsOfService } from './support/endpoint-availability';
import { extrapolateFanOut, type Extrapolation } from './support/extrapolation';
import { BUCKETS, fanOutFloor } from './support/floor';
import { buildOrganization } from './support/organization';
import { rateCost, SCHEDULE_PERIOD_SECONDS } from './support/rate-cost';
import { timelineSvg } from './support/timeline-svg';

export interface FanOutBenchOptions {
  readonly accounts: number;
  readonly vpcsPerAccount: number;
  readonly timeScale: number;
  readonly out: string;
  /** Results file name without extension (`rollout-fanout` writes rollout-fanout.json and .svg). */
  readonly resultsName: string;
  /** The reconciler's timeout, emulated seconds (default: the CDK app's 900): shorter forces continuations. */
  readonly reconcilerTimeoutSeconds?: number;
  readonly invocationsPerEnvironment: number;
  readonly endpointPendingSeconds: number;
  readonly steadyState: boolean;
}

/** The organization size issue 13 asks about; a smaller run prints what it implies there. */
const EXTRAPOLATE_TO_ACCOUNTS = 10_000;
const HUB_MUTATING = ['ec2:ModifyVpcEndpointServicePermissions', 'ec2:AcceptVpcEndpointConnections', 'ec2:RejectVpcEndpointConnections', 'ram:AssociateResourceShare', 'ram:DisassociateResourceShare'];
const PROGRESS_EVERY_MS = 10_000;

export async function runFanOutRollout(opts: FanOutBenchOptions): Promise<boolean> {
  // The audit trail of thousands of decisions would drown the figures (the function processes inherit this).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  let accountIds: string[] = [];
  const buildStarted = performance.now();
  const cp = await startLocalControlPlane({
    cloud: { port: 0, timeScale: opts.timeScale, throttling: false, ec2: { endpointPendingMs: opts.endpointPendingSeconds * 1000 } },
    bus: { timeScale: opts.timeScale },
    functionProcesses: {
      timeScale: opts.timeScale,
      invocationsPerEnvironment: opts.invocationsPerEnvironment,
      ...(opts.reconcilerTimeoutSeconds === undefined ? {} : { timeoutSeconds: { reconciler: opts.reconcilerTimeoutSeconds } }),
    },
    // Built before the control plane listens (as an organization exists before it is deployed): no events reach it.
    beforeHandlers: async (cloud) => {
      accountIds = await buildOrganization(cloud.url, { accounts: opts.accounts, vpcsPerAccount: opts.vpcsPerAccount, region: LOCAL_DEFAULTS.hubRegion, proxyTag: { key: 'egress-proxy', value: 'enabled' } });
    },
  });
  try {
    const endpointsWanted = accountIds.length * opts.vpcsPerAccount;
    console.log(`organization built: ${accountIds.length} accounts x ${opts.vpcsPerAccount} tagged VPCs in ${seconds(performance.now() - buildStarted)} s (throttling off)`);
    const meter = new EventSizeMeter(cp.bus);
    cp.cloud.setSinks(meter);
    const reconciler = watchReconciler(cp);

    cp.cloud.setThrottling(true);
    const rollout = await measure(cp, async () => {
      await reconciler.fire();
      await untilAvailable(cp, endpointsWanted);
    });
    const endpoints = endpointsOfService(cp.cloud.snapshot(), cp.hub.serviceName);
    const availableAt = endpoints.map((e) => e.availableAt ?? Infinity);
    const available = endpoints.filter((e) => e.state === 'available').length;
    const wallSeconds = round((Math.max(...availableAt.filter(Number.isFinite), rollout.startedAt) - rollout.startedAt) / 1000);
    const timeline = availabilityTimeline(endpoints, rollout.startedAt, cp.cloud.world.clock.now());
    const functions = functionStats(cp);

    const floor = fanOutFloor({ accounts: accountIds.length, vpcsPerAccount: opts.vpcsPerAccount, endpointPendingSeconds: opts.endpointPendingSeconds });
    const callsByAction = rollout.callsByAction;
    const totalCalls = sum(Object.values(callsByAction));
    const throttleTotal = sum(Object.values(rollout.throttles));
    const busStats = cp.bus.stats();
    const deadLetters = cp.bus.deadLetters();
    const eventSizes = meter.sizes();
    const result = {
      measuredAt: new Date().toISOString(),
      mode: 'fan-out',
      accounts: accountIds.length,
      vpcsPerAccount: opts.vpcsPerAccount,
      timeScale: opts.timeScale,
      endpointPendingSeconds: opts.endpointPendingSeconds,
      invocationsPerEnvironment: opts.invocationsPerEnvironment,
      endpointsWanted,
      endpointsAvailable: available,
      floorSeconds: round(floor.floorSeconds),
      floorPaths: floor.paths,
      criticalPath: floor.criticalPath,
      wallSeconds,
      realSeconds: round(wallSeconds / opts.timeScale),
      reconcileSeconds: reconciler.lastEndSeconds(rollout.startedAt),
      ratio: round(wallSeconds / floor.floorSeconds),
      callsByAction,
      totalCalls,
      callsPerRealSecond: Math.round(totalCalls / (wallSeconds / opts.timeScale)),
      callsPerVpc: round(totalCalls / endpointsWanted),
      throttles: rollout.throttles,
      throttleTotal,
      sdkRetries: throttleTotal,
      hubMutatingCalls: sum(HUB_MUTATING.map((key) => callsByAction[key] ?? 0)),
      hubMutatingCallsMinimum: floor.hubMutatingCallsMinimum,
      acceptCalls: callsByAction['ec2:AcceptVpcEndpointConnections'] ?? 0,
      acceptCallsTarget: Math.ceil(endpointsWanted / 100),
      invocations: Object.fromEntries(Object.entries(functions).map(([fn, s]) => [fn, s.invocations])),
      continuations: busStats.functionTargets.invocations,
      reconcilerSummaries: reconciler.summaries.map(({ published, continuedAfter, errorCount }) => ({ published, continuedAfter, errorCount })),
      peakRssMiB: Object.fromEntries(Object.entries(functions).map(([fn, s]) => [fn, s.peakRssMiB])),
      maxInvocationSeconds: Object.fromEntries(Object.entries(functions).map(([fn, s]) => [fn, s.maxInvocationSeconds])),
      maxEventBytes: eventSizes.maxBytes,
      events: { ...eventSizes, limitBytes: PUT_EVENTS_ENTRY_LIMIT_BYTES },
      functions,
      queues: Object.fromEntries(Object.entries(busStats.queues).map(([q, s]) => [q, { sent: s.sent, invocations: s.invocations, retried: s.retried, deadLettered: s.deadLettered, largestBatch: s.largestBatch }])),
      deadLetters: deadLetters.length,
      firstDeadLetters: deadLetters.slice(0, 5).map(({ queue, reason }) => ({ queue, reason })),
      // CPU seconds: the local cloud and the bus share this process; each function's environments are their own.
      cpuSeconds: { cloudAndBus: rollout.cpuSeconds, functions: sum(Object.values(functions).map((s) => s.cpuSeconds)) },
      progress: rollout.progress,
      timeline,
      ...(opts.steadyState ? { steadyState: await measureSteadyState(cp, reconciler, accountIds.length) } : {}),
      // Not measured: the issue's size, from this run's ratio and rates (assumptions listed in the file).
      ...(accountIds.length < EXTRAPOLATE_TO_ACCOUNTS
        ? { extrapolation: extrapolateFanOut({ accounts: accountIds.length, vpcsPerAccount: opts.vpcsPerAccount, endpointPendingSeconds: opts.endpointPendingSeconds, wallSeconds, floorSeconds: floor.floorSeconds, callsByAction }, EXTRAPOLATE_TO_ACCOUNTS) }
        : {}),
      machine: { cores: cpus().length, loadAverage: loadavg().map(round) },
    };
    const problems = [...problemsOf(result, reconciler.summaries), ...reconciler.failures];
    report(result, problems);
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, `${opts.resultsName}.json`), `${JSON.stringify({ ...result, problems }, null, 2)}\n`);
    const title = `fan-out: ${accountIds.length} accounts x ${opts.vpcsPerAccount} VPCs, time scale ${opts.timeScale}: wall ${wallSeconds} s, floor ${result.floorSeconds} s`;
    writeFileSync(join(opts.out, `${opts.resultsName}.svg`), timelineSvg(timeline, endpointsWanted, floor.floorSeconds, title));
    console.log(`wrote ${join(opts.out, `${opts.resultsName}.json`)} and ${opts.resultsName}.svg`);
    return problems.length === 0;
  } finally {
    await cp.stop();
  }
}

/**
 * The reconciler as the schedule runs it: fires it, keeps the first invocation's summary (continuations are invoked by
 * the bus's rule; their failures are counted in its stats), and notes when the last invocation ended.
 */
function watchReconciler(cp: LocalControlPlane) {
  const summaries: FanOutSummary[] = [];
  const failures: string[] = [];
  let lastEnd = 0;
  cp.bus.onActivity((activity: BusActivity) => {
    if (activity.type === 'schedule' || (activity.type === 'invoke' && activity.rule === 'ContinueReconcile')) lastEnd = cp.cloud.world.clock.now();
    if (activity.type === 'invoke' && activity.outcome === 'failed') failures.push(`continuation: ${activity.error ?? 'failed'}`);
  });
  return {
    summaries,
    failures,
    async fire(): Promise<void> {
      try {
        summaries.push((await cp.bus.fireSchedule()) as FanOutSummary);
      } catch (error) {
        failures.push(`scheduled run: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    },
    lastEndSeconds: (startedAt: number) => round(Math.max(0, lastEnd - startedAt) / 1000),
  };
}

interface Measured {
  readonly startedAt: number;
  readonly callsByAction: Record<string, number>;
  readonly throttles: Record<string, number>;
  readonly cpuSeconds: number;
  readonly progress: ProgressPoint[];
}

interface ProgressPoint {
  readonly seconds: number;
  /** Messages waiting or in flight per queue. */
  readonly queued: Record<string, number>;
  readonly environments: Record<string, number>;
  /** Failed and timed-out invocations so far per function: a batch that failed waits out its visibility timeout. */
  readonly failed: Record<string, number>;
  /** Why each function's first failed invocation failed. */
  readonly firstFailures: Record<string, string>;
  /** Messages waiting out a visibility timeout after a failure, per queue (included in `queued`). */
  readonly retrying: Record<string, number>;
}

/** Runs `work` with the local cloud's counters and this process's CPU read around it, printing progress meanwhile. */
async function measure(cp: LocalControlPlane, work: () => Promise<void>): Promise<Measured> {
  const before = cp.cloud.metrics().toJSON() as CloudMetrics;
  const cpuBefore = process.cpuUsage();
  const startedAt = cp.cloud.world.clock.now();
  const progress: ProgressPoint[] = [];
  const timer = setInterval(() => {
    const point = progressPoint(cp, startedAt);
    progress.push(point);
    const trouble = Object.keys(point.failed).length + Object.keys(point.retrying).length === 0 ? '' : `  failed ${JSON.stringify(point.failed)} (first: ${JSON.stringify(point.firstFailures)})  retrying ${JSON.stringify(point.retrying)}`;
    console.log(`  ${String(point.seconds).padStart(7)} s  queued ${JSON.stringify(point.queued)}  environments ${JSON.stringify(point.environments)}${trouble}`);
  }, PROGRESS_EVERY_MS);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const after = cp.cloud.metrics().toJSON() as CloudMetrics;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    startedAt,
    callsByAction: delta(after.calls, before.calls),
    throttles: delta(after.throttled, before.throttled),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
    progress,
  };
}

function progressPoint(cp: LocalControlPlane, startedAt: number): ProgressPoint {
  const queues = cp.bus.stats().queues;
  const queued = nonZero(Object.entries(queues).map(([name, s]) => [name, s.visible + s.inFlight + s.delayed] as const));
  const functions = Object.entries(functionStats(cp));
  const environments = nonZero(functions.map(([fn, s]) => [fn, s.peakEnvironments] as const));
  const failed = nonZero(functions.map(([fn, s]) => [fn, s.failures + s.timeouts] as const));
  const firstFailures = Object.fromEntries(functions.flatMap(([fn, s]) => (s.firstFailure === undefined ? [] : [[fn, s.firstFailure]])));
  const retrying = nonZero(Object.entries(queues).map(([name, s]) => [name, s.delayed] as const));
  return { seconds: round((cp.cloud.world.clock.now() - startedAt) / 1000), queued, environments, failed, firstFailures, retrying };
}

/**
 * Waits until every wanted endpoint is available: the bus idle (nothing queued or running), then the last accepted
 * endpoints' pending time. Gives up when the bus is idle and nothing is pending any more, short of the count.
 */
async function untilAvailable(cp: LocalControlPlane, wanted: number): Promise<void> {
  for (;;) {
    await cp.idle();
    const now = cp.cloud.world.clock.now();
    const endpoints = endpointsOfService(cp.cloud.snapshot(), cp.hub.serviceName);
    const available = endpoints.filter((e) => e.availableAt !== undefined && e.availableAt <= now).length;
    const pendingUntil = Math.max(0, ...endpoints.map((e) => e.availableAt ?? 0).filter((t) => t > now));
    if (available >= wanted || pendingUntil === 0) return;
    const timeScale = cp.cloud.world.clock.timeScale;
    await new Promise((resolve) => setTimeout(resolve, (pendingUntil - now) / timeScale + 50));
  }
}

/**
 * The next scheduled run over the converged organization: what every hourly run costs from now on. Wall time is from
 * the schedule firing to the bus being idle (every work item done).
 */
async function measureSteadyState(cp: LocalControlPlane, reconciler: ReturnType<typeof watchReconciler>, accounts: number) {
  const beforeFunctions = functionStats(cp);
  const run = await measure(cp, async () => {
    await reconciler.fire();
    await cp.idle();
  });
  const wallSeconds = round((cp.cloud.world.clock.now() - run.startedAt) / 1000);
  const afterFunctions = functionStats(cp);
  const totalCalls = sum(Object.values(run.callsByAction));
  return {
    wallSeconds,
    realSeconds: round(wallSeconds / cp.cloud.world.clock.timeScale),
    schedulePeriodSeconds: SCHEDULE_PERIOD_SECONDS,
    callsByAction: run.callsByAction,
    totalCalls,
    callsPerAccount: round(totalCalls / accounts),
    throttles: run.throttles,
    // Changes a converged organization should not need: anything here is drift the run found, or a bug.
    writes: sum(Object.entries(run.callsByAction).filter(([key]) => /:(Create|Modify|Accept|Reject|Delete|Associate|Disassociate|Put)/.test(key)).map(([, n]) => n)),
    organizations: rateCost(run.callsByAction, 'organizations', BUCKETS.organizations),
    sts: rateCost(run.callsByAction, 'sts', BUCKETS.sts),
    invocations: Object.fromEntries(Object.entries(afterFunctions).map(([fn, s]) => [fn, s.invocations - (beforeFunctions[fn]?.invocations ?? 0)])),
    cpuSeconds: run.cpuSeconds,
    progress: run.progress,
  };
}

type Result = Record<string, unknown> & {
  endpointsWanted: number;
  endpointsAvailable: number;
  functions: Record<string, { timeouts: number; peakRssMiB: number; memoryMb: number; maxInvocationSeconds: number; timeoutSeconds: number }>;
  events: { overLimit: number };
  deadLetters: number;
};

/** What makes the run a failure (the exit code): correctness at scale, and Lambda's limits. */
function problemsOf(r: Result, summaries: readonly FanOutSummary[]): string[] {
  const problems: string[] = [];
  if (r.endpointsAvailable < r.endpointsWanted) problems.push(`${r.endpointsAvailable} of ${r.endpointsWanted} endpoints available`);
  if (r.events.overLimit > 0) problems.push(`${r.events.overLimit} PutEvents entries over 256 KB`);
  if (r.deadLetters > 0) problems.push(`${r.deadLetters} dead letters`);
  for (const summary of summaries) if (summary.errorCount > 0) problems.push(`reconciler run ${summary.runId}: ${summary.errorCount} errors`);
  for (const [fn, s] of Object.entries(r.functions)) {
    if (s.timeouts > 0) problems.push(`${fn}: ${s.timeouts} invocations timed out`);
    if (s.maxInvocationSeconds > s.timeoutSeconds) problems.push(`${fn}: an invocation ran ${s.maxInvocationSeconds} s, over its ${s.timeoutSeconds} s timeout`);
    if (s.peakRssMiB > s.memoryMb) problems.push(`${fn}: peak memory ${s.peakRssMiB} MiB over its ${s.memoryMb} MB`);
  }
  return problems;
}

function report(r: Result, problems: readonly string[]): void {
  const line = (label: string, value: unknown) => console.log(`${label.padEnd(40)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  console.log(`\nfan-out rollout: ${String(r.accounts)} accounts x ${String(r.vpcsPerAccount)} VPCs, time scale ${String(r.timeScale)}`);
  for (const [name, path] of Object.entries(r.floorPaths as Record<string, { calls: number; seconds: number }>)) console.log(`  ${name.padEnd(58)} ${String(path.calls).padStart(7)} calls ${path.seconds.toFixed(1).padStart(7)} s`);
  line('floor (longest path + accept->available)', `${String(r.floorSeconds)} s (${String(r.criticalPath)})`);
  line('wall (all endpoints available)', `${String(r.wallSeconds)} s emulated = ${String(r.realSeconds)} s real`);
  line('ratio wall / floor', `${String(r.ratio)} (target <= 1.15)`);
  line('endpoints available', `${r.endpointsAvailable} / ${r.endpointsWanted}`);
  line('Accept calls', `${String(r.acceptCalls)} (target <= ${String(r.acceptCallsTarget)} + a few)`);
  line('hub mutating calls (minimum)', `${String(r.hubMutatingCalls)} (${String(r.hubMutatingCallsMinimum)})`);
  line('throttling errors met (= SDK retries)', r.throttles);
  line('API calls', `${String(r.totalCalls)} (${String(r.callsPerVpc)} per VPC)`);
  line('invocations', r.invocations);
  line('continuations', r.continuations);
  line('max invocation s (emulated)', r.maxInvocationSeconds);
  line('peak RSS MiB', r.peakRssMiB);
  line('largest PutEvents entry (bytes)', r.events);
  line('CPU s', r.cpuSeconds);
  if (r.steadyState !== undefined) line('steady state', Object.fromEntries(Object.entries(r.steadyState as Record<string, unknown>).filter(([k]) => k !== 'progress' && k !== 'callsByAction')));
  if (r.extrapolation !== undefined) {
    const x = r.extrapolation as Extrapolation;
    line(`extrapolated to ${x.accounts.toLocaleString('en-US')} x ${x.vpcsPerAccount}`, `floor ${x.floorSeconds} s (${x.criticalPath}) x ratio ${x.assumedRatio} = ~${Math.round(x.wallSeconds)} s; Organizations ${x.organizationsCalls} calls = ${x.organizationsSeconds} s of the shared rate`);
    for (const assumption of x.assumptions) console.log(`${''.padEnd(41)}assuming ${assumption}`);
  }
  line('load average (1, 5, 15 min)', (r.machine as { loadAverage: number[] }).loadAverage.join(', '));
  line('problems', problems.length === 0 ? 'none' : problems.join('; '));
}

function functionStats(cp: LocalControlPlane): Record<string, FunctionProcessStats> {
  return { ...cp.functionStats() };
}

const nonZero = (entries: readonly (readonly [string, number])[]): Record<string, number> => Object.fromEntries(entries.filter(([, n]) => n !== 0));
const round = (n: number) => Math.round(n * 100) / 100;
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
