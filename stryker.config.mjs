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
    'local/bus/pattern-matcher.ts',
    // The event schemas' parsers (scope.ts holds only types, index.ts only re-exports: nothing to mutate).
    'events/schemas/*.ts',
    '!events/schemas/scope.ts',
    '!events/schemas/index.ts',
    // TODO(per-spoke policy): add the per-spoke policy decision code here when it lands (squid-config/policy/, e.g.
    // 'squid-config/policy/*.ts' without its I/O-only files), and its unit tests to testMatch in jest.stryker.config.cjs.
  ],
  ignorePatterns: ['cdk.out', 'bench/results', 'reports', '.tmp', 'dist'],
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
