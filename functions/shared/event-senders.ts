/**
 * Which account sent each event an invocation answers, so every audit record can say who asked for it
 * (`senderAccountId`: EventBridge's `account`, set from the sender's credentials). Audit records already carry the
 * correlation id (the event id, the ids of a batch joined by commas, or a fan-out run's id); the handler registers
 * each id with its sender for the duration of the work, and audit() looks the record's ids up.
 *
 * Why an async context rather than one more parameter: the sender is a fact of the trigger, not of any decision, and
 * the domain code that writes audit records (~70 places under converge/) has no use for it. The handler, which alone
 * knows the event, stamps it once.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const senders = new AsyncLocalStorage<ReadonlyMap<string, string>>();

/** Runs `work` with these (correlation id, sender account) pairs added to any registered by an enclosing call. */
export function withEventSenders<T>(pairs: Iterable<readonly [string, string | undefined]>, work: () => Promise<T>): Promise<T> {
  const known = new Map(senders.getStore() ?? []);
  for (const [correlationId, senderAccountId] of pairs) if (senderAccountId !== undefined) known.set(correlationId, senderAccountId);
  return senders.run(known, work);
}

/** The account(s) that sent the events behind `correlationId` (several, comma-joined, for a batch), if known. */
export function senderOf(correlationId: string): string | undefined {
  const known = senders.getStore();
  if (known === undefined) return undefined;
  const accounts = new Set(correlationId.split(',').flatMap((id) => known.get(id) ?? []));
  return accounts.size === 0 ? undefined : [...accounts].sort().join(',');
}
