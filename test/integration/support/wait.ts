/**
 * Waiting on the local cloud: events are delivered asynchronously and endpoints change state on emulated time,
 * so tests wait for a condition, never for a duration. The bound only turns a hang into a readable failure.
 */

export interface WaitOptions {
  /** Generous upper bound (wall ms); reaching it fails the test with `what`. @default 20000 */
  timeoutMs?: number;
  /** Called between checks, e.g. to let the event bus drain. */
  between?: () => Promise<void>;
}

const POLL_MS = 20;

export async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, options: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await options.between?.();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Polls `read` until `accept` holds for its value, and returns that value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  let last: T | undefined;
  await waitUntil(
    what,
    async () => {
      last = await read();
      return accept(last);
    },
    options,
  );
  return last as T;
}
