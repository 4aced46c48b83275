/**
 * What the committed mutation baseline (test/mutation/stryker-incremental.json) may be trusted for, and what must be
 * tested again. Pure: the caller reads the files.
 *
 * Stryker's incremental mode reuses a mutant's result while the mutant's own code and the bodies of its covering
 * tests are unchanged (it diffs the mutated files and the test files against the sources in the baseline). It does
 * not see everything a result rests on:
 * - code outside a test's body: imports, helpers and fixtures at the top of a test file or between its tests;
 * - the modules the tests and the mutated code import that are neither (helpers, samples, other source files), and
 *   the data files they read (squid.conf, the shipped allowlist);
 * - the tools and the packages (a new zod or tldts, a changed Jest or Stryker configuration);
 * - a surviving static mutant (one that runs while the module loads, such as a pattern constant) has no covering
 *   test, so a new test that would kill it does not make Stryker test it again.
 *
 * So each baseline records a fingerprint of that evidence per test file and per mutated file, and of the tools.
 * Before a run, the results whose evidence changed are forgotten (Stryker tests those mutants again): every result a
 * changed test file's tests covered, every result in a mutated file whose imports changed, every result that is not
 * a kill, and all of them when the tools changed.
 */
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';

/** Files read at run time rather than imported, by the module that reads them (a folder ends in "/"). */
export const DATA_READ_BY: Readonly<Record<string, readonly string[]>> = {
  'test/unit/allowlist.test.ts': ['squid-config/squid.conf', 'squid-config/allowlist.txt'],
  'test/unit/events/samples.test.ts': ['events/samples/'],
  'squid-config/policy/repository.ts': ['squid-config/allowlist.txt', 'squid-config/policies/', 'squid-config/policy-defaults.txt'],
};

/** The tools whose version changes what a run finds, besides the packages the code imports. */
export const TOOLING_FILES = ['stryker.config.mjs', 'jest.stryker.config.cjs', 'jest.config.cjs'];
export const TOOLING_PACKAGES = ['jest', '@swc/core', '@swc/jest', '@stryker-mutator/core', '@stryker-mutator/jest-runner', '@stryker-mutator/instrumenter'];

/** What the run needs to know of the repository: file contents by path (relative, "/"-separated) and folder listings. */
export interface Repository {
  /** The file's text, or undefined when there is no such file. */
  read(path: string): string | undefined;
  /** Every file under a folder, recursively. */
  list(folder: string): string[];
  /** The locked version of a package, or undefined when it is not installed. */
  lockedVersion(name: string): string | undefined;
}

export interface Fingerprints {
  readonly tooling: string;
  /** By test file and by mutated file. */
  readonly files: Readonly<Record<string, string>>;
}

/** The part of Stryker's report (mutation-testing-report-schema) this reads and prunes. */
export interface IncrementalReport {
  files: Record<string, { source: string; mutants: ReportMutant[]; [key: string]: unknown }>;
  testFiles?: Record<string, { source?: string; tests: { id: string; name: string }[] }>;
  [key: string]: unknown;
}

export interface ReportMutant {
  readonly status: string;
  readonly coveredBy?: readonly string[];
  readonly killedBy?: readonly string[];
  readonly [key: string]: unknown;
}

const IMPORT_PATTERNS = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
];

const READS_FILES = /\b(?:readFileSync|readdirSync|readFile|readdir|createReadStream)\s*\(/;

/** The module specifiers a TypeScript or JavaScript source imports, re-exports or requires (type-only ones too). */
export function importsOf(source: string): string[] {
  return [...new Set(IMPORT_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? '')))];
}

/** The package a bare specifier names (`@aws-sdk/client-ec2/x` -> `@aws-sdk/client-ec2`), or undefined for a Node built-in. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '')) return undefined;
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The file a relative specifier names, as TypeScript resolves it here (no extension, or an index file). */
function resolveRelative(from: string, specifier: string, repository: Repository): string | undefined {
  const base = normalize(join(dirname(from), specifier)).split('\\').join('/');
  return [base, `${base}.ts`, `${base}/index.ts`, `${base}.js`].find((candidate) => repository.read(candidate) !== undefined && !candidate.endsWith('/'));
}

export interface Closure {
  /** Every file `entry` reaches through relative imports, itself included, with the data they read. */
  readonly files: readonly string[];
  readonly packages: readonly string[];
}

/**
 * What `entry` rests on: the files it imports, transitively, and the data files they read. Throws when a file reads
 * files and DATA_READ_BY does not say which, so a new fixture cannot slip past the fingerprint.
 */
export function closureOf(entry: string, repository: Repository): Closure {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const source = repository.read(file);
    if (source === undefined) throw new Error(`${file}: not found (imported by a file ${entry} reaches)`);
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    const data = DATA_READ_BY[file];
    if (data === undefined && READS_FILES.test(source)) {
      throw new Error(`${file} reads files at run time: list them in DATA_READ_BY (test/mutation/evidence.ts), so a change to them is noticed`);
    }
    for (const path of data ?? []) {
      for (const datum of path.endsWith('/') ? repository.list(path) : [path]) files.add(datum);
    }
    for (const specifier of importsOf(source)) {
      if (!specifier.startsWith('.')) {
        const name = packageOf(specifier);
        if (name !== undefined) packages.add(name);
        continue;
      }
      const resolved = resolveRelative(file, specifier, repository);
      if (resolved === undefined) throw new Error(`${file}: cannot resolve "${specifier}"`);
      pending.push(resolved);
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

function digest(parts: readonly (readonly [string, string | undefined])[]): string {
  const hash = createHash('sha256');
  for (const [name, content] of parts) hash.update(`${name}\0${content ?? '(none)'}\0`);
  return hash.digest('hex');
}

/**
 * The fingerprints of the evidence behind the results for `testFiles` and `mutatedFiles`. A test file's covers its
 * own text and everything it reaches except the mutated files (whose changes Stryker diffs mutant by mutant); a
 * mutated file's covers what it reaches except itself and the other mutated files.
 */
export function fingerprints(testFiles: readonly string[], mutatedFiles: readonly string[], repository: Repository): Fingerprints {
  const mutated = new Set(mutatedFiles);
  const packages = new Set<string>(TOOLING_PACKAGES);
  const files: Record<string, string> = {};
  for (const entry of [...testFiles, ...mutatedFiles].sort()) {
    const closure = closureOf(entry, repository);
    closure.packages.forEach((name) => packages.add(name));
    const evidence = closure.files.filter((file) => !mutated.has(file) && (file !== entry || !mutated.has(entry)));
    files[entry] = digest(evidence.map((file) => [file, repository.read(file)]));
  }
  const tooling = digest([
    ...TOOLING_FILES.map((file) => [file, repository.read(file)] as const),
    ...[...packages].sort().map((name) => [`package ${name}`, repository.lockedVersion(name)] as const),
  ]);
  return { tooling, files };
}

export interface Pruning {
  /** True when nothing of the baseline can be reused (no fingerprints, or the tools changed). */
  readonly full: boolean;
  /** Why results are forgotten, one line per cause. */
  readonly reasons: readonly string[];
  /** How many mutant results were forgotten. */
  readonly forgotten: number;
}

const DETECTED = new Set(['Killed', 'Timeout']);

/**
 * Forgets (removes from `report`, in place) every result whose evidence changed between `recorded` and `current`:
 * the mutants covered by a test of a changed test file, the mutants of a mutated file whose imports changed, and
 * every mutant that was not detected. Ignored mutants stay: Stryker re-reads the disable comments itself.
 */
export function forgetStale(report: IncrementalReport, recorded: Fingerprints | undefined, current: Fingerprints): Pruning {
  if (recorded === undefined) return { full: true, reasons: ['no fingerprints of the baseline\'s evidence: every mutant is tested'], forgotten: 0 };
  if (recorded.tooling !== current.tooling) {
    return { full: true, reasons: ['the tools changed (Stryker or Jest configuration, or a package version): every mutant is tested'], forgotten: 0 };
  }
  const changed = (file: string) => recorded.files[file] !== current.files[file];
  const staleTestFiles = Object.keys(report.testFiles ?? {}).filter(changed);
  const staleTests = new Set(staleTestFiles.flatMap((file) => (report.testFiles?.[file]?.tests ?? []).map((test) => test.id)));
  const reasons = staleTestFiles.map((file) => `${file} or what it imports changed: the mutants its tests cover are tested again`);
  let forgotten = 0;
  for (const [file, entry] of Object.entries(report.files)) {
    const fileChanged = changed(file);
    if (fileChanged) reasons.push(`what ${file} imports changed: its mutants are tested again`);
    const kept = entry.mutants.filter((mutant) => {
      if (mutant.status === 'Ignored') return true;
      if (fileChanged || !DETECTED.has(mutant.status)) return false;
      return ![...(mutant.coveredBy ?? []), ...(mutant.killedBy ?? [])].some((id) => staleTests.has(id));
    });
    forgotten += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  return { full: false, reasons, forgotten };
}

/** The committed baseline: Stryker's report and the fingerprints of the evidence behind its results. */
export type Baseline = IncrementalReport & { evidence?: Fingerprints };

/**
 * What of Stryker's report the baseline keeps: everything its incremental mode reads, but not the absolute path of
 * the machine that ran it, and of a failure only its first line (the rest is a stack trace through a temporary
 * sandbox, most of the report's size and different on every run). An ignored mutant's reason is its disable comment.
 */
export function toBaseline(report: IncrementalReport, evidence: Fingerprints): Baseline {
  const { projectRoot: _projectRoot, evidence: _evidence, ...portable } = report;
  const files = Object.fromEntries(
    Object.entries(report.files).map(([file, entry]) => [
      file,
      {
        ...entry,
        mutants: entry.mutants.map((mutant) =>
          mutant.status === 'Ignored' || typeof mutant['statusReason'] !== 'string' ? mutant : { ...mutant, statusReason: mutant['statusReason'].split('\n', 1)[0] },
        ),
      },
    ]),
  );
  return { ...portable, files, evidence };
}
