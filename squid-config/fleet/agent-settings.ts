/**
 * The policy agent's settings, from the container's environment (the task definition sets them; the Dockerfile
 * sets the defaults). AWS access itself uses the SDK's standard chain: the ECS task role in production, the
 * AWS_* variables in tests.
 */

export const DEFAULT_POLL_SECONDS = 10;
export const DEFAULT_SNAPSHOT_FILE = '/run/squid/policy/current.json';
/** Polls further apart than this could not meet the one-minute budget together with the helper's ttl. */
const MAX_POLL_SECONDS = 30;

export type AgentSettings =
  | { readonly kind: 'off'; readonly reason: string }
  | { readonly kind: 'on'; readonly bucket: string; readonly pollSeconds: number; readonly snapshotFile: string };

/** Why a setting is unusable, naming the variable. */
export class AgentSettingsError extends Error {
  override readonly name = 'AgentSettingsError';
}

export function readAgentSettings(env: Readonly<Record<string, string | undefined>>): AgentSettings {
  const bucket = env.EGRESS_POLICY_BUCKET?.trim() ?? '';
  if (bucket === '') {
    return { kind: 'off', reason: 'EGRESS_POLICY_BUCKET is not set: per-spoke policy is off and only the baseline shipped in the image applies' };
  }
  const rawPoll = env.EGRESS_POLICY_POLL_SECONDS?.trim() || String(DEFAULT_POLL_SECONDS);
  const pollSeconds = Number(rawPoll);
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0 || pollSeconds > MAX_POLL_SECONDS) {
    throw new AgentSettingsError(`EGRESS_POLICY_POLL_SECONDS="${rawPoll}": expected a number of seconds above 0 and at most ${MAX_POLL_SECONDS}`);
  }
  return { kind: 'on', bucket, pollSeconds, snapshotFile: env.EGRESS_POLICY_FILE?.trim() || DEFAULT_SNAPSHOT_FILE };
}
