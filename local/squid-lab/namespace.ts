/**
 * A throw-away network namespace holding a whole Squid lab: Squid, the origin servers and the client
 * connections. The process that made it (jest, the demo, the benchmark) reaches into it through the
 * namespace agent's Unix socket relay, or runs a program inside it (`spawn`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { LAB_NAMESPACE_ADDRESSES } from './addresses';
import { forwardArgument, type InboundForward } from './namespace-agent-protocol';

/** Runs TypeScript inside the namespace (the namespace agent, the benchmark's load generator). */
export const TSX_BIN = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const AGENT_SCRIPT = join(__dirname, 'namespace-agent.ts');

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
  }
}

export interface NamespaceOptions {
  /** Addresses (with prefix length) for the namespace's `lo`. @default LAB_NAMESPACE_ADDRESSES */
  readonly addresses?: readonly string[];
  /** TCP listeners inside the namespace piped to Unix sockets outside it (see namespace-agent.ts). */
  readonly forwards?: readonly InboundForward[];
}

export class LabNamespace {
  readonly relaySocket: string;
  private agent: ChildProcess | undefined;

  private constructor(
    readonly name: string,
    workDir: string,
  ) {
    this.relaySocket = join(workDir, 'relay.sock');
  }

  /** Named `egress-<purpose>-<pid>`: unique per process and purpose, so parallel jest suites never share one. */
  static async create(purpose: string, workDir: string, options: NamespaceOptions = {}): Promise<LabNamespace> {
    const namespace = new LabNamespace(`egress-${purpose}-${process.pid}`, workDir);
    try {
      await namespace.setUp(options.addresses ?? LAB_NAMESPACE_ADDRESSES, options.forwards ?? []);
    } catch (error) {
      await namespace.destroy();
      throw error;
    }
    return namespace;
  }

  private get etcDir(): string {
    return join('/etc/netns', this.name);
  }

  private async setUp(addresses: readonly string[], forwards: readonly InboundForward[]): Promise<void> {
    run('ip', ['netns', 'add', this.name]);
    run('ip', ['-n', this.name, 'link', 'set', 'lo', 'up']);
    for (const address of addresses) run('ip', ['-n', this.name, 'addr', 'add', address, 'dev', 'lo']);
    // `ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf: a resolver
    // that refuses at once, so names missing from Squid's hosts file fail fast and offline.
    mkdirSync(this.etcDir, { recursive: true });
    writeFileSync(join(this.etcDir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');

    const agent = this.spawn(TSX_BIN, [AGENT_SCRIPT, this.relaySocket, ...forwards.flatMap((forward) => ['--forward', forwardArgument(forward)])]);
    this.agent = agent;
    let stderr = '';
    agent.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      agent.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      agent.once('exit', (code) => reject(new Error(`namespace agent exited (${code}): ${stderr}`)));
    });
    await ready;
  }

  /** The process group of the namespace agent (the origins and the relay). */
  get agentProcessGroup(): number | undefined {
    return this.agent?.pid;
  }

  /** Starts a command inside the namespace, in its own process group (see `killGroup`). */
  spawn(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env,
    });
  }

  async destroy(): Promise<void> {
    if (this.agent) await killGroup(this.agent);
    spawnSync('ip', ['netns', 'delete', this.name]);
    rmSync(this.etcDir, { recursive: true, force: true });
  }
}

/**
 * Kills a process started by `LabNamespace.spawn` together with everything it forked (the
 * entrypoint's log relay outlives Squid otherwise and keeps our stdout pipe open).
 */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  const exited = running ? once(child, 'exit') : Promise.resolve();
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch (error) {
    // ESRCH: the whole group is gone already, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  await exited;
}
