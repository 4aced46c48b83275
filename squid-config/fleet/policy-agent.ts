/**
 * The policy agent: one per Squid task, started and supervised by entrypoint.sh. Every EGRESS_POLICY_POLL_SECONDS
 * it reads the policy bundle and the endpoint mapping from the policy store (conditional GETs), validates them, and
 * writes the last good pair to the snapshot file Squid's policy helpers read (policy-snapshot.ts).
 *
 * Fail static: when the store cannot be read, or serves a malformed document, the snapshot stays as it is and the
 * agent says so once on stdout (agent-log.ts). A restarted agent starts from the snapshot already on disk, so a
 * crash loses nothing the task had loaded.
 *
 * Exit codes: 0 when per-spoke policy is off (nothing to do; the entrypoint does not restart it) or on SIGTERM;
 * 1 on anything unexpected (a snapshot it cannot write, a bad setting), which the entrypoint logs and restarts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { AgentLog } from './agent-log';
import { readAgentSettings } from './agent-settings';
import { readSnapshot, writeSnapshotAtomically, type SnapshotContent } from './policy-snapshot';
import { goodContentChanged, initialStoreState, pollStore, snapshotContent } from './store-poller';

/** A poll must end well within the poll interval: a hung connection would otherwise stall every later poll. */
const STORE_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 5_000 };

function existingSnapshot(path: string): SnapshotContent {
  try {
    const { bundle, mapping } = readSnapshot(path);
    return { bundle, mapping };
  } catch {
    // None yet (a new task), or unreadable: start from nothing; the next good read replaces it.
    return { bundle: null, mapping: null };
  }
}

async function run(log: AgentLog, stop: AbortSignal): Promise<number> {
  const settings = readAgentSettings(process.env);
  if (settings.kind === 'off') {
    log.off(settings.reason);
    return 0;
  }
  mkdirSync(dirname(settings.snapshotFile), { recursive: true });
  let state = initialStoreState(existingSnapshot(settings.snapshotFile));
  const s3 = new S3Client({ requestHandler: STORE_TIMEOUTS, maxAttempts: 2 });
  log.started({ bucket: settings.bucket, poll_seconds: settings.pollSeconds, file: settings.snapshotFile }, snapshotContent(state));

  while (!stop.aborted) {
    const started = performance.now();
    let next;
    try {
      next = await pollStore(s3, settings.bucket, state);
    } catch (error) {
      if (!stop.aborted) log.unreachable(error, snapshotContent(state));
    }
    if (next) {
      log.polled(state, next);
      if (goodContentChanged(state, next)) {
        // Throws when the snapshot cannot be written: not the store's fault, so the entrypoint restarts the agent.
        writeSnapshotAtomically(settings.snapshotFile, snapshotContent(next));
        log.loaded(snapshotContent(next), Math.round(performance.now() - started));
      }
      state = next;
    }
    await sleep(settings.pollSeconds * 1000, undefined, { signal: stop }).catch(() => undefined);
  }
  s3.destroy();
  return 0;
}

const log = new AgentLog((line) => process.stdout.write(`${line}\n`));
const stopping = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopping.abort());

run(log, stopping.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log.failed(error);
    process.exit(1);
  },
);
