/**
 * CLI: `tsx squid-config/check-allowlist.ts FILE...` (npm run allowlist:check).
 * Prints `file:line: problem` for every problem and exits 1 if there is any (2 if a file cannot be read);
 * the pipeline runs it before building the image.
 */
import { readFileSync } from 'node:fs';
import { checkAllowlist, formatProblems } from './allowlist';

function main(files: readonly string[]): number {
  if (files.length === 0) {
    console.error('usage: check-allowlist.ts ALLOWLIST_FILE...');
    return 2;
  }
  let failed = false;
  let unreadable = false;
  for (const file of files) {
    const text = readText(file);
    if (text === undefined) {
      unreadable = true;
      continue;
    }
    const { entries, problems } = checkAllowlist(text);
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
  return unreadable ? 2 : failed ? 1 : 0;
}

/** The file's text, or undefined after saying in one line why it cannot be read (a typo in the path, a folder). */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : code === 'EACCES' ? 'not readable (permissions)' : String(error);
    console.error(`${file}: cannot read it: ${why}`);
    return undefined;
  }
}

process.exitCode = main(process.argv.slice(2));
