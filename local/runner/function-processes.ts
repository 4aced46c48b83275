/**
 * A control plane function run as Lambda runs it: each execution environment is its own process (function-worker.ts)
 * with its own module state (SDK clients, pacers, caches), cold-started when no warm one is free, and each
 * invocation is held to the function's timeout in emulated time. By default an environment runs one invocation at a
 * time, as Lambda's do; more per environment trade fidelity (shared pacers and caches, one heap) for CPU, which
 * the benchmarks may need on a small machine.
 *
 * A timed-out invocation fails (`Sandbox.Timedout`, as Lambda reports it) and its environment is retired: killed once
 * nothing else runs in it. Peak memory is the process's resident high-water mark, the figure Lambda reports as "Max
 * Memory Used".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTION_NODE_OPTIONS } from '../../infra/function-bundling';
import { WORKER_SETTINGS_VARIABLE, type InvokeMessage, type WorkerMessage, type WorkerSettings } from './function-protocol';

export interface FunctionProcessOptions extends WorkerSettings {
  /** The function's worker bundle (function-bundles.ts). */
  readonly bundle: string;
  /** The function's Lambda environment (the handler's configuration and credentials). */
  readonly environment: Readonly<Record<string, string>>;
  /** Invocations one environment runs at once. @default 1 (Lambda) */
  readonly invocationsPerEnvironment?: number;
}

export interface FunctionProcessStats {
  readonly invocations: number;
  readonly failures: number;
  readonly timeouts: number;
  /** Why the first failed invocation failed (an error's name and message), for a benchmark's progress lines. */
  readonly firstFailure?: string;
  /** Environments started (each one a cold start). */
  readonly coldStarts: number;
  readonly maxInitSeconds: number;
  /** The longest invocation, emulated seconds (the handler's run, as Lambda measures against the timeout). */
  readonly maxInvocationSeconds: number;
  readonly timeoutSeconds: number;
  /** The largest peak resident set of any environment, MiB. */
  readonly peakRssMiB: number;
  readonly memoryMb: number;
  /** The most invocations one environment ran at once (1 unless invocationsPerEnvironment allows more). */
  readonly peakInvocationsPerEnvironment: number;
  /** The most environments alive at once. */
  readonly peakEnvironments: number;
  /** CPU seconds of all this function's environments. */
  readonly cpuSeconds: number;
}

interface Environment {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** Invocations sent and not answered, by message id. */
  readonly pending: Map<number, Pending>;
  inFlight: number;
  retired: boolean;
  cpuMs: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class FunctionProcesses {
  private readonly environments = new Set<Environment>();
  private nextId = 1;
  private closed = false;
  private readonly counters = {
    invocations: 0,
    failures: 0,
    timeouts: 0,
    coldStarts: 0,
    maxInitMs: 0,
    maxInvocationMs: 0,
    peakRssBytes: 0,
    peakInvocationsPerEnvironment: 0,
    peakEnvironments: 0,
    retiredCpuMs: 0,
    firstFailure: undefined as string | undefined,
  };

  constructor(private readonly options: FunctionProcessOptions) {}

  /** Runs one invocation in a free environment (a new one if none is free); the bus's context gives the request id. */
  async invoke(event: unknown, context?: Pick<Context, 'awsRequestId'>): Promise<unknown> {
    if (this.closed) throw new Error(`${this.options.functionName}: the runner is stopped`);
    const environment = this.freeEnvironment() ?? this.start();
    environment.inFlight++;
    this.counters.invocations++;
    this.counters.peakInvocationsPerEnvironment = Math.max(this.counters.peakInvocationsPerEnvironment, environment.inFlight);
    try {
      await environment.ready;
      return await this.run(environment, event, context?.awsRequestId ?? randomUUID());
    } catch (error) {
      this.counters.failures++;
      this.counters.firstFailure ??= error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error);
      throw error;
    } finally {
      environment.inFlight--;
      if (environment.retired && environment.inFlight === 0) this.stop(environment);
    }
  }

  stats(): FunctionProcessStats {
    const cpuMs = [...this.environments].reduce((sum, e) => sum + e.cpuMs, this.counters.retiredCpuMs);
    return {
      invocations: this.counters.invocations,
      failures: this.counters.failures,
      timeouts: this.counters.timeouts,
      ...(this.counters.firstFailure === undefined ? {} : { firstFailure: this.counters.firstFailure }),
      coldStarts: this.counters.coldStarts,
      maxInitSeconds: round(this.counters.maxInitMs / 1000),
      maxInvocationSeconds: round(this.counters.maxInvocationMs / 1000),
      timeoutSeconds: this.options.timeoutSeconds,
      peakRssMiB: round(this.counters.peakRssBytes / 2 ** 20),
      memoryMb: this.options.memoryMb,
      peakInvocationsPerEnvironment: this.counters.peakInvocationsPerEnvironment,
      peakEnvironments: this.counters.peakEnvironments,
      cpuSeconds: round(cpuMs / 1000),
    };
  }

  close(): void {
    this.closed = true;
    for (const environment of [...this.environments]) this.stop(environment);
  }

  private freeEnvironment(): Environment | undefined {
    const limit = this.options.invocationsPerEnvironment ?? 1;
    for (const environment of this.environments) {
      if (!environment.retired && environment.inFlight < limit) return environment;
    }
    return undefined;
  }

  private start(): Environment {
    const { environment: variables, invocationsPerEnvironment: _, bundle, ...settings } = this.options;
    const child = spawn(process.execPath, [bundle], {
      env: {
        ...variables,
        PATH: process.env.PATH ?? '',
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        // Lambda runs Node 22, where the SDK has no notice about Node 20 to print in every environment.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        [WORKER_SETTINGS_VARIABLE]: JSON.stringify(settings),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let markReady: () => void = () => undefined;
    let failInit: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failInit = reject;
    });
    const environment: Environment = { child, ready, pending: new Map(), inFlight: 0, retired: false, cpuMs: 0 };
    this.environments.add(environment);
    this.counters.coldStarts++;
    this.counters.peakEnvironments = Math.max(this.counters.peakEnvironments, this.environments.size);
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        this.counters.maxInitMs = Math.max(this.counters.maxInitMs, message.initMs);
        this.notePeak(message.maxRssBytes);
        markReady();
      } else {
        this.settle(environment, message);
      }
    });
    child.once('exit', (code, signal) => {
      // Before it was ready, this is Lambda's Runtime.InitError (the handler's cold start threw; its stderr says why).
      const exited = new Error(`${this.options.functionName}: its environment exited (${signal ?? code})`);
      failInit(exited);
      for (const pending of environment.pending.values()) pending.reject(exited);
      environment.pending.clear();
      this.counters.retiredCpuMs += environment.cpuMs;
      this.environments.delete(environment);
    });
    return environment;
  }

  private run(environment: Environment, event: unknown, awsRequestId: string): Promise<unknown> {
    const id = this.nextId++;
    const timeoutRealMs = (this.options.timeoutSeconds * 1000) / this.options.timeScale;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        environment.pending.delete(id);
        this.counters.timeouts++;
        // Lambda stops the environment at the timeout; others running in it (more than one per environment) finish.
        environment.retired = true;
        const error = new Error(`Task timed out after ${this.options.timeoutSeconds.toFixed(2)} seconds`);
        reject(Object.assign(error, { name: 'Sandbox.Timedout' }));
      }, timeoutRealMs);
      environment.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const message: InvokeMessage = { type: 'invoke', id, event, awsRequestId };
      environment.child.send(message);
    });
  }

  private settle(environment: Environment, message: Extract<WorkerMessage, { type: 'result' }>): void {
    environment.cpuMs = message.cpuMs;
    this.notePeak(message.maxRssBytes);
    this.counters.maxInvocationMs = Math.max(this.counters.maxInvocationMs, message.emulatedMs);
    const pending = environment.pending.get(message.id);
    if (pending === undefined) return;
    environment.pending.delete(message.id);
    if (message.outcome.ok) pending.resolve(message.outcome.value);
    else pending.reject(Object.assign(new Error(message.outcome.message), { name: message.outcome.name }));
  }

  private notePeak(bytes: number): void {
    this.counters.peakRssBytes = Math.max(this.counters.peakRssBytes, bytes);
  }

  private stop(environment: Environment): void {
    environment.retired = true;
    if (environment.child.connected) environment.child.disconnect();
    environment.child.kill('SIGTERM');
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
