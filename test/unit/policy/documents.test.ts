import {
  accountShardSchema,
  endpointMappingSchema,
  MalformedPolicyDocumentError,
  parsePolicyDocument,
  policyBundleSchema,
  type AccountShard,
  type EndpointMapping,
  type PolicyBundle,
} from '../../../squid-config/policy/documents';

const ENDPOINT = 'vpce-0123456789abcdef0';

function bundle(): PolicyBundle {
  return {
    schemaVersion: 1,
    source: { revision: 'abc123', generatedAt: '2026-11-30T00:00:00Z' },
    baseline: ['.debian.org', '52.94.76.20'],
    policies: { payments: ['.stripe.com'], 'team-7': [] },
    defaults: { accounts: { '123456789012': ['payments'] }, organizationalUnits: { 'ou-ab12-34567890': [], 'r-ab12': ['team-7'] } },
  };
}

function mapping(): EndpointMapping {
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-30T00:00:00Z',
    endpoints: {
      [ENDPOINT]: { accountId: '123456789012', vpcId: 'vpc-0123456789abcdef0', policyTag: 'payments', ancestorIds: ['ou-ab12-34567890', 'r-ab12'] },
      'vpce-01234567': { accountId: '210987654321', vpcId: 'vpc-01234567', policyTag: null, ancestorIds: [] },
    },
    shards: { '123456789012': '"etag-1"', '210987654321': '"etag-2"' },
  };
}

function shard(): AccountShard {
  return {
    schemaVersion: 1,
    accountId: '123456789012',
    updatedAt: '2026-11-30T00:00:00Z',
    ancestorIds: ['ou-ab12-34567890', 'r-ab12'],
    endpoints: { [ENDPOINT]: { vpcId: 'vpc-0123456789abcdef0', policyTag: null } },
  };
}

/** The message parsePolicyDocument throws for `document`, or undefined when it is accepted. */
function refusal(schema: Parameters<typeof parsePolicyDocument>[0], document: unknown): string | undefined {
  try {
    parsePolicyDocument(schema, JSON.stringify(document), 'the document');
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedPolicyDocumentError);
    return (error as Error).message;
  }
}

describe('parsePolicyDocument', () => {
  test('returns each well-formed document as written', () => {
    expect(parsePolicyDocument(policyBundleSchema, JSON.stringify(bundle()), 'the bundle')).toEqual(bundle());
    expect(parsePolicyDocument(endpointMappingSchema, JSON.stringify(mapping()), 'the mapping')).toEqual(mapping());
    expect(parsePolicyDocument(accountShardSchema, JSON.stringify(shard()), 'the shard')).toEqual(shard());
  });

  test('text that is not JSON is refused, naming the document', () => {
    // Act
    const parse = () => parsePolicyDocument(policyBundleSchema, '{"schemaVersion": 1', 'the bundle');

    // Assess
    expect(parse).toThrow(MalformedPolicyDocumentError);
    expect(parse).toThrow(/^the bundle is not JSON: /);
  });

  test('the error names itself, for the logs of whoever catches it', () => {
    expect(new MalformedPolicyDocumentError('x').name).toBe('MalformedPolicyDocumentError');
  });

  test('a document of the wrong shape is refused at its root', () => {
    expect(refusal(endpointMappingSchema, [])).toBe('the document is malformed: (root): Invalid input: expected object, received array');
  });

  test('names at most five bad fields, and how many more there are', () => {
    // Prepare: six bad fields.
    const bad = { ...mapping(), generatedAt: 1, endpoints: { [ENDPOINT]: { accountId: 'x', vpcId: 'x', policyTag: 1, ancestorIds: 'x' } }, shards: { x: 1 } };

    // Act
    const message = refusal(endpointMappingSchema, bad);

    // Assess
    expect(message?.split('; ')).toHaveLength(5);
    expect(message).toMatch(/^the document is malformed: generatedAt: .*; endpoints\.vpce-0123456789abcdef0\.accountId: expected a 12-digit account id; .* \(and 1 more\)$/);
  });

  test('five bad fields are all named, with nothing more to count', () => {
    const bad = { ...mapping(), generatedAt: 1, endpoints: { [ENDPOINT]: { accountId: 'x', vpcId: 'x', policyTag: 1, ancestorIds: [] } }, shards: { x: 'e' } };
    const message = refusal(endpointMappingSchema, bad);
    expect(message?.split('; ')).toHaveLength(5);
    expect(message).not.toMatch(/more\)$/);
  });

  test('a bad id used as a key says what the id must look like', () => {
    expect(refusal(endpointMappingSchema, { ...mapping(), shards: { '12345678901': 'e' } })).toBe(
      'the document is malformed: shards.12345678901: expected a 12-digit account id',
    );
    expect(refusal(endpointMappingSchema, { ...mapping(), endpoints: { 'vpce-0123456': mapping().endpoints[ENDPOINT] } })).toBe(
      'the document is malformed: endpoints.vpce-0123456: expected a VPC endpoint id (vpce-...)',
    );
    expect(refusal(policyBundleSchema, { ...bundle(), policies: { Payments: [] } })).toBe('the document is malformed: policies.Payments: expected a policy name');
    expect(refusal(policyBundleSchema, { ...bundle(), defaults: { accounts: {}, organizationalUnits: { 'ou-ab12': [] } } })).toBe(
      'the document is malformed: defaults.organizationalUnits.ou-ab12: expected an OU or root id',
    );
  });
});

describe('the documents refuse ids of the wrong shape', () => {
  const withEndpoint = (fields: Record<string, unknown>) => ({ ...mapping(), endpoints: { [ENDPOINT]: { ...mapping().endpoints[ENDPOINT], ...fields } } });

  test.each([
    ['11 digits', '12345678901'],
    ['13 digits', '1234567890123'],
    ['a letter in front', 'a123456789012'],
    ['a letter behind', '123456789012a'],
    ['letters only', 'abcdefghijkl'],
  ])('an account id of %s', (_case, accountId) => {
    expect(refusal(endpointMappingSchema, withEndpoint({ accountId }))).toMatch(/accountId: expected a 12-digit account id$/);
  });

  test.each([
    ['7 hex digits', 'vpc-0123456'],
    ['18 hex digits', 'vpc-0123456789abcdef01'],
    ['a non-hex digit', 'vpc-0123456g'],
    ['something in front', 'my-vpc-01234567'],
    ['something behind', 'vpc-01234567-old'],
  ])('a VPC id of %s', (_case, vpcId) => {
    expect(refusal(endpointMappingSchema, withEndpoint({ vpcId }))).toMatch(/vpcId: expected a VPC id \(vpc-\.\.\.\)$/);
  });

  test.each(['vpc-01234567', 'vpc-0123456789abcdef0'])('accepts the VPC id %s (8 and 17 hex digits)', (vpcId) => {
    expect(refusal(endpointMappingSchema, withEndpoint({ vpcId }))).toBeUndefined();
  });

  test.each([
    ['7 hex digits', 'vpce-0123456'],
    ['18 hex digits', 'vpce-0123456789abcdef01'],
    ['a non-hex digit', 'vpce-0123456g'],
    ['something in front', 'xvpce-01234567'],
    ['something behind', 'vpce-01234567x'],
  ])('an endpoint id of %s', (_case, endpointId) => {
    expect(refusal(endpointMappingSchema, { ...mapping(), endpoints: { [endpointId]: mapping().endpoints[ENDPOINT] } })).toMatch(/expected a VPC endpoint id/);
  });

  test.each([
    ['an OU id with a short root part', 'ou-ab1-34567890'],
    ['an OU id with a long root part', `ou-${'a'.repeat(33)}-34567890`],
    ['an OU id with a short OU part', 'ou-ab12-3456789'],
    ['an OU id with a long OU part', `ou-ab12-${'3'.repeat(33)}`],
    ['an OU id with uppercase', 'ou-AB12-34567890'],
    ['an OU id with a symbol in its OU part', 'ou-ab12-3456789_'],
    ['a root id with a short id part', 'r-ab1'],
    ['a root id with a long id part', `r-${'a'.repeat(33)}`],
    ['a root id with a symbol', 'r-ab1_'],
    ['something in front', 'xr-ab12'],
    ['something behind', 'r-ab12-x'],
  ])('an ancestor that is %s', (_case, ouId) => {
    expect(refusal(endpointMappingSchema, withEndpoint({ ancestorIds: [ouId] }))).toMatch(/ancestorIds\.0: expected an OU or root id$/);
  });

  test.each([
    ['OU ids of the shortest parts', 'ou-ab12-34567890'],
    ['OU ids of the longest parts', `ou-${'a'.repeat(32)}-${'3'.repeat(32)}`],
    ['root ids of the shortest part', 'r-ab12'],
    ['root ids of the longest part', `r-${'a'.repeat(32)}`],
  ])('accepts %s', (_case, ouId) => {
    expect(refusal(endpointMappingSchema, withEndpoint({ ancestorIds: [ouId] }))).toBeUndefined();
  });
});

describe('the documents bound what they hold', () => {
  test('a destination is 1 to 254 characters', () => {
    expect(refusal(policyBundleSchema, { ...bundle(), baseline: [''] })).toMatch(/baseline\.0: Too small/);
    expect(refusal(policyBundleSchema, { ...bundle(), baseline: ['a'] })).toBeUndefined();
    expect(refusal(policyBundleSchema, { ...bundle(), policies: { payments: ['a'.repeat(254)] } })).toBeUndefined();
    expect(refusal(policyBundleSchema, { ...bundle(), policies: { payments: ['a'.repeat(255)] } })).toMatch(/policies\.payments\.0: Too big/);
  });

  test('a revision is at most 128 characters', () => {
    expect(refusal(policyBundleSchema, { ...bundle(), source: { revision: 'a'.repeat(128), generatedAt: 'now' } })).toBeUndefined();
    expect(refusal(policyBundleSchema, { ...bundle(), source: { revision: 'a'.repeat(129), generatedAt: 'now' } })).toMatch(/source\.revision: Too big/);
  });

  test('a policy tag is at most 1024 characters, or null; the OU chain at most 8 deep', () => {
    // Prepare
    const entry = mapping().endpoints[ENDPOINT]!;
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `ou-ab12-3456789${i}`);
    const withEntry = (fields: Partial<typeof entry>) => ({ ...mapping(), endpoints: { [ENDPOINT]: { ...entry, ...fields } } });
    const shardWith = (fields: Partial<AccountShard>) => ({ ...shard(), ...fields });

    // Act and assess: the mapping
    expect(refusal(endpointMappingSchema, withEntry({ policyTag: 'a'.repeat(1024), ancestorIds: chain(8) }))).toBeUndefined();
    expect(refusal(endpointMappingSchema, withEntry({ policyTag: 'a'.repeat(1025) }))).toMatch(/policyTag: Too big/);
    expect(refusal(endpointMappingSchema, withEntry({ ancestorIds: chain(9) }))).toMatch(/ancestorIds: Too big/);

    // Act and assess: an account shard
    expect(refusal(accountShardSchema, shardWith({ ancestorIds: chain(8), endpoints: { [ENDPOINT]: { vpcId: 'vpc-01234567', policyTag: 'a'.repeat(1024) } } }))).toBeUndefined();
    expect(refusal(accountShardSchema, shardWith({ endpoints: { [ENDPOINT]: { vpcId: 'vpc-01234567', policyTag: 'a'.repeat(1025) } } }))).toMatch(/policyTag: Too big/);
    expect(refusal(accountShardSchema, shardWith({ ancestorIds: chain(9) }))).toMatch(/ancestorIds: Too big/);
  });

  test.each([
    ['bundle', policyBundleSchema, bundle, ['source', 'baseline', 'policies', 'defaults']],
    ['mapping', endpointMappingSchema, mapping, ['generatedAt', 'endpoints', 'shards']],
    ['shard', accountShardSchema, shard, ['accountId', 'updatedAt', 'ancestorIds', 'endpoints']],
  ] as const)('a %s missing any of its fields is refused', (_name, schema, make, fields) => {
    for (const field of fields) {
      const document: Record<string, unknown> = { ...make() };
      delete document[field];
      expect(refusal(schema, document)).toMatch(new RegExp(`${field}: Invalid input`));
    }
  });

  test.each([
    ['the source of a bundle', policyBundleSchema, { ...bundle(), source: {} }, /source\.revision: Invalid input/],
    ['the defaults of a bundle', policyBundleSchema, { ...bundle(), defaults: {} }, /defaults\.accounts: Invalid input/],
    ['an endpoint of a mapping', endpointMappingSchema, { ...mapping(), endpoints: { [ENDPOINT]: {} } }, /endpoints\.vpce-0123456789abcdef0\.accountId: Invalid input/],
    ['an endpoint of a shard', accountShardSchema, { ...shard(), endpoints: { [ENDPOINT]: {} } }, /endpoints\.vpce-0123456789abcdef0\.vpcId: Invalid input/],
  ] as const)('%s must have its fields', (_case, schema, document, message) => {
    expect(refusal(schema, document)).toMatch(message);
  });
});
