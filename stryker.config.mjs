// @ts-check
/**
 * Mutation testing of the decision code (`npm run test:mutation`): StrykerJS changes one decision at a time
 * (a condition, a comparison, a regular expression, a list entry) and runs the unit tests that reach it; a mutant
 * that no test notices is a wrong decision that would land unnoticed. Reports: reports/mutation/ (HTML and JSON).
 * The score must stay >= 90 % on every file (test/mutation/summary.ts checks each file; `thresholds.break` the total).
 */
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.stryker.config.cjs',
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  mutate: [
    'functions/core/*.ts',
    'squid-config/allowlist.ts',
    // The per-spoke policy decision code; store.ts (S3) and repository.ts (files) only move bytes.
    'squid-config/policy/*.ts',
    '!squid-config/policy/store.ts',
    '!squid-config/policy/repository.ts',
    'local/bus/pattern-matcher.ts',
    // The event schemas' parsers (scope.ts holds only types, index.ts only re-exports: nothing to mutate).
    'events/schemas/*.ts',
    '!events/schemas/scope.ts',
    '!events/schemas/index.ts',
  ],
  // Incremental: a run re-tests only the mutants whose code or covering tests changed since the last. This is
  // Stryker's working copy; `npm run test:mutation` (test/mutation/run.ts) seeds it from the committed baseline,
  // test/mutation/stryker-incremental.json, after forgetting the results whose evidence Stryker cannot see change
  // (helpers, fixtures, dependencies), and writes the baseline back (README, "Mutation testing").
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  ignorePatterns: ['cdk.out', 'bench/results', 'reports', '.tmp', 'dist', 'test/mutation/stryker-incremental.json'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportScoreTable: true, reportMutants: false, reportTests: false },
  // 2 cores shared with the rest of the suite.
  concurrency: 2,
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
