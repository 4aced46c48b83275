/**
 * The first module a function's execution environment evaluates (function-bundles.ts puts it first in the bundle):
 * it reads the worker's settings, marks the start of the cold start, and points the control plane's pacers at
 * emulated time before the handler's modules build their pacers, so they measure the time the local cloud's token
 * buckets refill in (as the inline benchmark does by hand).
 */
import { systemClock } from '../../functions/core/pacing';
import { WORKER_SETTINGS_VARIABLE, type WorkerSettings } from './function-protocol';

const raw = process.env[WORKER_SETTINGS_VARIABLE];
if (raw === undefined) throw new Error(`a function worker needs ${WORKER_SETTINGS_VARIABLE} (it runs as a child of the local runner)`);
export const settings = JSON.parse(raw) as WorkerSettings;

/** When this environment's init began (real ms). */
export const initStartedAt = performance.now();

const startedAt = Date.now();
/** Epoch milliseconds in emulated time. */
export const emulatedNow = () => startedAt + (performance.now() - initStartedAt) * settings.timeScale;

Object.assign(systemClock, {
  now: () => performance.now() * settings.timeScale,
  sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms / settings.timeScale)),
});
