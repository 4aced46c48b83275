import {
  closureOf,
  fingerprints,
  forgetStale,
  importsOf,
  packageOf,
  toBaseline,
  type IncrementalReport,
  type Repository,
} from '../../mutation/evidence';

/** An in-memory repository: paths to contents, and locked package versions. */
function repository(files: Record<string, string>, versions: Record<string, string> = {}): Repository {
  return {
    read: (path) => files[path],
    list: (folder) => Object.keys(files).filter((path) => path.startsWith(folder)).sort(),
    lockedVersion: (name) => versions[name],
  };
}

/** A small project: one test reaching one mutated file, which imports a helper that is not mutated. */
function project(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'stryker.config.mjs': 'export default {}',
    'jest.stryker.config.cjs': 'module.exports = {}',
    'jest.config.cjs': 'module.exports = {}',
    'test/unit/plan.test.ts': "import { plan } from '../../src/plan';\nimport { fixture } from './fixture';\ntest('plans', () => {});\n",
    'test/unit/fixture.ts': 'export const fixture = 1;\n',
    'src/plan.ts': "import { z } from 'zod';\nimport { limits } from './limits';\nexport const plan = () => limits;\n",
    'src/limits.ts': 'export const limits = 3;\n',
    'src/other.ts': 'export const other = 1;\n',
    ...overrides,
  };
}

const TESTS = ['test/unit/plan.test.ts'];
const MUTATED = ['src/plan.ts', 'src/other.ts'];

function report(): IncrementalReport {
  return {
    files: {
      'src/plan.ts': {
        source: '',
        mutants: [
          { id: '1', status: 'Killed', coveredBy: ['t1'], killedBy: ['t1'] },
          { id: '2', status: 'Killed', coveredBy: ['t2'], killedBy: ['t2'] },
          { id: '3', status: 'Survived', coveredBy: ['t2'] },
          { id: '4', status: 'Timeout', coveredBy: ['t2'] },
          { id: '5', status: 'Ignored' },
          { id: '6', status: 'NoCoverage' },
        ],
      },
      'src/other.ts': { source: '', mutants: [{ id: '7', status: 'Killed', coveredBy: ['t3'], killedBy: ['t3'] }] },
    },
    testFiles: {
      'test/unit/plan.test.ts': { tests: [{ id: 't1', name: 'plans' }] },
      'test/unit/other.test.ts': { tests: [{ id: 't2', name: 'a' }, { id: 't3', name: 'b' }] },
    },
  };
}

const remaining = (pruned: IncrementalReport) =>
  Object.fromEntries(Object.entries(pruned.files).map(([file, { mutants }]) => [file, mutants.map((m) => m['id'])]));

describe('importsOf', () => {
  test('finds imports, type-only and multi-line ones, re-exports, side-effect imports, dynamic imports and requires', () => {
    const source = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      'import {\n  c,\n  d,\n} from "./cd";',
      "export { e } from './e';",
      "export * from './f';",
      "import './g';",
      "const h = await import('./h');",
      "const i = require('./i');",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf(source)).toEqual(['./a', '../b', './cd', './e', './f', 'zod', './g', './h', './i']);
  });

  test('does not take a string that only mentions "from" for an import', () => {
    expect(importsOf("const note = 'taken from the table';\nexport const x = 1;")).toEqual([]);
  });
});

describe('packageOf', () => {
  test.each([
    ['zod', 'zod'],
    ['zod/v4', 'zod'],
    ['@aws-sdk/client-ec2', '@aws-sdk/client-ec2'],
    ['@aws-sdk/client-ec2/dist/x', '@aws-sdk/client-ec2'],
    ['node:fs', undefined],
    ['path', undefined],
    ['fs/promises', undefined],
  ])('%s -> %s', (specifier, name) => {
    expect(packageOf(specifier)).toBe(name);
  });
});

describe('closureOf', () => {
  test('follows relative imports transitively (extensionless, index files, JSON) and collects the packages', () => {
    // Prepare
    const files = project({
      'src/limits.ts': "import data from './data.json';\nimport { x } from './lib';\nexport const limits = data;\n",
      'src/data.json': '{}',
      'src/lib/index.ts': "import { y } from '@smithy/types';\nexport const x = 1;\n",
    });

    // Act
    const closure = closureOf('test/unit/plan.test.ts', repository(files));

    // Assess
    expect(closure).toEqual({
      files: ['src/data.json', 'src/lib/index.ts', 'src/limits.ts', 'src/plan.ts', 'test/unit/fixture.ts', 'test/unit/plan.test.ts'],
      packages: ['@smithy/types', 'zod'],
    });
  });

  test('adds the data files a module is known to read, whole folders included', () => {
    // Prepare: a file DATA_READ_BY lists.
    const files = project({
      'test/unit/plan.test.ts': "import { SAMPLES } from '../../test/unit/events/samples.test';\n",
      'test/unit/events/samples.test.ts': "import { readdirSync } from 'node:fs';\nexport const SAMPLES = readdirSync('events/samples');\n",
      'events/samples/a.json': '{}',
      'events/samples/b/c.json': '{}',
    });

    // Act and assess
    expect(closureOf('test/unit/plan.test.ts', repository(files)).files).toEqual([
      'events/samples/a.json',
      'events/samples/b/c.json',
      'test/unit/events/samples.test.ts',
      'test/unit/plan.test.ts',
    ]);
  });

  test('refuses a module that reads files without saying which, and an import it cannot resolve', () => {
    const reads = project({ 'test/unit/fixture.ts': "import { readFileSync } from 'node:fs';\nexport const fixture = readFileSync('x.txt', 'utf8');\n" });
    expect(() => closureOf('test/unit/plan.test.ts', repository(reads))).toThrow(/test\/unit\/fixture\.ts reads files at run time: list them in DATA_READ_BY/);

    const dangling = project({ 'src/limits.ts': "export { gone } from './gone';\n" });
    expect(() => closureOf('test/unit/plan.test.ts', repository(dangling))).toThrow('src/limits.ts: cannot resolve "./gone"');
  });
});

describe('fingerprints', () => {
  const of = (files: Record<string, string>, versions: Record<string, string> = { zod: '4.0.0', jest: '30.0.0' }) =>
    fingerprints(TESTS, MUTATED, repository(files, versions));

  test('the same files give the same fingerprints', () => {
    expect(of(project())).toEqual(of(project()));
  });

  test("a test file's changes, its helpers' and the non-mutated code it reaches change its fingerprint", () => {
    const before = of(project());
    for (const [file, text] of [
      ['test/unit/plan.test.ts', "import { plan } from '../../src/plan';\nimport { fixture } from './fixture';\nconst shared = 2;\ntest('plans', () => {});\n"],
      ['test/unit/fixture.ts', 'export const fixture = 2;\n'],
      ['src/limits.ts', 'export const limits = 4;\n'],
    ] as const) {
      const after = of(project({ [file]: text }));
      expect(after.files['test/unit/plan.test.ts']).not.toBe(before.files['test/unit/plan.test.ts']);
    }
  });

  test("a mutated file's own changes are left to Stryker; a change to what it imports is not", () => {
    // Prepare
    const before = of(project());

    // Act
    const ownChange = of(project({ 'src/plan.ts': "import { z } from 'zod';\nimport { limits } from './limits';\nexport const plan = () => limits + 1;\n" }));
    const importChange = of(project({ 'src/limits.ts': 'export const limits = 4;\n' }));

    // Assess
    expect(ownChange.files['src/plan.ts']).toBe(before.files['src/plan.ts']);
    expect(ownChange.files['test/unit/plan.test.ts']).toBe(before.files['test/unit/plan.test.ts']);
    expect(importChange.files['src/plan.ts']).not.toBe(before.files['src/plan.ts']);
    expect(importChange.files['src/other.ts']).toBe(before.files['src/other.ts']);
  });

  test('the tools: a configuration, a package the code imports, or Jest', () => {
    const before = of(project()).tooling;
    expect(of(project({ 'jest.stryker.config.cjs': 'module.exports = { roots: [] }' })).tooling).not.toBe(before);
    expect(of(project(), { zod: '4.0.1', jest: '30.0.0' }).tooling).not.toBe(before);
    expect(of(project(), { zod: '4.0.0', jest: '30.0.1' }).tooling).not.toBe(before);
    expect(of(project(), { zod: '4.0.0', jest: '30.0.0', unrelated: '1.0.0' }).tooling).toBe(before);
  });
});

describe('forgetStale', () => {
  const current = fingerprints(TESTS, MUTATED, repository(project()));

  test('without recorded fingerprints, or with other tools, nothing is reused', () => {
    expect(forgetStale(report(), undefined, current)).toMatchObject({ full: true, reasons: [expect.stringMatching(/no fingerprints/)] });
    expect(forgetStale(report(), { ...current, tooling: 'older' }, current)).toMatchObject({ full: true, reasons: [expect.stringMatching(/the tools changed/)] });
  });

  test('with nothing changed, keeps every detected and ignored result and forgets the undetected ones', () => {
    // Prepare
    const pruned = report();

    // Act
    const pruning = forgetStale(pruned, current, current);

    // Assess: a survivor is tested again, as a new test might kill it where Stryker would not look.
    expect(pruning).toEqual({ full: false, reasons: [], forgotten: 2 });
    expect(remaining(pruned)).toEqual({ 'src/plan.ts': ['1', '2', '4', '5'], 'src/other.ts': ['7'] });
  });

  test("a changed test file's fingerprint forgets the results its tests cover or killed, in any file", () => {
    // Prepare
    const pruned = report();
    const recorded = { ...current, files: { ...current.files, 'test/unit/other.test.ts': 'before' } };

    // Act
    const pruning = forgetStale(pruned, recorded, { ...current, files: { ...current.files, 'test/unit/other.test.ts': 'after' } });

    // Assess
    expect(pruning.reasons).toEqual(['test/unit/other.test.ts or what it imports changed: the mutants its tests cover are tested again']);
    expect(remaining(pruned)).toEqual({ 'src/plan.ts': ['1', '5'], 'src/other.ts': [] });
  });

  test("a changed mutated file's fingerprint forgets all its results but the ignored ones", () => {
    // Prepare
    const pruned = report();
    const recorded = { ...current, files: { ...current.files, 'src/plan.ts': 'before' } };

    // Act
    const pruning = forgetStale(pruned, recorded, current);

    // Assess
    expect(pruning.reasons).toEqual(['what src/plan.ts imports changed: its mutants are tested again']);
    expect(pruning.forgotten).toBe(5);
    expect(remaining(pruned)).toEqual({ 'src/plan.ts': ['5'], 'src/other.ts': ['7'] });
  });
});

describe('toBaseline', () => {
  test("keeps what Stryker reuses, a failure's first line, a disable comment whole; drops the machine's path; adds the fingerprints", () => {
    // Prepare
    const evidence = { tooling: 't', files: { 'src/plan.ts': 'f' } };
    const stryker: IncrementalReport = {
      projectRoot: '/home/someone/checkout',
      schemaVersion: '2',
      files: {
        'src/plan.ts': {
          source: 'export const plan = 1;',
          mutants: [
            { id: '1', status: 'Killed', statusReason: 'Error: expected 1\n    at /tmp/.stryker-tmp/sandbox-1/x.ts:1:1', coveredBy: ['t1'], killedBy: ['t1'] },
            { id: '2', status: 'Ignored', statusReason: 'equivalent: a\nlonger reason' },
            { id: '3', status: 'Survived', coveredBy: ['t1'] },
          ],
        },
      },
      testFiles: { 'test/unit/plan.test.ts': { source: 'test()', tests: [{ id: 't1', name: 'plans' }] } },
    };

    // Act
    const baseline = toBaseline(stryker, evidence);

    // Assess
    expect(baseline).toEqual({
      schemaVersion: '2',
      files: {
        'src/plan.ts': {
          source: 'export const plan = 1;',
          mutants: [
            { id: '1', status: 'Killed', statusReason: 'Error: expected 1', coveredBy: ['t1'], killedBy: ['t1'] },
            { id: '2', status: 'Ignored', statusReason: 'equivalent: a\nlonger reason' },
            { id: '3', status: 'Survived', coveredBy: ['t1'] },
          ],
        },
      },
      testFiles: stryker.testFiles,
      evidence,
    });
  });
});
