/**
 * One real Squid, started the way the container starts it: squid-config/entrypoint.sh as a
 * non-root user (Debian's `proxy`), in the foreground, access log relayed to stdout.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killGroup, type TestNamespace } from './namespace';
import { exchange, parseHttpResponse, type HttpResponse } from './relay-client';
import { readShippedSquidConf, renderSquidConf, SQUID_CONFIG_DIR } from './render-config';
import { TEST_ALLOWLIST, TEST_HOSTS_FILE } from './fixture';

const ENTRYPOINT = join(SQUID_CONFIG_DIR, 'entrypoint.sh');
const READY_LIMIT_MS = 20_000;
const LOG_WAIT_LIMIT_MS = 5_000;
const SQUID_USER = 'proxy';

function userIds(user: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) throw new Error(`no usable user ${user}`);
  return { uid, gid };
}

/** Squid refused the config or never became ready. */
export class SquidStartError extends Error {
  override readonly name = 'SquidStartError';
}

export interface SquidStartOptions {
  readonly namespace: TestNamespace;
  /** A directory the Squid user can traverse; each instance gets a subdirectory. */
  readonly workDir: string;
  readonly proxyPort: number;
  readonly healthPort: number;
  /** Edits the shipped config before it is rendered (policy-mutation tests only). */
  readonly mutate?: (rendered: string) => string;
  /**
   * When Squid counts as started: once its health endpoint answers 200 (default), or once every
   * http_port of the config listens (mutated configs may have broken the health endpoint).
   */
  readonly readiness?: 'health' | 'listening';
}

export class SquidInstance {
  private readonly logLines: string[] = [];
  private stderr = '';

  private constructor(
    private readonly namespace: TestNamespace,
    private readonly process: ChildProcess,
    readonly proxyPort: number,
    readonly healthPort: number,
  ) {
    let pending = '';
    process.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      this.logLines.push(...lines.filter((line) => line.length > 0));
    });
    process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
  }

  static async start(options: SquidStartOptions): Promise<SquidInstance> {
    const { uid, gid } = userIds(SQUID_USER);
    const dir = join(options.workDir, `squid-${options.proxyPort}`);
    const runDir = join(dir, 'run');
    mkdirSync(runDir, { recursive: true });
    chownSync(runDir, uid, gid);
    const allowlistPath = join(dir, 'allowlist.txt');
    const hostsFilePath = join(dir, 'hosts');
    const confPath = join(dir, 'squid.conf');
    writeFileSync(allowlistPath, TEST_ALLOWLIST);
    writeFileSync(hostsFilePath, TEST_HOSTS_FILE);
    const shipped = readShippedSquidConf();
    const renderOptions = { proxyPort: options.proxyPort, healthPort: options.healthPort, allowlistPath, hostsFilePath, runDir };
    const conf = options.mutate
      ? renderSquidConf(options.mutate(shipped), renderOptions, { allowMissing: true })
      : renderSquidConf(shipped, renderOptions);
    writeFileSync(confPath, conf);

    const child = options.namespace.spawn(
      'setpriv',
      [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'sh', ENTRYPOINT],
      { ...process.env, SQUID_CONF: confPath },
    );
    const squid = new SquidInstance(options.namespace, child, options.proxyPort, options.healthPort);
    if (options.readiness === 'listening') {
      const ports = [...conf.matchAll(/^http_port (\d+)/gm)].map((match) => match[1] ?? '');
      await squid.waitUntil(() => ports.every((port) => squid.stderr.includes(`local=[::]:${port} `)), 'listen on its ports');
    } else {
      await squid.waitUntil(async () => (await squid.healthCheck('127.0.0.1').catch(() => undefined))?.status === 200, 'serve its health endpoint');
    }
    return squid;
  }

  private async waitUntil(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + READY_LIMIT_MS;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        await this.stop(); // the log relay may still be running
        throw new SquidStartError(`squid exited during startup (${this.process.exitCode ?? this.process.signalCode}):\n${this.stderr}`);
      }
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.stop();
    throw new SquidStartError(`squid did not ${what} within ${READY_LIMIT_MS} ms:\n${this.stderr}`);
  }

  get relaySocket(): string {
    return this.namespace.relaySocket;
  }

  get diagnostics(): string {
    return this.stderr;
  }

  /** GET of the health URL on the health port, without a PROXY header, from `from`. */
  async healthCheck(from: string, path = '/squid-internal-static/icons/SN.png'): Promise<HttpResponse> {
    const result = await exchange(
      this.relaySocket,
      { from, to: from, port: this.healthPort },
      Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${from}:${this.healthPort}\r\nConnection: close\r\n\r\n`),
    );
    return parseHttpResponse(result.received);
  }

  /** Access-log lines so far, parsed (each must be one JSON object). */
  logEntries(): Record<string, unknown>[] {
    return this.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  rawLogLines(): readonly string[] {
    return this.logLines;
  }

  /** Squid writes the log line after the response; wait (bounded) for the one we expect. */
  async waitForLogLine(predicate: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const found = await this.findLogLine(predicate, LOG_WAIT_LIMIT_MS);
    if (!found) throw new Error(`no matching access-log line; have:\n${this.logLines.join('\n')}`);
    return found;
  }

  /** Like waitForLogLine, but resolves undefined after `limitMs`; lines that are not JSON are skipped. */
  async findLogLine(predicate: (entry: Record<string, unknown>) => boolean, limitMs: number): Promise<Record<string, unknown> | undefined> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const found = this.parseableLogEntries().find(predicate);
      if (found || Date.now() > deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private parseableLogEntries(): Record<string, unknown>[] {
    return this.logLines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        // Unparseable lines are what the JSON-safety probes look for; here they are just not a match.
        return [];
      }
    });
  }

  /** `squid -k reconfigure`: Squid re-reads its config and closes and reopens its access log. */
  async reconfigure(): Promise<void> {
    const count = (marker: string): number => this.stderr.split(marker).length - 1;
    const opens = count('Logfile: opening log');
    const listens = count('Accepting HTTP Socket connections');
    if (this.process.pid !== undefined) process.kill(this.process.pid, 'SIGHUP');
    // Done when the log is reopened and both ports (proxy and health) listen again.
    await this.waitUntil(() => count('Logfile: opening log') > opens && count('Accepting HTTP Socket connections') >= listens + 2, 'finish reconfiguring');
  }

  /** Freezes Squid without stopping it: a wedged proxy whose sockets still accept connections. */
  freeze(): void {
    if (this.process.pid !== undefined) process.kill(this.process.pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.process.pid !== undefined) process.kill(this.process.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    await killGroup(this.process);
  }
}
