import { GetObjectCommand, NoSuchKey, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { goodContentChanged, initialStoreState, pollStore, type StoreState } from '../../../squid-config/fleet/store-poller';
import { BUNDLE_KEY, MAPPING_KEY } from '../../../squid-config/policy/store';
import { bundle, mapping } from './documents';

const s3Mock = mockClient(S3Client);
const BUCKET = 'policy-store';

function body(text: string): GetObjectCommandOutput['Body'] {
  return { transformToString: () => Promise.resolve(text) } as unknown as GetObjectCommandOutput['Body'];
}

function serve(key: string, text: string, etag: string): void {
  s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).callsFake((input: { IfNoneMatch?: string }) => {
    if (input.IfNoneMatch === etag) return Promise.reject(Object.assign(new Error('Not Modified'), { name: '304', $metadata: { httpStatusCode: 304 } }));
    return Promise.resolve({ Body: body(text), ETag: etag });
  });
}

function missing(key: string): void {
  s3Mock.on(GetObjectCommand, { Bucket: BUCKET, Key: key }).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
}

const empty = (): StoreState => initialStoreState({ bundle: null, mapping: null });

describe('pollStore', () => {
  beforeEach(() => s3Mock.reset());

  test('loads a valid bundle and mapping, and asks for each again only if its ETag changed', async () => {
    // Prepare
    serve(BUNDLE_KEY, JSON.stringify(bundle('r1')), '"b1"');
    serve(MAPPING_KEY, JSON.stringify(mapping()), '"m1"');

    // Act
    const first = await pollStore(new S3Client({}), BUCKET, empty());
    const second = await pollStore(new S3Client({}), BUCKET, first);

    // Assess
    expect(first.bundle.good?.document.source.revision).toBe('r1');
    expect(first.mapping.good?.etag).toBe('"m1"');
    expect(goodContentChanged(empty(), first)).toBe(true);
    expect(second.bundle).toBe(first.bundle);
    expect(second.mapping).toBe(first.mapping);
    expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.IfNoneMatch)).toEqual([undefined, undefined, '"b1"', '"m1"']);
  });

  test.each([
    ['not JSON', '{"schemaVersion":', /is not JSON/],
    ['a field of the wrong shape', JSON.stringify({ ...mapping(), endpoints: { 'vpce-0aaaaaaaaaaaaaaaa': { accountId: 'nope' } } }), /endpoints\.vpce-0aaaaaaaaaaaaaaaa\.accountId: expected a 12-digit account id/],
  ])('refuses a malformed mapping (%s), keeps the last good one, and names the problem', async (_case, text, problem) => {
    // Prepare
    serve(BUNDLE_KEY, JSON.stringify(bundle('r1')), '"b1"');
    serve(MAPPING_KEY, JSON.stringify(mapping()), '"m1"');
    const loaded = await pollStore(new S3Client({}), BUCKET, empty());
    serve(MAPPING_KEY, text, '"m2"');

    // Act
    const after = await pollStore(new S3Client({}), BUCKET, loaded);

    // Assess
    expect(after.mapping.good).toBe(loaded.mapping.good);
    expect(after.mapping.status).toEqual({ kind: 'refused', etag: '"m2"', problem: expect.stringMatching(problem) as string });
    expect(after.mapping.status.kind === 'refused' && after.mapping.status.problem).toContain(`s3://${BUCKET}/${MAPPING_KEY}`);
    expect(goodContentChanged(loaded, after)).toBe(false);
  });

  test('refuses a bundle that the pipeline\'s own check would refuse (an IP literal in a named policy)', async () => {
    serve(BUNDLE_KEY, JSON.stringify(bundle('r2', { policies: { payments: ['.stripe.com', '52.94.76.20'] } })), '"b2"');
    missing(MAPPING_KEY);

    const after = await pollStore(new S3Client({}), BUCKET, empty());

    expect(after.bundle.good).toBeNull();
    expect(after.bundle.status).toMatchObject({ kind: 'refused', problem: expect.stringContaining('IP literals are not allowed') as string });
  });

  test('does not fetch a refused version again while it stays in the store', async () => {
    serve(BUNDLE_KEY, '[]', '"bad"');
    missing(MAPPING_KEY);
    const refused = await pollStore(new S3Client({}), BUCKET, empty());

    const again = await pollStore(new S3Client({}), BUCKET, refused);

    expect(again.bundle).toBe(refused.bundle);
  });

  test('a document deleted from the store keeps the last good one (fail static)', async () => {
    serve(BUNDLE_KEY, JSON.stringify(bundle('r1')), '"b1"');
    serve(MAPPING_KEY, JSON.stringify(mapping()), '"m1"');
    const loaded = await pollStore(new S3Client({}), BUCKET, empty());
    missing(MAPPING_KEY);

    const after = await pollStore(new S3Client({}), BUCKET, loaded);

    expect(after.mapping).toEqual({ good: loaded.mapping.good, seenEtag: undefined, status: { kind: 'missing' } });
  });

  test('a store that cannot be read throws, so that the caller keeps everything', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' }));

    await expect(pollStore(new S3Client({}), BUCKET, empty())).rejects.toThrow(/ECONNREFUSED/);
  });
});
