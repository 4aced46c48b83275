/**
 * One real Squid, started the way the container starts it: squid-config/entrypoint.sh as a
 * non-root user (Debian's `proxy`), in the foreground, with the policy agent beside it and the
 * access log relayed to stdout.
 *
 * Everything the `proxy` user executes or reads (the entrypoint, the agent and helper bundles, the
 * config, the allowlist) is copied into the lab's work directory first: the checkout itself may
 * live where only root can enter (a clone under /root, or in a mode-700 temporary directory).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SQUID_BINARY } from './availability';
import { agentBundle, fleetBundlesIn } from './fleet-bundles';
import { killGroup, type LabNamespace } from './namespace';
import { exchange, parseHttpResponse, type HttpResponse } from './relay-client';
import { readShippedSquidConf, renderSquidConf, SQUID_CONFIG_DIR } from './render-config';

const ENTRYPOINT = join(SQUID_CONFIG_DIR, 'entrypoint.sh');
/** The Node binary running the lab also runs the helper and the agent (as `proxy`: see availability.ts). */
export const NODE_BINARY = process.execPath;
/** Lines the policy agent (and the entrypoint's supervisor) print on the container's stdout start with this. */
const AGENT_LINE_PREFIX = '{"policy_agent":';
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
  readonly namespace: LabNamespace;
  /** A directory the Squid user can traverse; each instance gets a subdirectory. */
  readonly workDir: string;
  readonly proxyPort: number;
  readonly healthPort: number;
  /** The baseline shipped in the image (/etc/squid/allowlist.txt): what the helper serves until a bundle is loaded. */
  readonly allowlist: string;
  /** Squid's hosts file (instead of /etc/hosts): the names the lab's origins answer for. */
  readonly hostsFile: string;
  /** Edits the shipped config before it is rendered (policy-mutation tests only). */
  readonly mutate?: (rendered: string) => string;
  /**
   * When Squid counts as started: once its health endpoint answers 200 (default), or once every
   * http_port of the config listens (mutated configs may have broken the health endpoint).
   */
  readonly readiness?: 'health' | 'listening';
  /**
   * The policy store the agent polls (AWS_* variables and EGRESS_POLICY_BUCKET, see policy-store.ts);
   * without it the agent reports per-spoke policy off and the helper serves `allowlist`.
   */
  readonly policyStoreEnvironment?: Readonly<Record<string, string>>;
  /** EGRESS_POLICY_POLL_SECONDS for the agent (the image's default is 10). */
  readonly pollSeconds?: number;
}

export class SquidInstance {
  private readonly logLines: string[] = [];
  private readonly agentLines: string[] = [];
  private stderr = '';

  private constructor(
    private readonly namespace: LabNamespace,
    private readonly process: ChildProcess,
    readonly proxyPort: number,
    readonly healthPort: number,
    private readonly agentScript: string,
  ) {
    let pending = '';
    process.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter((candidate) => candidate.length > 0)) {
        (line.startsWith(AGENT_LINE_PREFIX) ? this.agentLines : this.logLines).push(line);
      }
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
    const entrypoint = join(dir, 'entrypoint.sh');
    writeFileSync(allowlistPath, options.allowlist);
    writeFileSync(hostsFilePath, options.hostsFile);
    copyFileSync(ENTRYPOINT, entrypoint);
    chmodSync(entrypoint, 0o755);
    const bundleDir = await fleetBundlesIn(options.workDir);
    const shipped = readShippedSquidConf();
    const renderOptions = { proxyPort: options.proxyPort, healthPort: options.healthPort, allowlistPath, hostsFilePath, runDir, nodeBinary: NODE_BINARY, bundleDir };
    const conf = options.mutate
      ? renderSquidConf(options.mutate(shipped), renderOptions, { allowMissing: true })
      : renderSquidConf(shipped, renderOptions);
    writeFileSync(confPath, conf);

    const child = options.namespace.spawn('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', 'sh', entrypoint], {
      ...withoutAwsSettings(process.env),
      // The entrypoint runs `squid` from PATH, as in the image; a caller's PATH may lack /usr/sbin.
      PATH: [SQUID_BINARY ? dirname(SQUID_BINARY) : undefined, process.env.PATH].filter(Boolean).join(':'),
      // The proxy user's home: the SDK looks for ~/.aws there, and /root is not readable.
      HOME: runDir,
      SQUID_CONF: confPath,
      EGRESS_NODE_BINARY: NODE_BINARY,
      EGRESS_POLICY_AGENT: agentBundle(bundleDir),
      EGRESS_POLICY_FILE: join(runDir, 'policy', 'current.json'),
      EGRESS_POLICY_POLL_SECONDS: String(options.pollSeconds ?? 1),
      ...options.policyStoreEnvironment,
    });
    const squid = new SquidInstance(options.namespace, child, options.proxyPort, options.healthPort, agentBundle(bundleDir));
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

  /** The process group of the task (entrypoint, Squid, its helpers, the policy agent, the log relay). */
  get processGroup(): number | undefined {
    return this.process.pid;
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

  /** The policy agent's lines so far (one JSON object per state change), parsed. */
  agentLog(): Record<string, unknown>[] {
    return this.agentLines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Waits (up to `limitMs`) for an agent line matching `predicate`. */
  async waitForAgentLine(predicate: (entry: Record<string, unknown>) => boolean, limitMs = LOG_WAIT_LIMIT_MS): Promise<Record<string, unknown>> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const found = this.agentLog().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching policy agent line within ${limitMs} ms; have:\n${this.agentLines.join('\n')}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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
    const count = (marker: RegExp): number => this.stderr.match(marker)?.length ?? 0;
    const logOpened = /Logfile: opening log/g;
    // The proxy port says "Accepting SSL bumped HTTP Socket connections", the health port "Accepting HTTP ...".
    const portListens = /Accepting (SSL bumped )?HTTP Socket connections/g;
    const opens = count(logOpened);
    const listens = count(portListens);
    if (this.process.pid !== undefined) process.kill(this.process.pid, 'SIGHUP');
    // Done when the log is reopened and both ports (proxy and health) listen again.
    await this.waitUntil(() => count(logOpened) > opens && count(portListens) >= listens + 2, 'finish reconfiguring');
  }

  /**
   * Kills this task's policy agent (by its process id: the one process of this instance's process
   * group running the agent bundle), as a crash would.
   */
  killPolicyAgent(): void {
    const group = this.process.pid;
    const agentPid = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .find((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          const processGroup = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
          return processGroup === group && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(this.agentScript);
        } catch {
          return false; // the process ended while we looked
        }
      });
    if (agentPid === undefined) throw new Error(`no policy agent running in process group ${String(group)}`);
    process.kill(Number(agentPid), 'SIGKILL');
  }

  /** Resolves once Squid has exited (for configurations that must make it stop). */
  async waitUntilExited(limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (this.process.exitCode === null && this.process.signalCode === null) {
      if (Date.now() > deadline) throw new Error(`squid still running after ${limitMs} ms:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
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

/** The driving process's own AWS settings must not leak into the agent: it talks to the lab's store or to nothing. */
function withoutAwsSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('EGRESS_')));
}
