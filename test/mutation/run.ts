/**
 * `npm run test:mutation`: Stryker in incremental mode against the committed baseline, after forgetting the results
 * whose evidence changed (evidence.ts says which and why). The baseline (test/mutation/stryker-incremental.json) is
 * Stryker's incremental report, written compactly, with the fingerprints of its results' evidence in the same file:
 * commit it with the change that moved it, and the next run (CI's) re-tests only what changed since.
 *
 * Stryker itself reads and writes a working copy under reports/ (stryker.config.mjs: incrementalFile), so a direct
 * `npx stryker run --mutate <file>` never touches the committed baseline; only this script writes it, always
 * together with the fingerprints of the evidence it was verified against. Then prints the score per file
 * (summary.ts), which fails the run when a file misses the target.
 *
 * Usage: tsx test/mutation/run.ts [--full] [-- <stryker options>]
 *   --full  forget the baseline: every mutant is tested (what a run does anyway when the tools change)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fingerprints, forgetStale, toBaseline, type Baseline, type Fingerprints, type IncrementalReport, type Pruning, type Repository } from './evidence';
import { summarize } from './summary';

const ROOT = resolve(__dirname, '..', '..');
const BASELINE = 'test/mutation/stryker-incremental.json';
/** Stryker's own incremental file (stryker.config.mjs: incrementalFile). */
const WORKING_COPY = 'reports/mutation/stryker-incremental.json';

function repository(): Repository {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
  const list = (folder: string): string[] =>
    readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? list(`${folder}${entry.name}/`) : [`${folder}${entry.name}`],
    );
  return {
    read: (path) => (isFile(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : undefined),
    list: (folder) => list(folder).sort(),
    lockedVersion: (name) => lock.packages[`node_modules/${name}`]?.version,
  };
}

function readJson<T>(path: string): T | undefined {
  return existsSync(join(ROOT, path)) ? (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T) : undefined;
}

/** Stryker's working copy: the baseline without its fingerprints. */
function workingCopyOf(baseline: Baseline): string {
  const { evidence: _evidence, ...report } = baseline;
  return `${JSON.stringify(report)}\n`;
}

function fingerprintsOf(report: IncrementalReport): Fingerprints {
  return fingerprints(Object.keys(report.testFiles ?? {}), Object.keys(report.files), repository());
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const full = args.includes('--full');
  const strykerArgs = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];

  const baseline = readJson<Baseline>(BASELINE);
  let pruning: Pruning;
  if (baseline === undefined) pruning = { full: true, reasons: [`no baseline at ${BASELINE}: every mutant is tested`], forgotten: 0 };
  else if (full) pruning = { full: true, reasons: ['--full: every mutant is tested'], forgotten: 0 };
  else pruning = forgetStale(baseline, baseline.evidence, fingerprintsOf(baseline));

  for (const reason of pruning.reasons) console.log(`mutation baseline: ${reason}`);
  rmSync(join(ROOT, WORKING_COPY), { force: true });
  if (!pruning.full && baseline !== undefined) {
    console.log(`mutation baseline: ${pruning.forgotten} result(s) forgotten, the rest reused where Stryker finds the code and tests unchanged`);
    mkdirSync(dirname(join(ROOT, WORKING_COPY)), { recursive: true });
    writeFileSync(join(ROOT, WORKING_COPY), workingCopyOf(baseline));
  }

  const startedAt = Date.now();
  const stryker = spawnSync(join(ROOT, 'node_modules', '.bin', 'stryker'), ['run', ...strykerArgs], { cwd: ROOT, stdio: 'inherit' });
  const written = existsSync(join(ROOT, WORKING_COPY)) && statSync(join(ROOT, WORKING_COPY)).mtimeMs >= startedAt;
  if (written) {
    // A run that ends below the threshold still wrote complete results: they are the baseline all the same.
    const report = readJson<IncrementalReport>(WORKING_COPY)!;
    writeFileSync(join(ROOT, BASELINE), `${JSON.stringify(toBaseline(report, fingerprintsOf(report)))}\n`);
  }
  if (stryker.error !== undefined) throw stryker.error;
  const summary = written ? await summarize() : 1;
  return Math.max(stryker.status ?? 1, summary);
}

void main().then((code) => {
  process.exitCode = code;
});
