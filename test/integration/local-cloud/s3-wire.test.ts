/**
 * S3 on the wire: what the SDK really sends (flexible checksums, aws-chunked streaming bodies, virtual-hosted
 * addressing) and what S3 really answers (error documents, bodiless HEAD answers, SlowDown per prefix, injected
 * faults, operations the emulator does not implement), plus the /_local/state snapshot.
 */
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { LocalCloudOptions } from '../../../local/cloud';
import { HUB, REGION, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness } from './cloud-harness';

const harnesses: CloudHarness[] = [];
async function harness(options: LocalCloudOptions = {}): Promise<CloudHarness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}
afterAll(async () => {
  for (const h of harnesses) await h.stop();
});

let bucketCount = 0;
async function newBucket(h: CloudHarness): Promise<string> {
  const name = `wire-bucket-${++bucketCount}`;
  await h.s3(HUB).send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** A raw HTTP exchange, to see what the SDK hides: status, headers and body exactly as sent. */
function raw(h: CloudHarness, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request(
      `${h.cloud.url}${path}`,
      { method, headers: { authorization: `AWS4-HMAC-SHA256 Credential=${HUB}/20261121/${REGION}/s3/aws4_request, SignedHeaders=host, Signature=x`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('what the SDK sends', () => {
  it('stores a streamed (aws-chunked, checksum in a trailer) body as the payload only', async () => {
    // Prepare
    const h = await harness();
    const bucket = await newBucket(h);
    const payload = Buffer.concat([Buffer.from('{"allow":["a.example"]}'), Buffer.from([0, 13, 10, 255])]);
    // Act: a Readable body makes the SDK send Content-Encoding: aws-chunked with an x-amz-checksum-crc32 trailer.
    const written = await h.s3(HUB).send(
      new PutObjectCommand({ Bucket: bucket, Key: 'streamed.bin', Body: Readable.from([payload.subarray(0, 5), payload.subarray(5)]), ContentLength: payload.length }),
    );
    // Assess
    const stored = h.cloud.s3.store.buckets.get(bucket)?.objects.get('streamed.bin');
    expect(stored?.body.equals(payload)).toBe(true);
    expect(stored?.headers['content-encoding']).toBeUndefined();
    expect(written.ChecksumCRC32).toBe(stored?.checksum?.value);
  });

  it('returns the verified CRC32 to a reader that asks, as the SDK does by default', async () => {
    const h = await harness();
    const bucket = await newBucket(h);
    const written = await h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: '{"v":1}' }));
    const read = await h.s3(HUB).send(new GetObjectCommand({ Bucket: bucket, Key: 'policy.json', ChecksumMode: 'ENABLED' }));
    expect(written.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(read.ChecksumCRC32).toBe(written.ChecksumCRC32);
    expect(await read.Body?.transformToString()).toBe('{"v":1}');
  });

  it.each(['CRC32C', 'SHA1', 'SHA256'] as const)('verifies and returns a %s checksum when the writer chooses it', async (algorithm) => {
    const h = await harness();
    const bucket = await newBucket(h);
    const written = await h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: '{"v":2}', ChecksumAlgorithm: algorithm }));
    const read = await h.s3(HUB).send(new GetObjectCommand({ Bucket: bucket, Key: 'policy.json', ChecksumMode: 'ENABLED' }));
    const member = `Checksum${algorithm}` as const;
    expect(written[member]).toBeDefined();
    expect(read[member]).toBe(written[member]);
    expect(h.cloud.s3.store.buckets.get(bucket)?.objects.get('policy.json')?.checksum?.algorithm).toBe(algorithm);
  });

  it('answers BadDigest to a CRC32 or Content-MD5 that does not match the body, and stores nothing', async () => {
    // Prepare
    const h = await harness();
    const bucket = await newBucket(h);
    // Act
    const crc = await rejectionOf(h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'payload', ChecksumCRC32: 'AAAAAA==' })));
    const md5 = await rejectionOf(h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'payload', ContentMD5: Buffer.alloc(16).toString('base64') })));
    const invalidMd5 = await rejectionOf(h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'payload', ContentMD5: 'bm90LW1kNQ==' })));
    // Assess
    expect([crc.name, crc.$metadata.httpStatusCode, crc.message]).toEqual(['BadDigest', 400, 'The CRC32 you specified did not match the calculated checksum.']);
    expect([md5.name, md5.$metadata.httpStatusCode]).toEqual(['BadDigest', 400]);
    expect([invalidMd5.name, invalidMd5.$metadata.httpStatusCode]).toEqual(['InvalidDigest', 400]);
    expect(h.cloud.s3.store.buckets.get(bucket)?.objects.size).toBe(0);
  });

  it('checks a hex x-amz-content-sha256 against the body (XAmzContentSHA256Mismatch)', async () => {
    const h = await harness();
    const bucket = await newBucket(h);
    const answer = await raw(h, 'PUT', `/${bucket}/k`, { 'x-amz-content-sha256': '0'.repeat(64) }, Buffer.from('payload'));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
  });

  it('accepts virtual-hosted addressing (Host: bucket.localhost), which the SDK uses for an endpoint named localhost', async () => {
    // Prepare: resolve every name to the loopback address, as a resolver that knows *.localhost does.
    const h = await harness();
    const bucket = await newBucket(h);
    const lookup = ((_host, options, callback) =>
      options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) as LookupFunction;
    const virtual = new S3Client({
      endpoint: `http://localhost:${h.cloud.port}`,
      region: REGION,
      credentials: { accessKeyId: HUB, secretAccessKey: 'local' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup }) }),
    });
    const hosts: string[] = [];
    virtual.middlewareStack.add(
      (next) => (args) => {
        hosts.push(String((args.request as { hostname?: string }).hostname));
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    // Act
    await virtual.send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/policy.json', Body: 'virtual' }));
    const listed = await virtual.send(new ListObjectsV2Command({ Bucket: bucket }));
    virtual.destroy();
    // Assess
    expect(hosts).toEqual([`${bucket}.localhost`, `${bucket}.localhost`]);
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['dir/policy.json']);
    expect(await (await h.s3(HUB).send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/policy.json' }))).Body?.transformToString()).toBe('virtual');
  });
});

describe('what S3 answers', () => {
  it('describes an error in an <Error> document with the code, message, key and request id', async () => {
    const h = await harness();
    const bucket = await newBucket(h);
    const answer = await raw(h, 'GET', `/${bucket}/absent%20key.json`);
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/xml');
    const requestId = String(answer.headers['x-amz-request-id']);
    expect(answer.body).toContain(
      `<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>absent key.json</Key><RequestId>${requestId}</RequestId>`,
    );
  });

  it('requires an integrity header on DeleteObjects (Content-MD5 or a checksum), as S3 does', async () => {
    const h = await harness();
    const bucket = await newBucket(h);
    const answer = await raw(h, 'POST', `/${bucket}?delete`, {}, Buffer.from('<Delete><Object><Key>k</Key></Object></Delete>'));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<Code>InvalidRequest</Code><Message>Missing required header for this request: Content-MD5</Message>');
  });

  it("answers HEAD with the object's Content-Length and no body, and a HEAD error with no body", async () => {
    // Prepare
    const h = await harness();
    const bucket = await newBucket(h);
    await h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: '{"revision":42}' }));
    // Act
    const found = await raw(h, 'HEAD', `/${bucket}/policy.json`);
    const missing = await raw(h, 'HEAD', `/${bucket}/absent.json`);
    // Assess
    expect([found.status, found.headers['content-length'], found.body]).toEqual([200, '15', '']);
    expect([missing.status, missing.headers['content-length'], missing.body]).toEqual([404, '0', '']);
  });

  it('answers NotImplemented (501) to operations it does not emulate instead of mistaking them for others', async () => {
    const h = await harness();
    const bucket = await newBucket(h);
    await h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: '{}' }));
    const tagging = await rejectionOf(h.s3(HUB).send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'policy.json' })));
    const copy = await rejectionOf(h.s3(HUB).send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy.json', CopySource: `${bucket}/policy.json` })));
    expect([tagging.name, tagging.$metadata.httpStatusCode]).toEqual(['NotImplemented', 501]);
    expect([copy.name, copy.$metadata.httpStatusCode]).toEqual(['NotImplemented', 501]);
    expect([...(h.cloud.s3.store.buckets.get(bucket)?.objects.keys() ?? [])]).toEqual(['policy.json']);
  });

  it('throttles writes per prefix with 503 SlowDown, leaving other prefixes and reads alone', async () => {
    // Prepare: a write bucket of 2 tokens that does not refill during the test.
    const h = await harness({ throttling: { buckets: { 's3:write': { capacity: 2, refillPerSecond: 0.001 } } } });
    const s3 = h.s3(HUB);
    const bucket = await newBucket(h);
    const putIn = (key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    // Act
    await putIn('policies/a.json');
    await putIn('policies/b.json');
    const throttled = await rejectionOf(putIn('policies/c.json'));
    // Assess
    expect([throttled.name, throttled.$metadata.httpStatusCode]).toEqual(['SlowDown', 503]);
    await expect(putIn('audit/a.json')).resolves.toBeDefined();
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'policies/a.json' }))).resolves.toBeDefined();
  });

  it("answers injected faults in S3's shape (InternalError 500 or ServiceUnavailable 503)", async () => {
    const h = await harness({ faults: { errorRate: 1, errorServices: ['s3'] } });
    const faults = await Promise.all(Array.from({ length: 6 }, () => rejectionOf(h.s3(HUB).send(new CreateBucketCommand({ Bucket: 'faulty-bucket' })))));
    for (const fault of faults) {
      expect([['InternalError', 500], ['ServiceUnavailable', 503]]).toContainEqual([fault.name, fault.$metadata.httpStatusCode]);
    }
    expect(h.cloud.s3.store.buckets.has('faulty-bucket')).toBe(false);
  });
});

describe('/_local/state', () => {
  it('lists each bucket with its owner, region and objects (keys, sizes, ETags), without bodies', async () => {
    // Prepare
    const h = await harness();
    const bucket = await newBucket(h);
    await h.s3(HUB).send(new PutObjectCommand({ Bucket: bucket, Key: 'policy.json', Body: '{"secret":"body"}' }));
    // Act
    const state = (await (await fetch(`${h.cloud.url}/_local/state`)).json()) as { s3: { buckets: unknown[] } };
    // Assess
    expect(state.s3.buckets).toEqual([
      expect.objectContaining({
        name: bucket,
        ownerAccountId: HUB,
        region: REGION,
        objects: [expect.objectContaining({ key: 'policy.json', size: 17, etag: `"${createHash('md5').update('{"secret":"body"}').digest('hex')}"` })],
      }),
    ]);
    expect(JSON.stringify(state.s3)).not.toContain('secret');
  });
});
