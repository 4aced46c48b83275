/**
 * The README's rollout benchmark table, made from the results files (bench/results/rollout*.json) so that its
 * figures are the measured ones and say when and where they were measured. `npm run bench:readme` writes it between
 * the README's markers; test/unit/bench/readme-table.test.ts fails when the README and the files disagree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TABLE_START = '<!-- bench:rollout:start (npm run bench:readme writes this table from bench/results) -->';
export const TABLE_END = '<!-- bench:rollout:end -->';

/** The fields of a rollout results file the table shows (bench/rollout.ts writes them). */
export interface RolloutResult {
  readonly measuredAt?: string;
  /** `fan-out`: the scheduled path as deployed (bench/rollout-fan-out.ts); absent: the inline rollout. */
  readonly mode?: string;
  readonly accounts: number;
  readonly vpcsPerAccount: number;
  readonly timeScale: number;
  readonly endpointsWanted: number;
  readonly floorSeconds: number;
  readonly wallSeconds: number;
  readonly ratio: number;
  readonly totalCalls: number;
  readonly throttleTotal: number;
  readonly hubMutatingCalls: number;
  readonly hubMutatingCallsMinimum: number;
  readonly machine: { readonly cores: number; readonly loadAverage: readonly number[] };
}

export interface ResultsFile {
  readonly file: string;
  readonly result: RolloutResult;
}

export function readResultsFiles(directory: string): ResultsFile[] {
  return readdirSync(directory)
    .filter((file) => /^rollout.*\.json$/.test(file))
    .map((file) => ({ file, result: JSON.parse(readFileSync(join(directory, file), 'utf8')) as RolloutResult }))
    .sort((a, b) => a.result.accounts * a.result.vpcsPerAccount - b.result.accounts * b.result.vpcsPerAccount || a.file.localeCompare(b.file));
}

const seconds = (value: number) => `${value.toFixed(1)} s`;

export function renderRolloutTable(files: readonly ResultsFile[]): string {
  const header = '| run | floor | wall | ratio | throttling errors | hub-side writes (minimum) | calls per VPC | measured |';
  const rule = '|---|---|---|---|---|---|---|---|';
  const rows = files.map(({ file, result }) => {
    const path = result.mode === 'fan-out' ? ', fan-out' : '';
    const run = `${result.accounts.toLocaleString('en-US')} accounts x ${result.vpcsPerAccount} VPCs${path}${result.timeScale === 1 ? '' : `, \`--time-scale ${result.timeScale}\``}`;
    const machine = `${result.machine.cores} cores, load ${result.machine.loadAverage[0]?.toFixed(1) ?? '?'}`;
    const when = result.measuredAt === undefined ? 'date not recorded' : result.measuredAt.slice(0, 10);
    return [
      `[${run}](bench/results/${file})`,
      seconds(result.floorSeconds),
      seconds(result.wallSeconds),
      result.ratio.toFixed(2),
      String(result.throttleTotal),
      `${result.hubMutatingCalls} (${result.hubMutatingCallsMinimum})`,
      (result.totalCalls / result.endpointsWanted).toFixed(1),
      `${when}, ${machine}`,
    ].join(' | ');
  });
  return [header, rule, ...rows.map((row) => `| ${row} |`)].join('\n');
}

/** The README with its rollout table replaced; throws when the markers are missing. */
export function withTable(readme: string, table: string): string {
  return withBlock(readme, { start: TABLE_START, end: TABLE_END }, table);
}

/** The README with the text between two marker lines replaced; throws when the markers are missing. */
export function withBlock(readme: string, markers: { readonly start: string; readonly end: string }, block: string): string {
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`README.md has no ${markers.start} ... ${markers.end} block`);
  return `${readme.slice(0, start + markers.start.length)}\n${block}\n${readme.slice(end)}`;
}
