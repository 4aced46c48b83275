/**
 * CLI: `tsx squid-config/check-allowlist.ts FILE...` (npm run allowlist:check).
 * Prints `file:line: problem` for every problem and exits 1 if there is any; the pipeline runs it
 * before building the image.
 */
import { readFileSync } from 'node:fs';
import { checkAllowlist, formatProblems } from './allowlist';

function main(files: readonly string[]): number {
  if (files.length === 0) {
    console.error('usage: check-allowlist.ts ALLOWLIST_FILE...');
    return 2;
  }
  let failed = false;
  for (const file of files) {
    const { entries, problems } = checkAllowlist(readFileSync(file, 'utf8'));
    if (problems.length > 0) {
      failed = true;
      console.error(formatProblems(file, problems));
      console.error(`${file}: ${problems.length} problem(s)`);
    } else if (entries.length === 0) {
      failed = true;
      console.error(`${file}: no entries: the proxy would refuse every destination`);
    } else {
      console.log(`${file}: ${entries.length} entries OK`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
