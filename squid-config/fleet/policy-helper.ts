/**
 * Squid's external ACL helper for per-spoke egress policy (squid.conf `external_acl_type egress_policy`):
 *
 *   node policy-helper.js <snapshot file> <baseline shipped in the image>
 *
 * Reads one lookup per line on stdin (helper-protocol.ts), answers each with the same decision function the CLI
 * uses (`CompiledPolicy.decide`), on the policy the agent last wrote (policy-reloader.ts). It never waits on I/O
 * while answering: Squid 5.7's external_acl_type has no timeout option (only url_rewrite and similar helpers do),
 * so a helper that stalled would stall requests instead of denying them.
 *
 * Anything unexpected answers BH, which Squid does not cache and which denies the request.
 */
import { createInterface } from 'node:readline';
import { formatAnswer, formatDenial, formatHelperError, HelperRequestError, parseRequestLine } from './helper-protocol';
import { PolicyReloader, readFallbackBaseline } from './policy-reloader';

function answer(reloader: PolicyReloader, line: string): string {
  let channel = line.trim().split(' ', 1)[0] ?? '';
  try {
    const request = parseRequestLine(line);
    channel = request.channel;
    const policy = reloader.current();
    // The mapping entry names the endpoint's account and VPC, so that every access-log line, a denial included, does.
    const owner = request.endpointId === undefined ? undefined : policy.endpoint(request.endpointId)?.entry;
    if (request.host === undefined) return formatDenial(channel, request.check === 'sni' ? 'no_sni' : 'no_host', [], owner);
    return formatAnswer(channel, policy.decide(request.endpointId, request.host), owner);
  } catch (error) {
    if (error instanceof HelperRequestError) channel = error.channel;
    return formatHelperError(channel);
  }
}

function main(): void {
  const [snapshotPath, baselinePath] = process.argv.slice(2);
  if (snapshotPath === undefined || baselinePath === undefined) {
    console.error('usage: policy-helper.js <policy snapshot file> <shipped baseline allowlist>');
    process.exit(2);
  }
  const reloader = new PolicyReloader(snapshotPath, readFallbackBaseline(baselinePath));
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() !== '') process.stdout.write(`${answer(reloader, line)}\n`);
  });
  // Squid closes our stdin on shutdown and reconfigure: that is the end of this helper.
  lines.on('close', () => process.exit(0));
}

main();
