/**
 * The local cloud refills its token buckets in emulated time (`--time-scale` times faster than wall time), so the
 * control plane's pacers, when its handlers run in the benchmark's own process, must measure that time too: else
 * they would wait `timeScale` times too long for tokens that are already there. Function processes do the same in
 * local/runner/worker-clock.ts.
 */
import { systemClock } from '../../functions/core/pacing';

export function paceInEmulatedTime(timeScale: number): void {
  Object.assign(systemClock, {
    now: () => performance.now() * timeScale,
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms / timeScale)),
  });
}
