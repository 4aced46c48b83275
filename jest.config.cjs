/**
 * Jest runs TypeScript through SWC and compiles to CommonJS. Middy 5+ ships ESM only, so it is
 * the one package under node_modules we let SWC transform as well.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 60000,
  // The 2-core CI machine: two workers keep CDK synth suites from starving the Squid suites.
  maxWorkers: 2,
};
