/**
 * A whole Squid lab in one call, as the demo and the benchmark use it: a work directory, the policy store the
 * task reads, a network namespace whose origin answers for the given host names, and one Squid task (Squid with
 * the shipped squid.conf and allowlist, the fleet's policy agent and helper) that has loaded its policy.
 * The tests compose the same parts themselves (test/squid/support/squid-world.ts), with their own world.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ORIGIN_ADDRESS } from './addresses';
import { LabNamespace } from './namespace';
import type { LabPolicyStore } from './policy-store';
import { SQUID_CONFIG_DIR } from './render-config';
import { SquidInstance } from './squid-instance';
import { createLabWorkDir, removeLabWorkDir } from './work-dir';

export const LAB_PROXY_PORT = 3128;
export const LAB_HEALTH_PORT = 3129;
/** The image's poll is 10 s; a lab polls every second so that it starts (and follows changes) quickly. */
const LAB_POLL_SECONDS = 1;
const POLICY_LOAD_LIMIT_MS = 20_000;

export interface SquidLabOptions {
  /** Names the namespace (`egress-<purpose>-<pid>`) and the work directory. */
  readonly purpose: string;
  /** Host names the lab's origin answers for: Squid's hosts file maps each to ORIGIN_ADDRESS. */
  readonly originHosts: readonly string[];
  /** Opens the policy store the task's agent polls (LabPolicyStore.start or .attach) in the lab's work directory. */
  readonly openStore: (workDir: string) => Promise<LabPolicyStore>;
}

/** One name per line: Squid reads its hosts file a line at a time into a fixed buffer, so long lines would be cut. */
export function hostsFileFor(hosts: readonly string[]): string {
  return hosts.map((host) => `${ORIGIN_ADDRESS} ${host}\n`).join('');
}

export class SquidLab {
  private readonly stopOnSignal = (): void => {
    // Squid runs in its own process group and the namespace outlives us: clean up before going.
    void this.stop().finally(() => process.exit(130));
  };

  private constructor(
    readonly workDir: string,
    readonly store: LabPolicyStore,
    readonly namespace: LabNamespace,
    readonly squid: SquidInstance,
  ) {
    process.once('SIGINT', this.stopOnSignal);
    process.once('SIGTERM', this.stopOnSignal);
  }

  static async start(options: SquidLabOptions): Promise<SquidLab> {
    const workDir = createLabWorkDir(options.purpose);
    let store: LabPolicyStore | undefined;
    let namespace: LabNamespace | undefined;
    let lab: SquidLab;
    try {
      store = await options.openStore(workDir);
      namespace = await LabNamespace.create(options.purpose, workDir, { forwards: [store.forward] });
      const squid = await SquidInstance.start({
        namespace,
        workDir,
        proxyPort: LAB_PROXY_PORT,
        healthPort: LAB_HEALTH_PORT,
        allowlist: readFileSync(join(SQUID_CONFIG_DIR, 'allowlist.txt'), 'utf8'),
        hostsFile: hostsFileFor(options.originHosts),
        policyStoreEnvironment: store.agentEnvironment(),
        pollSeconds: LAB_POLL_SECONDS,
      });
      lab = new SquidLab(workDir, store, namespace, squid);
    } catch (error) {
      await namespace?.destroy();
      await store?.close();
      removeLabWorkDir(workDir);
      throw error;
    }
    try {
      await lab.squid.waitForAgentLine((line) => line.policy_agent === 'loaded', POLICY_LOAD_LIMIT_MS);
    } catch (error) {
      await lab.stop();
      throw error;
    }
    return lab;
  }

  async stop(): Promise<void> {
    process.off('SIGINT', this.stopOnSignal);
    process.off('SIGTERM', this.stopOnSignal);
    await this.squid.stop();
    await this.namespace.destroy();
    await this.store.close();
    removeLabWorkDir(this.workDir);
  }
}
