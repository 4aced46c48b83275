/**
 * Reads the mutation report (reports/mutation/mutation.json, written by `npm run test:mutation`) and prints the score
 * of every mutated file as a Markdown table (the README's figures come from here). Exits 1 when a file scores below
 * the configured `thresholds.break` or has mutants no test reaches: Stryker's own break threshold applies only to
 * the total, and the target holds for every file.
 *
 * Usage: tsx test/mutation/summary.ts [report.json]
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '..', '..');

/** The part of the mutation-testing-report-schema we read. */
interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: MutantStatus }[] }>>;
}

type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export interface FileScore {
  readonly file: string;
  readonly killed: number;
  readonly timedOut: number;
  readonly survived: number;
  readonly noCoverage: number;
  readonly ignored: number;
  /** Stryker's mutation score: detected (killed or timed out) over detected plus undetected; undefined without mutants. */
  readonly score: number | undefined;
}

export function fileScores(report: MutationReport): FileScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const count = (status: MutantStatus) => mutants.filter((mutant) => mutant.status === status).length;
      const [killed, timedOut, survived, noCoverage] = [count('Killed'), count('Timeout'), count('Survived'), count('NoCoverage')];
      const valid = killed + timedOut + survived + noCoverage;
      return {
        file,
        killed,
        timedOut,
        survived,
        noCoverage,
        ignored: count('Ignored'),
        score: valid === 0 ? undefined : (100 * (killed + timedOut)) / valid,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

function percent(score: number | undefined): string {
  return score === undefined ? 'n/a' : `${(Math.floor(score * 100) / 100).toFixed(2)} %`;
}

function table(scores: readonly FileScore[]): string {
  const total = scores.reduce(
    (sum, s) => ({
      killed: sum.killed + s.killed,
      timedOut: sum.timedOut + s.timedOut,
      survived: sum.survived + s.survived,
      noCoverage: sum.noCoverage + s.noCoverage,
      ignored: sum.ignored + s.ignored,
    }),
    { killed: 0, timedOut: 0, survived: 0, noCoverage: 0, ignored: 0 },
  );
  const valid = total.killed + total.timedOut + total.survived + total.noCoverage;
  const rows = [
    ...scores,
    { file: '**all files**', ...total, score: valid === 0 ? undefined : (100 * (total.killed + total.timedOut)) / valid },
  ];
  return [
    '| file | score | killed | timed out | survived | no coverage | ignored (disable comments) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((s) => `| ${s.file.startsWith('*') ? s.file : `\`${s.file}\``} | ${percent(s.score)} | ${s.killed} | ${s.timedOut} | ${s.survived} | ${s.noCoverage} | ${s.ignored} |`),
  ].join('\n');
}

/** Prints the table for the report at `reportPath`; returns the exit code (1 when a file misses the target). */
export async function summarize(reportPath = join(ROOT, 'reports', 'mutation', 'mutation.json')): Promise<number> {
  const config = (await import(pathToFileURL(join(ROOT, 'stryker.config.mjs')).href)) as { default: { thresholds: { break: number } } };
  const target = config.default.thresholds.break;
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as MutationReport;
  const scores = fileScores(report);

  console.log(`Mutation score per file (${reportPath}, measured ${statSync(reportPath).mtime.toISOString().slice(0, 10)}):\n`);
  console.log(table(scores));

  const failures = scores.flatMap((s) => [
    ...(s.score !== undefined && s.score < target ? [`${s.file}: score ${percent(s.score)} is below ${target} %`] : []),
    ...(s.noCoverage > 0 ? [`${s.file}: ${s.noCoverage} mutant(s) no test reaches`] : []),
  ]);
  if (failures.length === 0) return 0;
  console.error(`\nmutation target not met:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return 1;
}

if (require.main === module) {
  void summarize(process.argv[2] === undefined ? undefined : resolve(process.argv[2])).then((code) => {
    process.exitCode = code;
  });
}
