/**
 * The proxy benchmark's figures: each scenario's rounds reduced to medians, the ratios the targets are set on,
 * bench/results/proxy.json, and the table printed at the end.
 */
import type { LoadResult } from './proxy-load-generator';
import type { MeasuredLoad } from './run-load';

export const TARGETS = { policyCostRatio: 0.9, addedP50Ms: 1.0 } as const;

/** One round of one scenario: a throughput run (many connections) and a latency run (one connection). */
export interface RoundResult {
  readonly throughput: MeasuredLoad;
  readonly latency: LoadResult;
  /** The 1-minute load average as the round started: other jobs on the machine shrink the figures. */
  readonly loadAverageAtStart: number;
}

/** A scenario over all rounds: each figure the median of the rounds'. */
export interface ScenarioResult {
  readonly name: string;
  /** Throughput run. */
  readonly requestsPerSecond: number;
  /** Latency run: one request at a time, so these are the proxy's own latency, not time spent queueing. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Throughput run's latencies: mostly queueing (Little's law: connections / requests per second). */
  readonly saturatedP50Ms: number;
  readonly saturatedP99Ms: number;
  readonly cpuMsPerRequest: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly errorSamples: readonly string[];
  readonly rounds: readonly RoundResult[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export function summarize(name: string, rounds: readonly RoundResult[]): ScenarioResult {
  const of = (pick: (round: RoundResult) => number) => median(rounds.map(pick));
  const roles = [...new Set(rounds.flatMap((round) => Object.keys(round.throughput.cpuMsPerRequest)))];
  const runs = rounds.flatMap((round) => [round.throughput, round.latency]);
  return {
    name,
    requestsPerSecond: of((round) => round.throughput.requestsPerSecond),
    p50Ms: of((round) => round.latency.p50Ms),
    p99Ms: of((round) => round.latency.p99Ms),
    saturatedP50Ms: of((round) => round.throughput.p50Ms),
    saturatedP99Ms: of((round) => round.throughput.p99Ms),
    cpuMsPerRequest: Object.fromEntries(roles.map((role) => [role, of((round) => round.throughput.cpuMsPerRequest[role] ?? Number.NaN)])),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    errorSamples: runs.flatMap((run) => run.errorSamples).slice(0, 5),
    rounds,
  };
}

/** The figures the targets are set on, from the direct, baseline-only and per-endpoint-policy scenarios. */
export function ratios(direct: ScenarioResult, baseline: ScenarioResult, policy: ScenarioResult) {
  const proxyCpu = (result: ScenarioResult) => (result.cpuMsPerRequest.squid ?? Number.NaN) + (result.cpuMsPerRequest.helper ?? Number.NaN);
  return {
    policyCostRatio: policy.requestsPerSecond / baseline.requestsPerSecond,
    addedP50Ms: baseline.p50Ms - direct.p50Ms,
    /** The same comparison in CPU (Squid and its helpers per request), which other jobs on the machine do not move. */
    policyCpuCostRatio: proxyCpu(baseline) / proxyCpu(policy),
  };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const roundedRecord = (record: Readonly<Record<string, number>>, digits: number) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, round(value, digits)]));

export function resultsDocument(input: {
  measuredAt: string;
  machine: { cores: number; loadAverageBefore: readonly number[]; loadAverageAfter: readonly number[] };
  settings: Readonly<Record<string, number>>;
  results: readonly ScenarioResult[];
  ratios: ReturnType<typeof ratios>;
}) {
  const { policyCostRatio, addedP50Ms, policyCpuCostRatio } = input.ratios;
  return {
    measuredAt: input.measuredAt,
    machine: {
      cores: input.machine.cores,
      loadAverageBefore: input.machine.loadAverageBefore.map((l) => round(l, 2)),
      loadAverageAfter: input.machine.loadAverageAfter.map((l) => round(l, 2)),
    },
    settings: input.settings,
    scenarios: input.results.map((result) => ({
      name: result.name,
      requestsPerSecond: round(result.requestsPerSecond, 0),
      p50Ms: round(result.p50Ms, 3),
      p99Ms: round(result.p99Ms, 3),
      saturatedP50Ms: round(result.saturatedP50Ms, 3),
      saturatedP99Ms: round(result.saturatedP99Ms, 3),
      cpuMsPerRequest: roundedRecord(result.cpuMsPerRequest, 4),
      errors: result.errors,
      ...(result.errors > 0 ? { errorSamples: result.errorSamples } : {}),
      rounds: result.rounds.map((measured) => ({
        requestsPerSecond: round(measured.throughput.requestsPerSecond, 0),
        p50Ms: round(measured.latency.p50Ms, 3),
        p99Ms: round(measured.latency.p99Ms, 3),
        cpuMsPerRequest: roundedRecord(measured.throughput.cpuMsPerRequest, 4),
        loadAverageAtStart: round(measured.loadAverageAtStart, 2),
      })),
    })),
    policyCostRatio: round(policyCostRatio, 3),
    addedP50Ms: round(addedP50Ms, 3),
    policyCpuCostRatio: round(policyCpuCostRatio, 3),
    targets: { ...TARGETS, policyCostRatioMet: policyCostRatio >= TARGETS.policyCostRatio, addedP50MsMet: addedP50Ms <= TARGETS.addedP50Ms },
  };
}

export function printReport(document: ReturnType<typeof resultsDocument>, resultsFile: string): void {
  const cell = (value: number | undefined, width: number, digits: number) => (value ?? Number.NaN).toFixed(digits).padStart(width);
  console.log(`\nmedians of ${document.settings.rounds} rounds${' '.repeat(27)}req/s  p50 ms  p99 ms | saturated p50  p99 | CPU ms/request: squid  helper  origin  generator | errors`);
  for (const s of document.scenarios) {
    const cpu = s.cpuMsPerRequest;
    console.log(
      `${s.name.padEnd(46)}${cell(s.requestsPerSecond, 6, 0)} ${cell(s.p50Ms, 7, 2)} ${cell(s.p99Ms, 7, 2)} | ${cell(s.saturatedP50Ms, 13, 1)} ${cell(s.saturatedP99Ms, 4, 0)} |` +
        `${' '.repeat(16)}${cell(cpu.squid, 6, 3)} ${cell(cpu.helper, 7, 3)} ${cell(cpu.origin, 7, 3)} ${cell(cpu.generator, 10, 3)} | ${s.errors}`,
    );
  }
  const met = (yes: boolean) => (yes ? 'met' : 'NOT met');
  console.log(`\npolicyCostRatio ${document.policyCostRatio} (per-endpoint policy / baseline only, req/s; target >= ${TARGETS.policyCostRatio}): ${met(document.targets.policyCostRatioMet)}`);
  console.log(`  in CPU: Squid and helpers spend ${document.policyCpuCostRatio} as much per request on the baseline as on per-endpoint policy`);
  console.log(`addedP50Ms ${document.addedP50Ms} (Squid baseline p50 - direct p50, one request at a time; target <= ${TARGETS.addedP50Ms}): ${met(document.targets.addedP50MsMet)}`);
  console.log(`load average ${document.machine.loadAverageBefore.join(' ')} before, ${document.machine.loadAverageAfter.join(' ')} after, on ${document.machine.cores} cores; written to ${resultsFile}`);
}
