/**
 * Whether a Squid lab can run here, and if not, which piece is missing: the squid binary built with
 * OpenSSL (Debian's `squid-openssl`, for ssl_bump), root (for `ip netns` and for running Squid as the
 * `proxy` user), network namespaces, and a Node binary that user may execute (the policy helper and
 * agent). The tests skip loudly on the answer, the demo prints it, the benchmark stops on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SQUID_BINARY = ['/usr/sbin/squid', '/usr/bin/squid'].find((path) => existsSync(path));

/** `squid -k parse` needs only the binary; a running lab also needs root, namespaces and a Node `proxy` can run. */
export type LabNeeds = 'squid-binary' | 'running-lab';

function squidMissing(): string | undefined {
  if (!SQUID_BINARY) return 'squid is not installed (no /usr/sbin/squid: apt-get install squid-openssl)';
  const version = spawnSync(SQUID_BINARY, ['-v'], { encoding: 'utf8' }).stdout;
  if (!version.includes('--with-openssl')) return 'squid is built without OpenSSL (the GnuTLS "squid" package): ssl_bump needs Debian\'s "squid-openssl"';
  return undefined;
}

function rootMissing(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'not running as root (ip netns and the proxy user need root)';
}

function namespacesMissing(): string | undefined {
  const name = `egress-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (added.status !== 0) return `network namespaces are not available (ip netns add failed: ${added.error?.message ?? added.stderr.trim()})`;
  spawnSync('ip', ['netns', 'delete', name]);
  return undefined;
}

/** Squid runs the policy helper as `proxy`: this Node must be executable by that user. */
function nodeForSquidUserMissing(): string | undefined {
  const run = spawnSync('setpriv', ['--reuid=proxy', '--regid=proxy', '--init-groups', process.execPath, '-e', ''], { encoding: 'utf8' });
  return run.status === 0 ? undefined : `the proxy user cannot run ${process.execPath} (${run.error?.message ?? run.stderr.trim()}): use a Node installed outside home directories, e.g. /usr/bin/node`;
}

/** The first missing piece, in words, or undefined when everything is there. */
export function labMissingPiece(needs: LabNeeds): string | undefined {
  const missing = squidMissing();
  if (missing || needs === 'squid-binary') return missing;
  // Root first: without it the namespace probe fails too, and "not root" is the reason to give.
  return rootMissing() ?? namespacesMissing() ?? nodeForSquidUserMissing();
}
