/**
 * A throw-away network namespace holding the whole test world: Squid, the origin servers and the
 * client connections. The jest process reaches into it through the agent's Unix socket relay.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { forwardArgument, type InboundForward } from './agent-protocol';
import { NAMESPACE_ADDRESSES } from './fixture';

const TSX_BIN = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const AGENT_SCRIPT = join(__dirname, 'namespace-agent.ts');

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
  }
}

export class TestNamespace {
  readonly relaySocket: string;
  private agent: ChildProcess | undefined;

  private constructor(
    readonly name: string,
    workDir: string,
  ) {
    this.relaySocket = join(workDir, 'relay.sock');
  }

  /**
   * Name unique per jest worker and file, so parallel suites never share a namespace. `forwards`:
   * TCP listeners inside the namespace piped to Unix sockets outside it (see namespace-agent.ts).
   */
  static async create(suite: string, workDir: string, forwards: readonly InboundForward[] = []): Promise<TestNamespace> {
    const namespace = new TestNamespace(`egress-${suite}-${process.pid}`, workDir);
    await namespace.setUp(forwards);
    return namespace;
  }

  private get etcDir(): string {
    return join('/etc/netns', this.name);
  }

  private async setUp(forwards: readonly InboundForward[]): Promise<void> {
    run('ip', ['netns', 'add', this.name]);
    run('ip', ['-n', this.name, 'link', 'set', 'lo', 'up']);
    for (const address of NAMESPACE_ADDRESSES) run('ip', ['-n', this.name, 'addr', 'add', address, 'dev', 'lo']);
    // `ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf: a resolver
    // that refuses at once, so names missing from the test hosts file fail fast and offline.
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
 * Kills a process started by `TestNamespace.spawn` together with everything it forked (the
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
