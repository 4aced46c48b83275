/**
 * Per-suite setup: a work directory, a network namespace with the origins, and one Squid running
 * the shipped policy. Torn down in afterAll, whatever state the suite left it in.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestNamespace } from './namespace';
import { SquidInstance } from './squid-instance';

export interface SquidWorld {
  readonly workDir: string;
  readonly namespace: TestNamespace;
  readonly squid: SquidInstance;
}

export const DEFAULT_PROXY_PORT = 3128;
export const DEFAULT_HEALTH_PORT = 3129;

export function createWorkDir(): string {
  const workDir = mkdtempSync(join(tmpdir(), 'egress-squid-'));
  // Squid runs as `proxy` and must traverse into its own subdirectory.
  chmodSync(workDir, 0o755);
  return workDir;
}

export async function startSquidWorld(suite: string): Promise<SquidWorld> {
  const workDir = createWorkDir();
  const namespace = await TestNamespace.create(suite, workDir);
  try {
    const squid = await SquidInstance.start({ namespace, workDir, proxyPort: DEFAULT_PROXY_PORT, healthPort: DEFAULT_HEALTH_PORT });
    return { workDir, namespace, squid };
  } catch (error) {
    await namespace.destroy();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

export async function stopSquidWorld(world: SquidWorld | undefined): Promise<void> {
  if (!world) return;
  await world.squid.stop();
  await world.namespace.destroy();
  rmSync(world.workDir, { recursive: true, force: true });
}
