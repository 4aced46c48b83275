/**
 * How each control plane function is bundled and started in Lambda: one definition for the CDK construct
 * (NodejsFunction's esbuild options) and for the local runner and the cold-start benchmark, which bundle the same way
 * with esbuild's API so what they run and measure is what deploys.
 */

/**
 * Middy and the Powertools logger ship as ESM, so the bundle is ESM; some of their (and the SDK's) dependencies
 * still call `require`, which ESM lacks: the banner defines it before any bundled code runs.
 */
export const ESM_REQUIRE_SHIM = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export const FUNCTION_BUNDLING = {
  /** Lambda's runtime (nodejs22.x). */
  target: 'node22',
  format: 'esm',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
} as const;

/** NODE_OPTIONS of every function: stack traces in the logs name the TypeScript source. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';
