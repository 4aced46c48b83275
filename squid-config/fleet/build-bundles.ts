/**
 * Bundles the policy agent and the policy helper into one JavaScript file each, so the image needs only the `node`
 * binary and these two files (no node_modules). `npm run build:fleet` writes them to squid-config/dist/fleet/
 * (git-ignored), where the Dockerfile copies them from; the CDK app's bootstrap image build and the real-Squid tests
 * build the same bundles themselves.
 */
import { join } from 'node:path';
import { build, buildSync, type BuildOptions } from 'esbuild';

export const FLEET_BUNDLES = {
  agent: 'policy-agent.js',
  helper: 'policy-helper.js',
} as const;

export const DEFAULT_BUNDLE_DIR = join(__dirname, '..', 'dist', 'fleet');

function bundleOptions(outDir: string): BuildOptions {
  return {
    entryPoints: {
      [FLEET_BUNDLES.agent.replace(/\.js$/, '')]: join(__dirname, 'policy-agent.ts'),
      [FLEET_BUNDLES.helper.replace(/\.js$/, '')]: join(__dirname, 'policy-helper.ts'),
    },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    // The image runs Node 22; the tests run the bundles on the machine's Node 20.
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Error and class names stay readable in the agent's log lines.
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

export async function buildFleetBundles(outDir: string): Promise<void> {
  await build(bundleOptions(outDir));
}

/** For CDK's local asset bundling, whose hook is synchronous (infra/constructs/bootstrap-image-build.ts). */
export function buildFleetBundlesSync(outDir: string): void {
  buildSync(bundleOptions(outDir));
}

if (require.main === module) {
  const outDir = process.argv[2] ?? DEFAULT_BUNDLE_DIR;
  buildFleetBundles(outDir).then(
    () => console.log(`fleet bundles written to ${outDir}: ${Object.values(FLEET_BUNDLES).join(', ')}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
