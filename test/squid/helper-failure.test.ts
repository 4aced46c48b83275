/**
 * What Squid does when the policy helper fails, with the shipped squid.conf and a stand-in helper:
 * never more than the policy allows. A helper that answers BH denies every request and tunnel (and
 * says why in the access log); a helper that dies before answering anything stops Squid, so that
 * ECS replaces the task instead of it serving without a policy.
 */
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithSquid } from './support/availability';
import type { LabNamespace } from '../../local/squid-lab/namespace';
import { proxyConnect, proxyRequest } from '../../local/squid-lab/spoke-client';
import { SquidStartError } from '../../local/squid-lab/squid-instance';
import { createTestNamespace, createWorkDir, startTestSquid } from './support/squid-world';

/** Replaces the helper command of the external_acl_type line (everything after the FORMAT). */
function withHelper(script: string): (conf: string) => string {
  return (conf) => {
    const mutated = conf.replace(/(%ssl::>sni) \/usr\/local\/bin\/node .*$/m, `$1 /bin/sh ${script}`);
    if (mutated === conf) throw new Error('no external_acl_type helper command to replace');
    return mutated;
  };
}

describeWithSquid('helper failure', { needNamespaces: true })('policy helper failures (real Squid)', () => {
  let workDir: string | undefined;
  let namespace: LabNamespace | undefined;

  beforeAll(async () => {
    workDir = createWorkDir();
    namespace = await createTestNamespace('helperfail', workDir);
  });

  afterAll(async () => {
    await namespace?.destroy();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  function script(name: string, body: string): string {
    if (!workDir) throw new Error('no work dir');
    const path = join(workDir, name);
    writeFileSync(path, `${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  test('a helper that answers BH denies requests and tunnels, and the log says helper_error', async () => {
    // Prepare
    if (!namespace || !workDir) throw new Error('namespace not created');
    const broken = script('bh-helper.sh', 'while read -r channel rest; do echo "$channel BH policy=- deny_reason=helper_error policies=-"; done');
    const squid = await startTestSquid({ namespace, workDir, proxyPort: 23128, healthPort: 23129, mutate: withHelper(broken) });
    try {
      // Act
      const response = await proxyRequest(squid, 'http://allowed.example.com/helper-broken');
      const tunnel = await proxyConnect(squid, 'allowed.example.com:443');

      // Assess
      expect(response.status).toBe(403);
      expect(tunnel.throughTunnel).not.toContain('banner');
      // A check that cannot finish ends http_access before any rule annotates: no decision, but the reason.
      // Squid asks again twice after a BH (helper.cc, MAX_RETRIES), and each answer's kv-pairs add up.
      const helperError = expect.stringMatching(/^helper_error(,helper_error)*$/) as string;
      const logged = await squid.waitForLogLine((line) => line.url === 'http://allowed.example.com/helper-broken');
      expect(logged).toMatchObject({ status: 403, squid_status: 'TCP_DENIED', decision: '-', deny_reason: helperError, server_ip: '-' });
      const connect = await squid.waitForLogLine((line) => line.url === 'allowed.example.com:443');
      expect(connect).toMatchObject({ squid_status: 'TCP_DENIED', decision: '-', deny_reason: helperError, server_ip: '-' });
    } finally {
      await squid.stop();
    }
  });

  test('a helper that dies before answering anything stops Squid ("crashing too rapidly")', async () => {
    if (!namespace || !workDir) throw new Error('namespace not created');
    const dead = script('dead-helper.sh', 'exit 1');

    const started = startTestSquid({ namespace, workDir, proxyPort: 23138, healthPort: 23139, mutate: withHelper(dead) }).then(async (squid) => {
      // Started before the helper died: the first lookup finds it dead.
      await proxyRequest(squid, 'http://allowed.example.com/helper-dead').catch(() => undefined);
      await squid.waitUntilExited(20_000);
      const diagnostics = squid.diagnostics;
      await squid.stop();
      return diagnostics;
    });

    const outcome = await started.catch((error: unknown) => {
      if (error instanceof SquidStartError) return error.message; // it died while starting
      throw error;
    });
    expect(outcome).toMatch(/helpers are crashing too rapidly/);
  });
});
