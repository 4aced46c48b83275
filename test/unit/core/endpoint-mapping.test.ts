import {
  accountShard,
  compileMapping,
  desiredEntries,
  entryChanges,
  sameAncestors,
  sameDecisions,
  shardsOfMapping,
  withVpcEntries,
  type MappingFacts,
  type ShardEntries,
} from '../../../functions/core/endpoint-mapping';
import type { AccountShard, EndpointMapping } from '../../../squid-config/policy/documents';

const SETTINGS = { proxyTag: { key: 'egress-proxy', value: 'enabled' }, policyTagKey: 'egress-proxy-policy' };
const PROXY = { 'egress-proxy': 'enabled' };

const ACCOUNT_A = '111111111111';
const ACCOUNT_B = '222222222222';

function facts(overrides: Partial<MappingFacts> = {}): MappingFacts {
  return {
    vpcs: [
      { vpcId: 'vpc-0aaaaaaaa', tags: { ...PROXY, 'egress-proxy-policy': 'payments' } },
      { vpcId: 'vpc-0bbbbbbbb', tags: PROXY },
      { vpcId: 'vpc-0cccccccc', tags: { 'egress-proxy': 'disabled', 'egress-proxy-policy': 'payments' } },
      { vpcId: 'vpc-0dddddddd', tags: {} },
    ],
    endpoints: [
      { endpointId: 'vpce-0bbbbbbbb', vpcId: 'vpc-0bbbbbbbb', state: 'pendingAcceptance' },
      { endpointId: 'vpce-0aaaaaaaa', vpcId: 'vpc-0aaaaaaaa', state: 'available' },
      { endpointId: 'vpce-0cccccccc', vpcId: 'vpc-0cccccccc', state: 'available' },
      { endpointId: 'vpce-0dddddddd', vpcId: 'vpc-0dddddddd', state: 'available' },
    ],
    ...overrides,
  };
}

function shard(accountId: string, endpoints: ShardEntries, ancestorIds = ['ou-ab12-11111111', 'r-ab12']): AccountShard {
  return accountShard(accountId, ancestorIds, endpoints, '2026-11-30T00:00:00Z');
}

describe('desiredEntries', () => {
  test('maps every live endpoint of a VPC that asks for the proxy, with its policy tag or null, in endpoint id order', () => {
    // Act
    const entries = desiredEntries(facts(), SETTINGS);

    // Assess: the pending endpoint is in (its policy is in place once it is accepted); untagged VPCs are not.
    expect(entries).toEqual({
      'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' },
      'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbbb', policyTag: null },
    });
    expect(Object.keys(entries)).toEqual(['vpce-0aaaaaaaa', 'vpce-0bbbbbbbb']);
  });

  test('an empty policy tag is kept as written: it means the baseline only, not "no tag"', () => {
    const entries = desiredEntries(facts({ vpcs: [{ vpcId: 'vpc-0aaaaaaaa', tags: { ...PROXY, 'egress-proxy-policy': '' } }] }), SETTINGS);
    expect(entries['vpce-0aaaaaaaa']).toEqual({ vpcId: 'vpc-0aaaaaaaa', policyTag: '' });
  });

  test.each(['deleting', 'deleted', 'rejected', 'failed', 'expired'])('leaves out an endpoint that is %s', (state) => {
    const entries = desiredEntries(facts({ endpoints: [{ endpointId: 'vpce-0aaaaaaaa', vpcId: 'vpc-0aaaaaaaa', state }] }), SETTINGS);
    expect(entries).toEqual({});
  });

  test('leaves out an endpoint whose VPC was not read (gone, or in another region)', () => {
    const entries = desiredEntries(facts({ vpcs: [] }), SETTINGS);
    expect(entries).toEqual({});
  });
});

describe('withVpcEntries', () => {
  test("replaces one VPC's entries and keeps the others, in endpoint id order", () => {
    // Prepare
    const current: ShardEntries = {
      'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null },
      'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' },
      'vpce-0a0000000': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' },
    };

    // Act
    const updated = withVpcEntries(current, 'vpc-0aaaaaaaa', { 'vpce-0bbbbbbbb': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'ops' } });

    // Assess
    expect(updated).toEqual({
      'vpce-0bbbbbbbb': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'ops' },
      'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null },
    });
    expect(Object.keys(updated)).toEqual(['vpce-0bbbbbbbb', 'vpce-0cccccccc']);
  });

  test("nothing for the VPC removes its entries", () => {
    expect(withVpcEntries({ 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: null } }, 'vpc-0aaaaaaaa', {})).toEqual({});
  });
});

describe('entryChanges', () => {
  test('names each added, updated and removed endpoint with its VPC, in endpoint id order; unchanged ones are not changes', () => {
    // Prepare
    const before: ShardEntries = {
      'vpce-0dddddddd': { vpcId: 'vpc-0dddddddd', policyTag: null },
      'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbbb', policyTag: 'payments' },
      'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null },
      'vpce-0eeeeeeee': { vpcId: 'vpc-0eeeeeeee', policyTag: 'ops' },
    };
    const after: ShardEntries = {
      'vpce-0eeeeeeee': { vpcId: 'vpc-0eeeeeeee', policyTag: 'ops' },
      'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: 'ops' },
      'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbb2', policyTag: 'payments' },
      'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: null },
    };

    // Act
    const changes = entryChanges(before, after);

    // Assess
    expect(changes).toEqual([
      { endpointId: 'vpce-0aaaaaaaa', vpcId: 'vpc-0aaaaaaaa', change: 'add', before: undefined, after: after['vpce-0aaaaaaaa'] },
      { endpointId: 'vpce-0bbbbbbbb', vpcId: 'vpc-0bbbbbbb2', change: 'update', before: before['vpce-0bbbbbbbb'], after: after['vpce-0bbbbbbbb'] },
      { endpointId: 'vpce-0cccccccc', vpcId: 'vpc-0cccccccc', change: 'update', before: before['vpce-0cccccccc'], after: after['vpce-0cccccccc'] },
      { endpointId: 'vpce-0dddddddd', vpcId: 'vpc-0dddddddd', change: 'remove', before: before['vpce-0dddddddd'], after: undefined },
    ]);
  });

  test('a tag set to empty is a change from no tag', () => {
    expect(entryChanges({ 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: null } }, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: '' } })).toMatchObject([
      { change: 'update' },
    ]);
  });
});

describe('sameAncestors', () => {
  test('the same ids in the same order', () => {
    expect(sameAncestors(['ou-ab12-11111111', 'r-ab12'], ['ou-ab12-11111111', 'r-ab12'])).toBe(true);
    expect(sameAncestors([], [])).toBe(true);
  });

  test.each([
    ['nothing known', undefined, ['r-ab12']],
    ['nothing known, and no ancestors now', undefined, []],
    ['a moved account', ['ou-ab12-11111111', 'r-ab12'], ['ou-ab12-22222222', 'r-ab12']],
    ['a deeper account', ['r-ab12'], ['ou-ab12-11111111', 'r-ab12']],
    ['a shallower account', ['ou-ab12-11111111', 'r-ab12'], ['ou-ab12-11111111']],
    ['a chain that starts like the known one', ['ou-ab12-11111111'], ['ou-ab12-11111111', 'r-ab12']],
  ])('differ: %s', (_case, known, now) => {
    expect(sameAncestors(known, now)).toBe(false);
  });
});

describe('accountShard', () => {
  test("holds the account's endpoints and its own copy of the OU chain", () => {
    // Prepare
    const ancestors = ['ou-ab12-11111111', 'r-ab12'];
    const endpoints = { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: null } };

    // Act
    const built = accountShard(ACCOUNT_A, ancestors, endpoints, '2026-11-30T01:02:03Z');
    ancestors.push('ou-ab12-99999999');

    // Assess
    expect(built).toEqual({ schemaVersion: 1, accountId: ACCOUNT_A, updatedAt: '2026-11-30T01:02:03Z', ancestorIds: ['ou-ab12-11111111', 'r-ab12'], endpoints });
  });
});

describe('compileMapping', () => {
  test("gives every endpoint its account, VPC, tag and the account's OU chain, and records each shard's ETag", () => {
    // Act
    const mapping = compileMapping(
      [
        { shard: shard(ACCOUNT_B, { 'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbbb', policyTag: null } }, ['r-ab12']), etag: '"b"' },
        { shard: shard(ACCOUNT_A, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' } }), etag: '"a"' },
      ],
      '2026-11-30T02:00:00Z',
    );

    // Assess
    expect(mapping).toEqual({
      schemaVersion: 1,
      generatedAt: '2026-11-30T02:00:00Z',
      endpoints: {
        'vpce-0aaaaaaaa': { accountId: ACCOUNT_A, vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments', ancestorIds: ['ou-ab12-11111111', 'r-ab12'] },
        'vpce-0bbbbbbbb': { accountId: ACCOUNT_B, vpcId: 'vpc-0bbbbbbbb', policyTag: null, ancestorIds: ['r-ab12'] },
      },
      shards: { [ACCOUNT_A]: '"a"', [ACCOUNT_B]: '"b"' },
    });
  });

  test('lists endpoints and shards in id order, whatever order the shards were read in', () => {
    // Prepare
    const shards = [
      { shard: shard(ACCOUNT_A, { 'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null }, 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: null } }), etag: '"a"' },
      { shard: shard(ACCOUNT_B, { 'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbbb', policyTag: null } }), etag: '"b"' },
    ];

    // Act
    const forward = compileMapping(shards, 'now');
    const backward = compileMapping([...shards].reverse(), 'now');

    // Assess: the same bytes, so an unchanged organization publishes nothing new.
    expect(Object.keys(forward.endpoints)).toEqual(['vpce-0aaaaaaaa', 'vpce-0bbbbbbbb', 'vpce-0cccccccc']);
    expect(Object.keys(forward.shards)).toEqual([ACCOUNT_A, ACCOUNT_B]);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  test('an endpoint two shards claim goes to the lower account id, whichever was read last', () => {
    // Prepare
    const claimedByA = { shard: shard(ACCOUNT_A, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' } }), etag: '"a"' };
    const claimedByB = { shard: shard(ACCOUNT_B, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0bbbbbbbb', policyTag: 'ops' } }), etag: '"b"' };

    // Act and assess
    for (const order of [[claimedByA, claimedByB], [claimedByB, claimedByA]]) {
      expect(compileMapping(order, 'now').endpoints['vpce-0aaaaaaaa']).toMatchObject({ accountId: ACCOUNT_A, policyTag: 'payments' });
    }
  });
});

describe('sameDecisions', () => {
  const base = (): EndpointMapping => compileMapping([{ shard: shard(ACCOUNT_A, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' } }), etag: '"a"' }], 'then');

  test('only the endpoints count: a new compile time or new shard ETags decide nothing', () => {
    expect(sameDecisions(base(), { ...base(), generatedAt: 'now', shards: { [ACCOUNT_A]: '"a2"' } })).toBe(true);
  });

  test('a changed tag is a different decision', () => {
    const changed = base();
    changed.endpoints['vpce-0aaaaaaaa'] = { ...changed.endpoints['vpce-0aaaaaaaa']!, policyTag: 'ops' };
    expect(sameDecisions(base(), changed)).toBe(false);
  });
});

describe('shardsOfMapping', () => {
  const mapping = () =>
    compileMapping(
      [
        { shard: shard(ACCOUNT_A, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' }, 'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null } }), etag: '"a"' },
        { shard: shard(ACCOUNT_B, {}, ['r-ab12']), etag: '"b"' },
      ],
      '2026-11-30T02:00:00Z',
    );

  test("gives back an account's shard as compiled in, dated by the compile", () => {
    expect(shardsOfMapping(mapping()).get(ACCOUNT_A)).toEqual(
      accountShard(
        ACCOUNT_A,
        ['ou-ab12-11111111', 'r-ab12'],
        { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' }, 'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null } },
        '2026-11-30T02:00:00Z',
      ),
    );
  });

  test('an account compiled in without endpoints has an empty shard', () => {
    expect(shardsOfMapping(mapping()).get(ACCOUNT_B)).toEqual(accountShard(ACCOUNT_B, [], {}, '2026-11-30T02:00:00Z'));
  });

  test('gives each account only its own endpoints and ancestors, whatever their order in the mapping', () => {
    const two = compileMapping(
      [
        { shard: shard(ACCOUNT_A, { 'vpce-0aaaaaaaa': { vpcId: 'vpc-0aaaaaaaa', policyTag: 'payments' }, 'vpce-0cccccccc': { vpcId: 'vpc-0cccccccc', policyTag: null } }), etag: '"a"' },
        { shard: shard(ACCOUNT_B, { 'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbbb', policyTag: 'ops' } }, ['ou-ab12-22222222', 'r-ab12']), etag: '"b"' },
      ],
      '2026-11-30T02:00:00Z',
    );
    const shards = shardsOfMapping(two);
    expect([...shards.keys()].sort()).toEqual([ACCOUNT_A, ACCOUNT_B].sort());
    expect(shards.get(ACCOUNT_B)).toEqual(accountShard(ACCOUNT_B, ['ou-ab12-22222222', 'r-ab12'], { 'vpce-0bbbbbbbb': { vpcId: 'vpc-0bbbbbbbb', policyTag: 'ops' } }, '2026-11-30T02:00:00Z'));
    expect(Object.keys(shards.get(ACCOUNT_A)?.endpoints ?? {})).toEqual(['vpce-0aaaaaaaa', 'vpce-0cccccccc']);
  });

  test('leaves out an endpoint of an account the mapping records no shard for (not from a compile)', () => {
    const edited = mapping();
    edited.endpoints['vpce-0dddddddd'] = { accountId: '333333333333', vpcId: 'vpc-0dddddddd', policyTag: null, ancestorIds: [] };
    expect(shardsOfMapping(edited).has('333333333333')).toBe(false);
    expect(Object.keys(shardsOfMapping(edited).get(ACCOUNT_A)?.endpoints ?? {})).not.toContain('vpce-0dddddddd');
  });

  test('an account the mapping never compiled has none', () => {
    expect(shardsOfMapping(mapping()).has('333333333333')).toBe(false);
  });
});
