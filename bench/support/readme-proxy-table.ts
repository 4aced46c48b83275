/**
 * The README's Squid profile table, made from bench/results/proxy.json (written by `npm run bench:proxy`), so its
 * figures are the measured ones and say when and at what load they were measured. `npm run bench:readme` writes it
 * between the README's markers; test/unit/bench/readme-proxy-table.test.ts fails when the README and the file disagree.
 */
export const PROXY_MARKERS = {
  start: '<!-- bench:proxy:start (npm run bench:readme writes this table from bench/results/proxy.json) -->',
  end: '<!-- bench:proxy:end -->',
} as const;

/** The fields of bench/results/proxy.json the table shows (bench/proxy.ts writes them). */
export interface ProxyResult {
  readonly measuredAt: string;
  readonly machine: { readonly cores: number; readonly loadAverageBefore: readonly number[]; readonly loadAverageAfter: readonly number[] };
  readonly settings: { readonly rounds: number };
  readonly scenarios: readonly {
    readonly name: string;
    readonly requestsPerSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly cpuMsPerRequest: { readonly squid: number; readonly helper: number };
  }[];
  readonly policyCostRatio: number;
  readonly addedP50Ms: number;
  readonly targets: { readonly policyCostRatio: number; readonly addedP50Ms: number };
}

const DIRECT = 'direct to the origin';

export function renderProxyTable(result: ProxyResult): string {
  const load = Math.max(result.machine.loadAverageBefore[0] ?? 0, result.machine.loadAverageAfter[0] ?? 0);
  const when = `run of ${result.measuredAt.slice(0, 10)}, ${result.machine.cores} cores, load average up to ${load.toFixed(1)}`;
  const header = `| ${when} (medians of ${result.settings.rounds} rounds) | req/s | p50 ms | p99 ms | Squid CPU ms/request | helper CPU ms/request |`;
  const rows = result.scenarios.map((scenario) => {
    const direct = scenario.name === DIRECT;
    return [
      scenario.name,
      Math.round(scenario.requestsPerSecond).toLocaleString('en-US'),
      scenario.p50Ms.toFixed(2),
      scenario.p99Ms.toFixed(1),
      direct ? '-' : scenario.cpuMsPerRequest.squid.toFixed(2),
      direct ? '-' : scenario.cpuMsPerRequest.helper.toFixed(3),
    ].join(' | ');
  });
  const verdict = (met: boolean) => (met ? 'met' : 'not met');
  const summary =
    `\`policyCostRatio\` ${result.policyCostRatio.toFixed(2)} (per-endpoint policy over baseline-only throughput; target >= ` +
    `${result.targets.policyCostRatio.toFixed(2)}: ${verdict(result.policyCostRatio >= result.targets.policyCostRatio)}), ` +
    `\`addedP50Ms\` ${result.addedP50Ms.toFixed(2)} ms (Squid's added median latency over direct; target <= ` +
    `${result.targets.addedP50Ms.toFixed(1)}: ${verdict(result.addedP50Ms <= result.targets.addedP50Ms)}).`;
  return [header, '|---|---|---|---|---|---|', ...rows.map((row) => `| ${row} |`), '', summary].join('\n');
}
