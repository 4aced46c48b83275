/**
 * The policy agent and helper bundles (squid-config/fleet/build-bundles.ts), built once per work
 * directory. Squid runs as the `proxy` user, which may not be able to enter the checkout (a clone
 * under /root): a lab gives it copies inside its own work directory instead.
 */
import { join } from 'node:path';
import { buildFleetBundles, FLEET_BUNDLES } from '../../squid-config/fleet/build-bundles';

const builds = new Map<string, Promise<string>>();

/** Resolves to the directory holding policy-agent.js and policy-helper.js. */
export function fleetBundlesIn(workDir: string): Promise<string> {
  const dir = join(workDir, 'fleet');
  let build = builds.get(dir);
  if (!build) {
    build = buildFleetBundles(dir).then(() => dir);
    builds.set(dir, build);
  }
  return build;
}

export const agentBundle = (dir: string): string => join(dir, FLEET_BUNDLES.agent);
