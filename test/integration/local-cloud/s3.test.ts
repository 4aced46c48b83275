/**
 * S3 through the real SDK: buckets, objects as exact bytes, ETags, conditional reads and writes (the policy
 * store's optimistic concurrency and the proxies' polling), ListObjectsV2 pagination, key encoding and access.
 */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { HUB, REGION, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness } from './cloud-harness';

const OTHER = '333333333333';

let h: CloudHarness;
let s3: S3Client;
let bucketCount = 0;

beforeAll(async () => {
  h = await startHarness();
  s3 = h.s3(HUB);
});
afterAll(() => h.stop());

/** A fresh bucket of the hub account, so tests do not see each other's objects. */
async function newBucket(): Promise<string> {
  const name = `egress-policies-${++bucketCount}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

const bytesOf = async (answer: GetObjectCommandOutput) => Buffer.from((await answer.Body?.transformToByteArray()) ?? new Uint8Array());
const md5Etag = (body: Buffer | string) => `"${createHash('md5').update(body).digest('hex')}"`;
const put = (Bucket: string, Key: string, Body: string | Buffer, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
  s3.send(new PutObjectCommand({ Bucket, Key, Body, ...extra }));
const get = (Bucket: string, Key: string, extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) =>
  s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));

describe('buckets', () => {
  it('creates a bucket in the caller region and says so to HeadBucket', async () => {
    // Act
    const bucket = await newBucket();
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    // Assess
    expect(head.BucketRegion).toBe(REGION);
  });

  it('answers BucketAlreadyOwnedByYou to its owner and BucketAlreadyExists to another account (409)', async () => {
    // Prepare
    const bucket = await newBucket();
    // Act
    const again = await rejectionOf(s3.send(new CreateBucketCommand({ Bucket: bucket })));
    const taken = await rejectionOf(h.s3(OTHER).send(new CreateBucketCommand({ Bucket: bucket })));
    // Assess
    expect([again.name, again.$metadata.httpStatusCode]).toEqual(['BucketAlreadyOwnedByYou', 409]);
    expect([taken.name, taken.$metadata.httpStatusCode]).toEqual(['BucketAlreadyExists', 409]);
  });

  it("lists the caller's buckets only, with their regions", async () => {
    // Prepare
    const mine = await newBucket();
    await h.s3(OTHER).send(new CreateBucketCommand({ Bucket: 'someone-elses-bucket' }));
    // Act
    const listed = await s3.send(new ListBucketsCommand({}));
    // Assess
    const names = listed.Buckets?.map((b) => b.Name);
    expect(names).toContain(mine);
    expect(names).not.toContain('someone-elses-bucket');
    expect(listed.Buckets?.find((b) => b.Name === mine)?.BucketRegion).toBe(REGION);
  });

  it('lets its owner re-create a bucket in us-east-1, as S3 does for legacy clients', async () => {
    const east = h.s3(HUB, 'us-east-1');
    await east.send(new CreateBucketCommand({ Bucket: 'legacy-east-bucket' }));
    await expect(east.send(new CreateBucketCommand({ Bucket: 'legacy-east-bucket' }))).resolves.toBeDefined();
  });

  it.each(['ab', 'Upper-Case', 'two..dots', '192.168.5.4', '-leading-hyphen', 'xn--punycode', 'alias-s3alias', 'a'.repeat(64)])(
    'rejects the bucket name %s with InvalidBucketName (400)',
    async (name) => {
      const err = await rejectionOf(s3.send(new CreateBucketCommand({ Bucket: name })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidBucketName', 400]);
    },
  );

  it('refuses to delete a bucket that holds objects (BucketNotEmpty), then deletes it once empty', async () => {
    // Prepare
    const bucket = await newBucket();
    await put(bucket, 'policy.json', '{}');
    // Act
    const notEmpty = await rejectionOf(s3.send(new DeleteBucketCommand({ Bucket: bucket })));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'policy.json' }));
    const deleted = await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    const gone = await rejectionOf(s3.send(new HeadBucketCommand({ Bucket: bucket })));
    // Assess
    expect([notEmpty.name, notEmpty.$metadata.httpStatusCode]).toEqual(['BucketNotEmpty', 409]);
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect([gone.name, gone.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
  });

  it('answers NoSuchBucket (404) for a bucket that does not exist', async () => {
    const err = await rejectionOf(get('no-such-bucket-here', 'policy.json'));
    expect([err.name, err.$metadata.httpStatusCode, err.BucketName]).toEqual(['NoSuchBucket', 404, 'no-such-bucket-here']);
  });

  it("rejects a request signed for another region than the bucket's, naming the bucket's region", async () => {
    // Prepare
    const bucket = await newBucket();
    // Act
    const err = await rejectionOf(h.s3(HUB, 'us-east-1').send(new GetObjectCommand({ Bucket: bucket, Key: 'policy.json' })));
    // Assess
    expect([err.name, err.$metadata.httpStatusCode, err.Region]).toEqual(['AuthorizationHeaderMalformed', 400, REGION]);
    expect(err.message).toBe(`The authorization header is malformed; the region 'us-east-1' is wrong; expecting '${REGION}'`);
  });
});

describe('objects', () => {
  it('round-trips every byte value with its content type, metadata and an ETag that is the quoted MD5', async () => {
    // Prepare
    const bucket = await newBucket();
    const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    // Act
    const written = await put(bucket, 'blob.bin', body, { ContentType: 'application/x-egress', Metadata: { revision: '7' } });
    const read = await get(bucket, 'blob.bin');
    // Assess
    expect(written.ETag).toBe(md5Etag(body));
    expect((await bytesOf(read)).equals(body)).toBe(true);
    expect(read).toMatchObject({ ETag: md5Etag(body), ContentType: 'application/x-egress', ContentLength: 512, Metadata: { revision: '7' } });
    expect(read.LastModified).toBeInstanceOf(Date);
  });

  it('stores a UTF-8 JSON document as its bytes', async () => {
    const bucket = await newBucket();
    const policy = JSON.stringify({ allow: ['.example.com', 'bücher.example'], note: 'ünïcødé ✓' });
    await put(bucket, 'policy.json', policy, { ContentType: 'application/json' });
    const read = await get(bucket, 'policy.json');
    expect(await read.Body?.transformToString()).toBe(policy);
    expect(read.ETag).toBe(md5Etag(Buffer.from(policy)));
  });

  it('answers HeadObject with the size and ETag and no body, and a missing key with a bodiless 404', async () => {
    // Prepare
    const bucket = await newBucket();
    await put(bucket, 'policy.json', '{"v":1}');
    // Act
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'policy.json' }));
    const missing = await rejectionOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'absent.json' })));
    // Assess
    expect(head).toMatchObject({ ContentLength: 7, ETag: md5Etag('{"v":1}') });
    // No <Error> document on HEAD: the SDK can only name the status.
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
  });

  it('answers GetObject for a missing key with NoSuchKey (404) naming the key', async () => {
    const bucket = await newBucket();
    const err = await rejectionOf(get(bucket, 'absent.json'));
    expect([err.name, err.$metadata.httpStatusCode, err.Key]).toEqual(['NoSuchKey', 404, 'absent.json']);
  });

  it('answers DeleteObject with 204 whether or not the key exists', async () => {
    // Prepare
    const bucket = await newBucket();
    await put(bucket, 'policy.json', '{}');
    // Act
    const first = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'policy.json' }));
    const second = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'policy.json' }));
    // Assess
    expect([first.$metadata.httpStatusCode, second.$metadata.httpStatusCode]).toEqual([204, 204]);
    expect((await rejectionOf(get(bucket, 'policy.json'))).name).toBe('NoSuchKey');
  });

  it('deletes a batch with DeleteObjects, reporting a stale ETag as that key failing', async () => {
    // Prepare
    const bucket = await newBucket();
    await put(bucket, 'a.json', 'a');
    await put(bucket, 'b.json', 'b');
    // Act
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'a.json' }, { Key: 'b.json', ETag: md5Etag('stale') }, { Key: 'never.json' }] } }),
    );
    // Assess
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(['a.json', 'never.json']);
    expect(result.Errors).toEqual([expect.objectContaining({ Key: 'b.json', Code: 'PreconditionFailed' })]);
    expect(await (await get(bucket, 'b.json')).Body?.transformToString()).toBe('b');
  });

  // Keys travel URL-encoded in the path; each must come back exactly, from GetObject and from a listing.
  const keys = ['a b.json', 'a+b.json', 'bücher/日本/ß.json', 'dir/sub/leaf', 'x//y', '/leading-slash', '100%.json', 'q?x=1&y=2#frag', 'emoji-😀', 'tilde~and(parens)'];

  it.each(keys)('round-trips the key %j', async (key) => {
    const bucket = await newBucket();
    await put(bucket, key, key);
    expect(await (await get(bucket, key)).Body?.transformToString()).toBe(key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual([key]);
  });

  it('lists keys in UTF-8 byte order, which is not JavaScript string order', async () => {
    // Prepare: U+FF5E sorts before U+1F600 in UTF-8 but after its surrogate pair in UTF-16.
    const bucket = await newBucket();
    const names = ['emoji-😀', 'emoji-～', 'emoji-z', 'emoji-Z'];
    for (const key of names) await put(bucket, key, key);
    // Act
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    // Assess
    const utf8Order = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(utf8Order);
    expect(utf8Order).not.toEqual([...names].sort());
  });
});

describe('conditional reads', () => {
  async function stored(): Promise<{ bucket: string; etag: string; lastModified: Date }> {
    const bucket = await newBucket();
    const written = await put(bucket, 'policy.json', '{"revision":1}');
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'policy.json' }));
    return { bucket, etag: written.ETag ?? '', lastModified: head.LastModified ?? new Date(0) };
  }
  const seconds = (date: Date, delta: number) => new Date(date.getTime() + delta * 1000);

  it('answers 304 with no body when If-None-Match names the current ETag, and the object when it does not', async () => {
    // Prepare
    const { bucket, etag } = await stored();
    // Act
    const notModified = await rejectionOf(get(bucket, 'policy.json', { IfNoneMatch: etag }));
    const changed = await get(bucket, 'policy.json', { IfNoneMatch: md5Etag('an older revision') });
    // Assess: S3's 304 has no error document, so the SDK rejects with just the status.
    expect(notModified.$metadata.httpStatusCode).toBe(304);
    expect(await changed.Body?.transformToString()).toBe('{"revision":1}');
  });

  it('answers 304 to HeadObject too, and PreconditionFailed (412) to a stale If-Match', async () => {
    const { bucket, etag } = await stored();
    expect((await rejectionOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'policy.json', IfNoneMatch: etag })))).$metadata.httpStatusCode).toBe(304);
    const stale = await rejectionOf(get(bucket, 'policy.json', { IfMatch: md5Etag('stale') }));
    expect([stale.name, stale.$metadata.httpStatusCode, stale.Condition]).toEqual(['PreconditionFailed', 412, 'If-Match']);
    await expect(get(bucket, 'policy.json', { IfMatch: etag })).resolves.toMatchObject({ ETag: etag });
  });

  it('compares If-Modified-Since and If-Unmodified-Since with Last-Modified', async () => {
    const { bucket, lastModified } = await stored();
    expect((await rejectionOf(get(bucket, 'policy.json', { IfModifiedSince: lastModified }))).$metadata.httpStatusCode).toBe(304);
    await expect(get(bucket, 'policy.json', { IfModifiedSince: seconds(lastModified, -60) })).resolves.toBeDefined();
    const unmodified = await rejectionOf(get(bucket, 'policy.json', { IfUnmodifiedSince: seconds(lastModified, -60) }));
    expect([unmodified.name, unmodified.Condition]).toEqual(['PreconditionFailed', 'If-Unmodified-Since']);
  });

  it('lets a true If-Match override a false If-Unmodified-Since (200), and a false If-None-Match override a true If-Modified-Since (304)', async () => {
    const { bucket, etag, lastModified } = await stored();
    await expect(get(bucket, 'policy.json', { IfMatch: etag, IfUnmodifiedSince: seconds(lastModified, -60) })).resolves.toBeDefined();
    const notModified = await rejectionOf(get(bucket, 'policy.json', { IfNoneMatch: etag, IfModifiedSince: seconds(lastModified, -60) }));
    expect(notModified.$metadata.httpStatusCode).toBe(304);
  });
});

describe('conditional writes', () => {
  it('creates with If-None-Match: * only while the key is free (then 412, object unchanged)', async () => {
    // Prepare
    const bucket = await newBucket();
    // Act
    const created = await put(bucket, 'policy.json', 'first', { IfNoneMatch: '*' });
    const second = await rejectionOf(put(bucket, 'policy.json', 'second', { IfNoneMatch: '*' }));
    // Assess
    expect(created.ETag).toBe(md5Etag('first'));
    expect([second.name, second.$metadata.httpStatusCode, second.Condition]).toEqual(['PreconditionFailed', 412, 'If-None-Match']);
    expect(await (await get(bucket, 'policy.json')).Body?.transformToString()).toBe('first');
  });

  it('replaces with If-Match only while the ETag is current: a stale one is 412, a missing object is NoSuchKey (404)', async () => {
    // Prepare
    const bucket = await newBucket();
    const v1 = await put(bucket, 'policy.json', 'v1');
    // Act
    const v2 = await put(bucket, 'policy.json', 'v2', { IfMatch: v1.ETag });
    const stale = await rejectionOf(put(bucket, 'policy.json', 'v3', { IfMatch: v1.ETag }));
    const missing = await rejectionOf(put(bucket, 'absent.json', 'v1', { IfMatch: v1.ETag }));
    // Assess
    expect(v2.ETag).toBe(md5Etag('v2'));
    expect([stale.name, stale.$metadata.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    expect(await (await get(bucket, 'policy.json')).Body?.transformToString()).toBe('v2');
  });

  it('lets exactly one of two concurrent writers with the same If-Match win', async () => {
    // Prepare
    const bucket = await newBucket();
    const base = await put(bucket, 'policy.json', 'base');
    // Act
    const results = await Promise.allSettled(['writer-a', 'writer-b'].map((body) => put(bucket, 'policy.json', body, { IfMatch: base.ETag })));
    // Assess
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [`writer-${'ab'[i]}`] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
    expect(won).toHaveLength(1);
    expect(lost).toEqual(['PreconditionFailed']);
    expect(await (await get(bucket, 'policy.json')).Body?.transformToString()).toBe(won[0]);
  });

  it('lets exactly one of many concurrent creators with If-None-Match: * win', async () => {
    const bucket = await newBucket();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => put(bucket, 'lock.json', `owner-${i}`, { IfNoneMatch: '*' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Error).name)).toEqual(Array(7).fill('PreconditionFailed'));
  });

  it('deletes with If-Match only while the ETag is current', async () => {
    const bucket = await newBucket();
    const written = await put(bucket, 'policy.json', 'v1');
    const stale = await rejectionOf(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'policy.json', IfMatch: md5Etag('v0') })));
    expect(stale.name).toBe('PreconditionFailed');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'policy.json', IfMatch: written.ETag }));
    expect((await rejectionOf(get(bucket, 'policy.json'))).name).toBe('NoSuchKey');
  });
});

describe('ListObjectsV2', () => {
  let bucket: string;
  const policyKeys = Array.from({ length: 2500 }, (_, i) => `policies/vpc-${String(i).padStart(5, '0')}.json`);

  beforeAll(async () => {
    bucket = await newBucket();
    const all = [...policyKeys, 'other/readme.txt', 'index.json'];
    // 50 writers at a time: fast, and well inside the per-prefix request rate.
    for (let i = 0; i < all.length; i += 50) await Promise.all(all.slice(i, i + 50).map((key) => put(bucket, key, key)));
  });

  it('pages 2,500 keys under a prefix as 1000, 1000 and 500 with continuation tokens', async () => {
    // Act
    const pages = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'policies/', ContinuationToken: token }));
      pages.push(page);
      token = page.NextContinuationToken;
    } while (token);
    // Assess
    expect(pages.map((p) => [p.KeyCount, p.IsTruncated, p.MaxKeys])).toEqual([
      [1000, true, 1000],
      [1000, true, 1000],
      [500, false, 1000],
    ]);
    expect(pages[2]?.NextContinuationToken).toBeUndefined();
    expect(pages.flatMap((p) => p.Contents ?? []).map((c) => c.Key)).toEqual(policyKeys);
    expect(pages[0]?.Contents?.[0]).toMatchObject({ Size: Buffer.byteLength(policyKeys[0] ?? ''), ETag: md5Etag(policyKeys[0] ?? ''), StorageClass: 'STANDARD' });
  });

  it('never returns more than 1000 keys, whatever max-keys asks', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 5000 }));
    expect([page.KeyCount, page.Contents?.length, page.IsTruncated]).toEqual([1000, 1000, true]);
  });

  it('starts after StartAfter and honours a small MaxKeys', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'policies/', StartAfter: 'policies/vpc-00997.json', MaxKeys: 2 }));
    expect(page.Contents?.map((c) => c.Key)).toEqual(['policies/vpc-00998.json', 'policies/vpc-00999.json']);
    expect([page.KeyCount, page.IsTruncated, page.StartAfter]).toEqual([2, true, 'policies/vpc-00997.json']);
  });

  it('groups keys under CommonPrefixes with a delimiter, counting each prefix once', async () => {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    expect(page.Contents?.map((c) => c.Key)).toEqual(['index.json']);
    expect(page.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['other/', 'policies/']);
    expect(page.KeyCount).toBe(3);
  });

  it('rejects a continuation token it did not issue with InvalidArgument (400)', async () => {
    const err = await rejectionOf(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'not-a-token' })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
  });
});

describe('access', () => {
  it('denies another account every operation on the bucket with AccessDenied (403)', async () => {
    // Prepare
    const bucket = await newBucket();
    await put(bucket, 'policy.json', '{}');
    const other = h.s3(OTHER);
    // Act
    const denied = await Promise.all([
      rejectionOf(other.send(new GetObjectCommand({ Bucket: bucket, Key: 'policy.json' }))),
      rejectionOf(other.send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: 'hijack' }))),
      rejectionOf(other.send(new ListObjectsV2Command({ Bucket: bucket }))),
      rejectionOf(other.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'policy.json' }))),
      rejectionOf(other.send(new DeleteBucketCommand({ Bucket: bucket }))),
    ]);
    const head = await rejectionOf(other.send(new HeadBucketCommand({ Bucket: bucket })));
    // Assess
    expect(denied.map((e) => [e.name, e.$metadata.httpStatusCode])).toEqual(Array(5).fill(['AccessDenied', 403]));
    expect(head.$metadata.httpStatusCode).toBe(403);
    expect(await (await get(bucket, 'policy.json')).Body?.transformToString()).toBe('{}');
  });

  it("lets an assumed-role session of the owner account use the account's bucket", async () => {
    // Prepare
    const bucket = await newBucket();
    const { Credentials: session } = await h
      .sts(HUB)
      .send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${HUB}:role/EgressControlPlaneRole`, RoleSessionName: 'policy-writer' }));
    const role = h.s3({ accessKeyId: session?.AccessKeyId ?? '', secretAccessKey: session?.SecretAccessKey ?? '', sessionToken: session?.SessionToken });
    // Act
    await role.send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: 'by the role' }));
    // Assess
    expect(await (await get(bucket, 'policy.json')).Body?.transformToString()).toBe('by the role');
  });

  it('denies a request whose ExpectedBucketOwner is not the owner', async () => {
    const bucket = await newBucket();
    const err = await rejectionOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ExpectedBucketOwner: OTHER })));
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    await expect(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ExpectedBucketOwner: HUB }))).resolves.toBeDefined();
  });
});
