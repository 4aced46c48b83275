/**
 * The README's onboarding latency table, made from bench/results/onboarding.json (written by `npm run
 * bench:onboarding`), so its figures are the measured ones and say at what rate, time scale and load they were
 * measured and what the modelled pending time rests on. `npm run bench:readme` writes it between the README's
 * markers; test/unit/bench/readme-onboarding-table.test.ts fails when they disagree.
 */
import type { Spread } from './percentile';

export const ONBOARDING_MARKERS = {
  start: '<!-- bench:onboarding:start (npm run bench:readme writes this table from bench/results/onboarding.json) -->',
  end: '<!-- bench:onboarding:end -->',
} as const;

/** The fields of bench/results/onboarding.json the table shows (bench/onboarding.ts writes them). */
export interface OnboardingResult {
  readonly measuredAt: string;
  readonly settings: {
    readonly ratePerSecond: number;
    readonly durationSeconds: number;
    readonly tags: number;
    readonly accounts: number;
    readonly timeScale: number;
  };
  readonly endpointPending: {
    readonly seconds: number;
    readonly basis: string;
    readonly sources: readonly { readonly url: string }[];
  };
  readonly tagged: number;
  readonly available: number;
  readonly tagToCreated: Spread;
  readonly tagToAccepted: Spread;
  readonly tagToAvailable: Spread;
  /** The same spans from the local cloud's record of each endpoint: exact, without the teams' poll period. */
  readonly fromCloudRecord: { readonly tagToAccepted: Spread };
  readonly spokePolling: { readonly meanRoundSeconds: number };
  readonly process: { readonly eventLoopUtilization: number; readonly eventLoopDelayP99Ms: number };
  readonly machine: { readonly cores: number; readonly loadAverage: readonly number[] };
}

// Hundredths below a second: the control plane's own steps are that short.
const seconds = (value: number) => `${value.toFixed(value < 1 ? 2 : 1)} s`;
/** `terraform-provider-aws #32774` for a GitHub issue, else the page's host. */
const sourceLabel = (url: string) => {
  const issue = /github\.com\/[^/]+\/([^/]+)\/issues\/(\d+)/.exec(url);
  return issue ? `${issue[1]} #${issue[2]}` : new URL(url).hostname;
};
const row = (label: string, spread: Spread) => `| ${label} | ${[spread.p50, spread.p90, spread.p99, spread.max].map(seconds).join(' | ')} |`;

export function renderOnboardingTable(result: OnboardingResult): string {
  const s = result.settings;
  const load = result.machine.loadAverage.map((value) => value.toFixed(1)).join(' / ');
  const run =
    `${s.tags.toLocaleString('en-US')} tags at ${s.ratePerSecond}/s for ${s.durationSeconds} s over ${s.accounts} accounts, ` +
    `\`--time-scale ${s.timeScale}\`; ${result.measuredAt.slice(0, 10)}, ${result.machine.cores} cores, load average ${load} (1 / 5 / 15 min) at the end`;
  const pending = result.endpointPending;
  return [
    `| [${run}](bench/results/onboarding.json) | p50 | p90 | p99 | max |`,
    '|---|---|---|---|---|',
    row('tag -> endpoint created', result.tagToCreated),
    row("tag -> accepted (the control plane's share)", result.tagToAccepted),
    row('tag -> available (what the team waits for)', result.tagToAvailable),
    '',
    `${result.available} of ${result.tagged} tagged VPCs got an available endpoint. Emulated seconds from the team's ` +
      `CreateTags, as it saw them: its own DescribeVpcEndpoints every ${result.spokePolling.meanRoundSeconds.toFixed(1)} s ` +
      `on average (the endpoint's creationTimestamp for "created"); the local cloud's own record, without that poll ` +
      `period, puts tag -> accepted at p50 ${seconds(result.fromCloudRecord.tagToAccepted.p50)}, p99 ` +
      `${seconds(result.fromCloudRecord.tagToAccepted.p99)}. Accepted -> available is a fixed ${pending.seconds} s ` +
      `(the local cloud models no jitter). ${pending.basis} Sources: ${pending.sources.map((source) => `[${sourceLabel(source.url)}](${source.url})`).join(', ')}. ` +
      `The benchmark's process (local cloud, bus, handlers, spoke teams) was busy ${Math.round(result.process.eventLoopUtilization * 100)} % ` +
      `of the time, p99 event-loop delay ${result.process.eventLoopDelayP99Ms.toFixed(0)} ms.`,
  ].join('\n');
}
