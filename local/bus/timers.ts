/**
 * Emulated time for batching windows, visibility timeouts and schedules: a delay of `seconds` in AWS
 * takes `seconds / timeScale` real seconds here, so the demo and tests keep AWS's numbers but not its
 * waits. Timers are not unref'd: pending work keeps the process alive, as a pending SQS message would.
 */
export interface Timers {
  /** Run `callback` after `seconds` of emulated time; returns a cancel function. */
  after(seconds: number, callback: () => void): () => void;
  /** Run `callback` every `seconds` of emulated time; returns a cancel function. */
  every(seconds: number, callback: () => void): () => void;
}

export function scaledTimers(timeScale = 1): Timers {
  if (!(timeScale > 0)) throw new Error(`timeScale must be a positive number, got ${timeScale}`);
  const realMs = (seconds: number) => Math.max(0, (seconds * 1000) / timeScale);
  return {
    after(seconds, callback) {
      const handle = setTimeout(callback, realMs(seconds));
      return () => clearTimeout(handle);
    },
    every(seconds, callback) {
      const handle = setInterval(callback, Math.max(1, realMs(seconds)));
      return () => clearInterval(handle);
    },
  };
}
