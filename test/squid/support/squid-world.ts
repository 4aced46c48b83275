/**
 * Per-suite setup on the Squid lab (local/squid-lab): a work directory, a network namespace with the
 * test origins, and Squid running the shipped policy with the test allowlist and hosts file. Torn
 * down in afterAll, whatever state the suite left it in.
 */
import type { InboundForward } from '../../../local/squid-lab/namespace-agent-protocol';
import { LabNamespace } from '../../../local/squid-lab/namespace';
import { SquidInstance, type SquidStartOptions } from '../../../local/squid-lab/squid-instance';
import { createLabWorkDir, removeLabWorkDir } from '../../../local/squid-lab/work-dir';
import { NAMESPACE_ADDRESSES, TEST_ALLOWLIST, TEST_HOSTS_FILE } from './fixture';

export interface SquidWorld {
  readonly workDir: string;
  readonly namespace: LabNamespace;
  readonly squid: SquidInstance;
}

export const DEFAULT_PROXY_PORT = 3128;
export const DEFAULT_HEALTH_PORT = 3129;

export function createWorkDir(): string {
  return createLabWorkDir('squid-test');
}

/** A namespace with every address of the test world (fixture.ts); `forwards` as in LabNamespace. */
export function createTestNamespace(suite: string, workDir: string, forwards: readonly InboundForward[] = []): Promise<LabNamespace> {
  return LabNamespace.create(suite, workDir, { addresses: NAMESPACE_ADDRESSES, forwards });
}

/** Squid with the test allowlist as its shipped baseline and the test hosts file. */
export function startTestSquid(options: Omit<SquidStartOptions, 'allowlist' | 'hostsFile'>): Promise<SquidInstance> {
  return SquidInstance.start({ ...options, allowlist: TEST_ALLOWLIST, hostsFile: TEST_HOSTS_FILE });
}

export async function startSquidWorld(suite: string): Promise<SquidWorld> {
  const workDir = createWorkDir();
  let namespace: LabNamespace | undefined;
  try {
    namespace = await createTestNamespace(suite, workDir);
    const squid = await startTestSquid({ namespace, workDir, proxyPort: DEFAULT_PROXY_PORT, healthPort: DEFAULT_HEALTH_PORT });
    return { workDir, namespace, squid };
  } catch (error) {
    await namespace?.destroy();
    removeLabWorkDir(workDir);
    throw error;
  }
}

export async function stopSquidWorld(world: SquidWorld | undefined): Promise<void> {
  if (!world) return;
  await world.squid.stop();
  await world.namespace.destroy();
  removeLabWorkDir(world.workDir);
}
