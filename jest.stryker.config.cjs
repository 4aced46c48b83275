/**
 * Jest configuration for the mutation run (`npm run test:mutation`, stryker.config.mjs).
 *
 * Tests: the decision code's own unit tests, which call the decisions directly. The handler and adapter suites
 * (test/unit/functions, test/unit/aws, ...) reach the same code through mocked SDK clients; each of them costs
 * seconds to load, and Stryker reloads the related suites for every mutant, so they would multiply the run time
 * for little: a wrong decision should fail a test that names it.
 *
 * Roots: the source folders too. Jest's --findRelatedTests (Stryker runs only the suites related to the mutated
 * file) walks the dependency graph of the files under `roots`; with `roots: ['test']` alone it finds no suite.
 */
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit', '<rootDir>/functions', '<rootDir>/events', '<rootDir>/squid-config', '<rootDir>/local'],
  testMatch: [
    '<rootDir>/test/unit/core/**/*.test.ts',
    '<rootDir>/test/unit/events/**/*.test.ts',
    '<rootDir>/test/unit/bus/pattern-matcher.test.ts',
    '<rootDir>/test/unit/allowlist.test.ts',
  ],
  // test/setup.ts registers aws-sdk-client-mock's matchers, which none of these suites use; loading it for every
  // suite of every mutant run costs about a third of each run.
  setupFilesAfterEnv: [],
};
