/**
 * Messages between the local runner and a function's execution environment (a child process, function-worker.ts),
 * over Node's IPC channel with structured-clone serialisation.
 */

/** What the parent tells a worker about one invocation: Lambda's identity fields and the emulated timeout. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  readonly awsRequestId: string;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly initMs: number; readonly maxRssBytes: number }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly outcome: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly name: string; readonly message: string };
      /** The handler's own run, in emulated ms (what Lambda bills and compares with the timeout). */
      readonly emulatedMs: number;
      /** The process's peak resident set so far (the kernel's high-water mark). */
      readonly maxRssBytes: number;
      /** CPU the process has used since it started (user + system). */
      readonly cpuMs: number;
    }


/** What a worker is told at start: which function it is, its limits, and how fast emulated time runs. */
export interface WorkerSettings {
  readonly functionName: string;
  readonly accountId: string;
  readonly region: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly timeScale: number;
}

/** The environment variable that carries WorkerSettings (JSON) to the child, beside the function's own environment. */
export const WORKER_SETTINGS_VARIABLE = 'LOCAL_FUNCTION_WORKER';
