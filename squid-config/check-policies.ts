/**
 * CLI: `npm run policy:check [-- SQUID_CONFIG_DIR]`. Checks the baseline (allowlist.txt), every named policy
 * (policies/*.txt) and the defaults (policy-defaults.txt): prints `file:line: problem` for each problem and exits 1
 * if there is any. The pipeline runs it before publishing the bundle.
 */
import { join } from 'node:path';
import { checkPolicyFiles, formatPolicyProblems } from './policy/check';
import { readPolicyFiles } from './policy/repository';

function main(args: readonly string[]): number {
  const configDir = args[0] ?? join(__dirname);
  let files;
  try {
    files = readPolicyFiles(configDir);
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    console.error(code === 'ENOENT' ? `policy check: ${path ?? configDir} does not exist` : `policy check: ${(error as Error).message}`);
    return 2;
  }
  const check = checkPolicyFiles(files);
  if (check.warnings.length > 0) console.error(formatPolicyProblems(check.warnings).replace(/^/gm, 'warning: '));
  if (check.problems.length > 0) {
    console.error(formatPolicyProblems(check.problems));
    console.error(`${check.problems.length} problem(s): the policies were not published`);
    return 1;
  }
  const bundle = check.bundle;
  const policies = Object.entries(bundle?.policies ?? {}).map(([name, entries]) => `${name} (${entries.length})`);
  const defaults = Object.keys(bundle?.defaults.accounts ?? {}).length + Object.keys(bundle?.defaults.organizationalUnits ?? {}).length;
  console.log(`baseline: ${bundle?.baseline.length ?? 0} entries; policies: ${policies.join(', ') || 'none'}; defaults: ${defaults} line(s). OK`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
