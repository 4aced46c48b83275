/**
 * Jest configuration for the mutation run (`npm run test:mutation`, stryker.config.mjs).
 *
 * Tests: the decision code's own unit tests, which call the decisions directly. Stryker runs Jest once per mutant
 * (a fresh module registry each time) with the suites related to the mutated file, so every suite in this list is
 * loaded again for every mutant of every file it reaches. Left out, for that reason:
 * - the handler and adapter suites (test/unit/functions, test/unit/aws, ...), which reach the same code through
 *   mocked SDK clients: a wrong decision should fail a test that names it;
 * - the event wiring suites (routes, cdk-pattern): they check which queue gets which pattern, not a decision, and
 *   load CDK or the whole local bus for each pattern-matcher mutant (in the run that had them, they killed none);
 * - the allowlist checker's command-line tests (check-allowlist.test.ts): seconds of tsx start-up per run.
 *
 * Roots: only the folders the tests and the code they reach live in. Jest's --findRelatedTests (Stryker runs only
 * the suites related to the mutated file) resolves the imports of every file under `roots` on every run; with the
 * whole repository that costs a third of a run, with `roots: ['test']` alone it finds no suite at all. Stryker adds
 * the mutated file's own folder. functions/aws is there for pacing-middleware.test.ts, which reaches pacing.ts
 * through the SDK middleware.
 */
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: [
    '<rootDir>/test/unit',
    '<rootDir>/functions/core',
    '<rootDir>/functions/aws',
    '<rootDir>/events/schemas',
    '<rootDir>/squid-config/policy',
    '<rootDir>/local/bus',
  ],
  testMatch: [
    '<rootDir>/test/unit/core/**/*.test.ts',
    '<rootDir>/test/unit/policy/**/*.test.ts',
    '<rootDir>/test/unit/events/{parsers,schemas,samples}.test.ts',
    '<rootDir>/test/unit/bus/pattern-matcher.test.ts',
    '<rootDir>/test/unit/allowlist.test.ts',
  ],
  // test/setup.ts registers aws-sdk-client-mock's matchers, which none of these suites use; loading it for every
  // suite of every mutant run costs about a third of each run.
  setupFilesAfterEnv: [],
};
