/**
 * Whether the real-Squid suites can run here (local/squid-lab/availability.ts says what is missing).
 * Where they cannot, suites skip with a loud banner, except under REQUIRE_SQUID=1 (CI), where the
 * missing piece is an error.
 */
import { labMissingPiece } from '../../../local/squid-lab/availability';

/**
 * Returns true when the suite can run. Otherwise warns loudly and returns false, or throws under
 * REQUIRE_SQUID=1 so that CI cannot pass with the data-plane tests silently skipped.
 */
export function squidSuiteCanRun(suite: string, options: { needNamespaces: boolean }): boolean {
  const missing = labMissingPiece(options.needNamespaces ? 'running-lab' : 'squid-binary');
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
