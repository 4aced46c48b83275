/**
 * The helper's view of the policy: the compiled snapshot the agent last wrote, reloaded when the file changes.
 *
 * Cheap on the request path: the file's identity (inode, size, mtime) is looked at no more than once per
 * `checkEveryMs`, whatever the request rate; the answer itself comes from memory. The agent replaces the file by
 * rename, so a new inode means a new snapshot.
 *
 * Fail static, never wider: until a snapshot exists the image's own allowlist is the baseline (CompiledPolicy's
 * fallback); a snapshot that cannot be read or validated, or that disappears, leaves the current policy in force.
 */
import { readFileSync, statSync } from 'node:fs';
import { checkAllowlist } from '../allowlist';
import { CompiledPolicy } from '../policy/decide';
import { readSnapshot } from './policy-snapshot';

export interface ReloaderOptions {
  readonly checkEveryMs?: number;
  readonly now?: () => number;
}

/** The entries of the baseline shipped in the image; an unreadable file gives none (deny, never allow more). */
export function readFallbackBaseline(path: string): string[] {
  try {
    return checkAllowlist(readFileSync(path, 'utf8')).entries.map((entry) => entry.value);
  } catch {
    return [];
  }
}

export class PolicyReloader {
  private policy: CompiledPolicy;
  private loadedIdentity: string | undefined;
  private nextCheck = 0;
  private readonly checkEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly snapshotPath: string,
    private readonly fallbackBaseline: readonly string[],
    options: ReloaderOptions = {},
  ) {
    this.checkEveryMs = options.checkEveryMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.policy = new CompiledPolicy({ bundle: undefined, mapping: undefined, fallbackBaseline });
  }

  /** The policy to decide with, reloaded first if the snapshot changed since the last look. */
  current(): CompiledPolicy {
    const now = this.now();
    if (now >= this.nextCheck) {
      this.nextCheck = now + this.checkEveryMs;
      this.reloadIfChanged();
    }
    return this.policy;
  }

  private reloadIfChanged(): void {
    let identity: string;
    try {
      const stat = statSync(this.snapshotPath, { bigint: true });
      identity = `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
    } catch {
      return; // no snapshot (yet, or any more): keep what is in force
    }
    if (identity === this.loadedIdentity) return;
    // Remembered even when the load fails: a broken file is not re-read every second, only once it changes.
    this.loadedIdentity = identity;
    try {
      const snapshot = readSnapshot(this.snapshotPath);
      this.policy = new CompiledPolicy({ bundle: snapshot.bundle?.document, mapping: snapshot.mapping?.document, fallbackBaseline: this.fallbackBaseline });
    } catch {
      // Keep the policy in force. The agent validated what it wrote, so this is a file changed under us.
    }
  }
}
