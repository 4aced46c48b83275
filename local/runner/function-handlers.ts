/**
 * The control plane's functions as the local runner invokes them: either their entry files imported into this process
 * (the default: quick, one heap, what the tests and the demo use), or each function in its own execution environments
 * (child processes, function-processes.ts), held to its timeout in emulated time, with its cold starts, invocation
 * times and peak memory measured, which the benchmarks need.
 */
import type { Context } from 'aws-lambda';
import { CONTROL_PLANE_FUNCTIONS, type ControlPlaneFunction } from '../../infra/control-plane-config';
import { functionSizing } from '../../infra/function-sizing';
import { rm } from 'node:fs/promises';
import { bundleFunctionWorkers } from './function-bundles';
import { FunctionProcesses, type FunctionProcessStats } from './function-processes';

export type FunctionHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface FunctionHandlers {
  readonly handlers: Readonly<Record<ControlPlaneFunction, FunctionHandler>>;
  /** Per function, when they run in their own processes. */
  stats(): Readonly<Record<ControlPlaneFunction, FunctionProcessStats>> | undefined;
  close(): Promise<void>;
}

export interface FunctionProcessSettings {
  /** Emulated time runs this many times faster than wall time: the local cloud's time scale. */
  readonly timeScale: number;
  /** Invocations one environment runs at once. @default 1 (as Lambda) */
  readonly invocationsPerEnvironment?: number;
  /** Overrides of the CDK app's timeouts (infra/function-sizing.ts), e.g. a short reconciler to force continuations. */
  readonly timeoutSeconds?: Partial<Record<ControlPlaneFunction, number>>;
}

/** The Lambda function name the runner gives each function (logs, contexts, `Invoke`). */
export const localFunctionName = (fn: ControlPlaneFunction) => `egress-${fn}`;

/** Imports every entry file here: their cold start reads process.env, so call this once it is the Lambda environment. */
export async function inProcessHandlers(): Promise<FunctionHandlers> {
  const entries = await Promise.all(
    CONTROL_PLANE_FUNCTIONS.map(async (fn) => [fn, ((await import(`../../functions/${fn}`)) as { handler: FunctionHandler }).handler] as const),
  );
  return { handlers: Object.fromEntries(entries) as Record<ControlPlaneFunction, FunctionHandler>, stats: () => undefined, close: () => Promise.resolve() };
}

/**
 * Every function in its own execution environments, started on demand from its bundle with `environment` as their
 * Lambda environment.
 */
export async function processHandlers(
  settings: FunctionProcessSettings,
  identity: { accountId: string; region: string; clockSync?: { realAt: number; emulatedAt: number } },
  environment: Readonly<Record<string, string>>,
  /** Variables one function gets on top of `environment`, as the CDK app gives some to one function only. */
  functionEnvironment: Readonly<Partial<Record<ControlPlaneFunction, Readonly<Record<string, string>>>>> = {},
): Promise<FunctionHandlers> {
  const { dir, bundles } = await bundleFunctionWorkers(CONTROL_PLANE_FUNCTIONS);
  const runners = Object.fromEntries(
    CONTROL_PLANE_FUNCTIONS.map((fn) => {
      const sizing = functionSizing(fn);
      const runner = new FunctionProcesses({
        bundle: bundles[fn],
        functionName: localFunctionName(fn),
        ...identity,
        timeoutSeconds: settings.timeoutSeconds?.[fn] ?? sizing.timeoutSeconds,
        memoryMb: sizing.memoryMb,
        timeScale: settings.timeScale,
        environment: { ...environment, ...functionEnvironment[fn] },
        ...(settings.invocationsPerEnvironment === undefined ? {} : { invocationsPerEnvironment: settings.invocationsPerEnvironment }),
      });
      return [fn, runner];
    }),
  ) as Record<ControlPlaneFunction, FunctionProcesses>;
  const handlers = Object.fromEntries(
    CONTROL_PLANE_FUNCTIONS.map((fn) => [fn, (event: unknown, context: Context) => runners[fn].invoke(event, context)]),
  ) as Record<ControlPlaneFunction, FunctionHandler>;
  return {
    handlers,
    stats: () => Object.fromEntries(CONTROL_PLANE_FUNCTIONS.map((fn) => [fn, runners[fn].stats()])) as Record<ControlPlaneFunction, FunctionProcessStats>,
    close: async () => {
      CONTROL_PLANE_FUNCTIONS.forEach((fn) => runners[fn].close());
      await rm(dir, { recursive: true, force: true });
    },
  };
}
