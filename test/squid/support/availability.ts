/**
 * Whether the real-Squid suites can run here: the squid binary built with OpenSSL (Debian's
 * `squid-openssl`, for ssl_bump), root (for `ip netns` and for running Squid as the `proxy` user),
 * a Node binary that user may execute (the policy helper and agent), and network namespaces. Where
 * they cannot, suites skip with a loud banner, except under REQUIRE_SQUID=1 (CI), where the missing
 * piece is an error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const SQUID_BINARY = ['/usr/sbin/squid', '/usr/bin/squid'].find((path) => existsSync(path));

function namespacesWork(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (ip netns and the proxy user need root)';
  const name = `egress-probe-${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (added.status !== 0) return `ip netns add failed: ${added.error?.message ?? added.stderr.trim()}`;
  spawnSync('ip', ['netns', 'delete', name]);
  return undefined;
}

function squidHasOpenSsl(binary: string): boolean {
  return spawnSync(binary, ['-v'], { encoding: 'utf8' }).stdout.includes('--with-openssl');
}

/** Squid runs the policy helper as `proxy`: this Node must be executable by that user. */
function nodeRunsAsSquidUser(): string | undefined {
  const run = spawnSync('setpriv', ['--reuid=proxy', '--regid=proxy', '--init-groups', process.execPath, '-e', ''], { encoding: 'utf8' });
  return run.status === 0 ? undefined : `the proxy user cannot run ${process.execPath} (${run.error?.message ?? run.stderr.trim()}): use a Node installed outside home directories, e.g. /usr/bin/node`;
}

function missingPiece(needNamespaces: boolean): string | undefined {
  if (!SQUID_BINARY) return 'squid is not installed';
  if (!squidHasOpenSsl(SQUID_BINARY)) return 'squid is built without OpenSSL (the GnuTLS "squid" package): ssl_bump needs Debian\'s "squid-openssl"';
  if (!needNamespaces) return undefined;
  return namespacesWork() ?? nodeRunsAsSquidUser();
}

/**
 * Returns true when the suite can run. Otherwise warns loudly and returns false, or throws under
 * REQUIRE_SQUID=1 so that CI cannot pass with the data-plane tests silently skipped.
 */
export function squidSuiteCanRun(suite: string, options: { needNamespaces: boolean }): boolean {
  const missing = missingPiece(options.needNamespaces);
  if (!missing) return true;
  if (process.env.REQUIRE_SQUID === '1') {
    throw new Error(`REQUIRE_SQUID=1 but the Squid suite "${suite}" cannot run: ${missing}`);
  }
  const rule = '!'.repeat(78);
  console.warn(
    [
      rule,
      `SKIPPED: real-Squid suite "${suite}": ${missing}.`,
      'These tests prove the proxy policy against the real binary. To run them (Debian/Ubuntu, as root):',
      '  apt-get install -y squid-openssl iproute2 openssl && service squid stop',
      'CI sets REQUIRE_SQUID=1, which turns this skip into a failure.',
      rule,
    ].join('\n'),
  );
  return false;
}

/**
 * `describe` when the suite can run, `describe.skip` otherwise: jest has no runtime skip, so the
 * choice is made while the file loads. REQUIRE_SQUID=1 turns the skip into an error instead.
 */
export function describeWithSquid(suite: string, options: { needNamespaces: boolean }): jest.Describe {
  return squidSuiteCanRun(suite, options) ? describe : describe.skip;
}
