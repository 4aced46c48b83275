/** Narrows a caught value; anything thrown that is not an Error is a bug worth surfacing as one. */
export function assertIsError(value: unknown): asserts value is Error {
  if (!(value instanceof Error)) throw new Error(`Non-error thrown: ${String(value)}`);
}

/** The AWS error code (`name` in SDK v3) of a caught error, if it has one. */
export function awsErrorCode(value: unknown): string | undefined {
  return value instanceof Error ? value.name : undefined;
}

/** A record whose event cannot be understood: it fails (so it reaches the dead-letter queue) with this reason. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
}

/** The desired state cannot be reached from what exists (for example no subnet in a supported AZ). */
export class BlockedError extends Error {
  override readonly name = 'BlockedError';
}
