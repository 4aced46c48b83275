/** Within a batch, a busy account's VPCs do not start ahead of everyone else's first one. */
import { roundRobinByAccount } from '../../../functions/converge/round-robin';

describe('round robin by account', () => {
  it("starts every account's first item before any account's second, keeping each account's own order", () => {
    // Prepare
    const items = ['a1', 'a2', 'a3', 'b1', 'a4', 'c1', 'c2'].map((id) => ({ accountId: id.slice(0, 1), id }));

    // Act
    const ordered = roundRobinByAccount(items).map((item) => item.id);

    // Assess
    expect(ordered).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3', 'a4']);
  });

  it('leaves a single account, and an empty batch, as they are', () => {
    expect(roundRobinByAccount([{ accountId: 'a', n: 1 }, { accountId: 'a', n: 2 }]).map((item) => item.n)).toEqual([1, 2]);
    expect(roundRobinByAccount([])).toEqual([]);
  });
});
