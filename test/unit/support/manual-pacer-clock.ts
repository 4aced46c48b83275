import type { PacerClock } from '../../../functions/core/pacing';

/** A pacer clock the test moves by hand: sleeping advances it, so waits are asserted exactly and nothing is timed. */
export function manualPacerClock(): { clock: PacerClock; sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  const clock: PacerClock = {
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return { clock, sleeps };
}
