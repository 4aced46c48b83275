/**
 * A compile whose conditional write lost to another compile (two environments at once) compiles again while its
 * invocation has time for one more; without a clock it gives up after three, as before.
 */
import { accountShard } from '../../../functions/core/endpoint-mapping';
import { anotherCompileFits, publishEndpointMapping, type MappingStore } from '../../../functions/converge/mapping-publisher';

const ACCOUNT = '111111111111';

/** A store with one shard whose mapping write loses `conflicts` times before it is taken. */
function storeLosing(conflicts: number) {
  let writes = 0;
  const store: MappingStore = {
    readMapping: () => Promise.resolve({ value: undefined, etag: `"m${String(writes)}"` }),
    listShards: () => Promise.resolve([{ accountId: ACCOUNT, etag: '"s1"' }]),
    readShard: () => Promise.resolve({ value: accountShard(ACCOUNT, ['r-ab12'], { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: null } }, '2026-11-30T00:00:00Z'), etag: '"s1"' }),
    writeMapping: () => Promise.resolve(++writes <= conflicts ? { kind: 'conflict' as const } : { kind: 'written' as const, etag: '"new"' }),
  };
  return { store, writes: () => writes };
}

describe('publishEndpointMapping after lost writes', () => {
  it('compiles again while another compile fits in the remaining time, and publishes', async () => {
    const { store, writes } = storeLosing(5);

    const outcome = await publishEndpointMapping(store, 'test', { remainingMs: () => 100_000 });

    expect(outcome).toMatchObject({ changed: true, endpoints: 1, accounts: 1 });
    expect(writes()).toBe(6);
  });

  it('gives up, failing the batch for a retry, when another compile would not fit', async () => {
    const { store, writes } = storeLosing(5);
    let remaining = 40_000;
    // Read before and after each compile, 15 s apart: 25 s left, then 10 s, too little for another 15 s and the finish.
    const remainingMs = () => (remaining -= 15_000);

    await expect(publishEndpointMapping(store, 'test', { remainingMs })).rejects.toThrow('the endpoint mapping changed under 1 compiles in a row');
    expect(writes()).toBe(1);
  });

  it('gives up after three lost writes when nothing says how much time is left', async () => {
    const { store, writes } = storeLosing(5);

    await expect(publishEndpointMapping(store, 'test')).rejects.toThrow('the endpoint mapping changed under 3 compiles in a row');
    expect(writes()).toBe(3);
  });
});

describe('anotherCompileFits', () => {
  it('wants one more compile as long as the last, plus 10 s to finish, left', () => {
    expect(anotherCompileFits(7, 60_000, 40_000)).toBe(true);
    expect(anotherCompileFits(1, 60_000, 35_000)).toBe(true);
    expect(anotherCompileFits(1, 60_000, 34_999)).toBe(false);
  });

  it('allows three compiles without a clock', () => {
    expect([1, 2, 3].map((attempt) => anotherCompileFits(attempt, undefined, undefined))).toEqual([true, true, false]);
  });
});
