/**
 * Whether the real-Squid suites can run here: the squid binary, root (for `ip netns` and for
 * running Squid as the `proxy` user) and network namespaces. Where they cannot, suites skip with
 * a loud banner, except under REQUIRE_SQUID=1 (CI), where the missing piece is an error.
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

function missingPiece(needNamespaces: boolean): string | undefined {
  if (!SQUID_BINARY) return 'squid is not installed';
  return needNamespaces ? namespacesWork() : undefined;
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
      '  apt-get install -y squid iproute2 && service squid stop',
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
