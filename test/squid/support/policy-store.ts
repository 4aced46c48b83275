/**
 * The policy store for the per-spoke suites: the local cloud's S3 (local/cloud/s3), served by the jest
 * process, reached by the Squid task's policy agent from inside the network namespace the way a task
 * reaches S3: over TCP, with the SDK's standard credential chain.
 *
 *   agent (in the namespace) -> 127.0.0.1:4566 -> namespace agent's inbound forward -> Unix socket in the
 *   work directory -> bridge (here) -> the local cloud's port
 *
 * `stop()` stops the local cloud itself: the agent's connections then fail as they would against an
 * unreachable S3 endpoint.
 */
import { connect, createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';
import type { EndpointMapping, PolicyBundle } from '../../../squid-config/policy/documents';
import { BUNDLE_KEY, MAPPING_KEY } from '../../../squid-config/policy/store';
import type { InboundForward } from './agent-protocol';

const REGION = 'eu-west-2';
const BUCKET = 'egress-policy-store-test';
/** Where the agent finds the store inside the namespace. */
const STORE_IN_NAMESPACE = { host: '127.0.0.1', port: 4566 } as const;

export class TestPolicyStore {
  private constructor(
    private readonly cloud: LocalCloud,
    private readonly bridge: Server,
    private readonly s3: S3Client,
    /** The namespace agent's forward to hand to TestNamespace.create. */
    readonly forward: InboundForward,
  ) {}

  static async start(workDir: string): Promise<TestPolicyStore> {
    const cloud = await startLocalCloud({ port: 0, host: '127.0.0.1' });
    const forward: InboundForward = { ...STORE_IN_NAMESPACE, socketPath: join(workDir, 'policy-store.sock') };
    const bridge = createServer((inbound) => {
      const outbound = connect({ host: '127.0.0.1', port: cloud.port });
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      outbound.on('error', () => inbound.destroy());
      inbound.on('error', () => outbound.destroy());
    }).listen(forward.socketPath);
    await once(bridge, 'listening');
    const s3 = new S3Client({
      endpoint: cloud.url,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: cloud.world.hubAccountId, secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    return new TestPolicyStore(cloud, bridge, s3, forward);
  }

  /** The variables the task gets: the bucket, and AWS settings that lead to this store as the hub account. */
  agentEnvironment(): Record<string, string> {
    return {
      EGRESS_POLICY_BUCKET: BUCKET,
      AWS_ENDPOINT_URL: `http://${STORE_IN_NAMESPACE.host}:${STORE_IN_NAMESPACE.port}`,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: this.cloud.world.hubAccountId,
      AWS_SECRET_ACCESS_KEY: 'local',
    };
  }

  async putText(key: string, text: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: text, ContentType: 'application/json' }));
  }

  publishBundle(bundle: PolicyBundle): Promise<void> {
    return this.putText(BUNDLE_KEY, JSON.stringify(bundle));
  }

  publishMapping(mapping: EndpointMapping): Promise<void> {
    return this.putText(MAPPING_KEY, JSON.stringify(mapping));
  }

  /** Makes the store unreachable (the local cloud stops listening). */
  async stop(): Promise<void> {
    await this.cloud.stop();
  }

  async close(): Promise<void> {
    this.s3.destroy();
    await this.cloud.stop().catch(() => undefined);
    await new Promise<void>((resolve) => this.bridge.close(() => resolve()));
  }
}
