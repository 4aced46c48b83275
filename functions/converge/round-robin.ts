/**
 * Fair order within one batch: every account's first item before any account's second, then every account's second,
 * and so on (stable within an account). With a bounded number of conversions at once, a batch holding one member's
 * ten VPCs and another member's one starts the other member's VPC in the first wave, instead of after the ten.
 */
export function roundRobinByAccount<T extends { readonly accountId: string }>(items: readonly T[]): T[] {
  const byAccount = new Map<string, T[]>();
  for (const item of items) byAccount.set(item.accountId, [...(byAccount.get(item.accountId) ?? []), item]);
  const queues = [...byAccount.values()];
  const ordered: T[] = [];
  for (let round = 0; ordered.length < items.length; round++) {
    for (const queue of queues) {
      const item = queue[round];
      if (item !== undefined) ordered.push(item);
    }
  }
  return ordered;
}
