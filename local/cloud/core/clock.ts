import type { Clock } from '../framework';

/**
 * Emulated time runs `timeScale` times faster than wall time from the moment the cloud starts, so a
 * benchmark can compress minutes of AWS behaviour (token refill, account creation) into seconds.
 */
export interface ScaledClock extends Clock {
  readonly timeScale: number;
  /** Cancel every pending delay (used on stop so timers do not keep the process alive). */
  cancelAll(): void;
}

export function createScaledClock(timeScale: number): ScaledClock {
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number, got ${timeScale}`);
  const startedAt = Date.now();
  const timers = new Set<NodeJS.Timeout>();
  return {
    timeScale,
    now: () => startedAt + (Date.now() - startedAt) * timeScale,
    delay(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, Math.max(0, ms / timeScale));
        timers.add(timer);
      });
    },
    cancelAll() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
