/**
 * A lab's work directory: everything Squid's `proxy` user executes or reads is copied here (the checkout may
 * live where that user cannot enter), plus the Unix sockets into the namespace.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function createLabWorkDir(purpose = 'squid'): string {
  const workDir = mkdtempSync(join(tmpdir(), `egress-${purpose}-`));
  // Squid runs as `proxy` and must traverse into its own subdirectory.
  chmodSync(workDir, 0o755);
  return workDir;
}

export function removeLabWorkDir(workDir: string): void {
  rmSync(workDir, { recursive: true, force: true });
}
