/**
 * The README's fairness table, made from bench/results/fairness.json (written by `npm run bench:fairness`), so its
 * figures are the measured ones and say at what time scale and load they were measured. `npm run bench:readme`
 * writes it between the README's markers; test/unit/bench/readme-fairness-table.test.ts fails when they disagree.
 */
export const FAIRNESS_MARKERS = {
  start: '<!-- bench:fairness:start (npm run bench:readme writes this table from bench/results/fairness.json) -->',
  end: '<!-- bench:fairness:end -->',
} as const;

interface Timing {
  readonly seconds: number;
}

/** The fields of bench/results/fairness.json the table shows (bench/fairness.ts writes them). */
export interface FairnessResult {
  /** Absent from runs before bench/fairness.ts recorded it. */
  readonly measuredAt?: string;
  readonly timeScale: number;
  readonly flips: number;
  readonly floodVpcs: number;
  readonly quiet: { readonly timings: readonly Timing[]; readonly medianSeconds: number };
  readonly duringFlood: { readonly timings: readonly Timing[]; readonly medianSeconds: number; readonly maxSeconds: number };
  readonly ratio: { readonly median: number; readonly worst: number; readonly target: number };
  /**
   * From the flood's start: `vpcQueueDrainedSeconds` until the VPC onboarding queue (and its intake) held nothing
   * (absent from earlier runs); `backlogClearedSeconds` until the whole control plane was idle, other queues' retries
   * waiting out their visibility timeouts included.
   */
  readonly flood: { readonly flipsSeconds: number; readonly vpcQueueDrainedSeconds?: number; readonly backlogClearedSeconds: number };
  readonly vpcOnboardingQueue: {
    readonly messages: number;
    readonly invocations: number;
    readonly retried: number;
    readonly deadLettered: number;
    readonly largestBatch: number;
  };
  readonly machine: { readonly cores: number; readonly loadAverage: readonly number[] };
}

const seconds = (value: number) => `${value.toFixed(1)} s`;

export function renderFairnessTable(result: FairnessResult): string {
  const when = result.measuredAt === undefined ? 'date not recorded' : result.measuredAt.slice(0, 10);
  const load = result.machine.loadAverage.map((value) => value.toFixed(1)).join(' / ');
  const run =
    `\`--time-scale ${result.timeScale}\`, ${result.quiet.timings.length} teams per phase, ${result.flips} flips over ` +
    `${result.floodVpcs} VPCs; ${when}, ${result.machine.cores} cores, load average ${load} (1 / 5 / 15 min) at the end`;
  const quietWorst = Math.max(...result.quiet.timings.map((timing) => timing.seconds));
  const met = result.ratio.worst <= result.ratio.target ? 'met' : 'not met';
  const queue = result.vpcOnboardingQueue;
  return [
    `| [${run}](bench/results/fairness.json) | tag -> available, median | worst | ratio to the quiet median (median / worst) |`,
    '|---|---|---|---|',
    `| quiet | ${seconds(result.quiet.medianSeconds)} | ${seconds(quietWorst)} | - |`,
    `| during the flood | ${seconds(result.duringFlood.medianSeconds)} | ${seconds(result.duringFlood.maxSeconds)} | ${result.ratio.median.toFixed(2)} / ${result.ratio.worst.toFixed(2)} |`,
    '',
    `Target: within ${result.ratio.target}x the quiet median during the flood, worst case included: ${met}. Emulated seconds. ` +
      `The noisy member's flips took ${seconds(result.flood.flipsSeconds)}; ` +
      (result.flood.vpcQueueDrainedSeconds === undefined ? '' : `the VPC onboarding queue drained ${seconds(result.flood.vpcQueueDrainedSeconds)} after the flood began, and `) +
      `the control plane was idle again after ${seconds(result.flood.backlogClearedSeconds)} (every queue, retries ` +
      `waiting out their visibility timeouts included). The VPC onboarding queue ran ${queue.invocations} invocations ` +
      `(${queue.messages} messages, largest batch ${queue.largestBatch}, ${queue.retried} retried, ${queue.deadLettered} dead-lettered).`,
  ].join('\n');
}
