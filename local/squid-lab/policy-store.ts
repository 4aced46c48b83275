/**
 * The policy store a lab's Squid task reads: a bucket on the local cloud's S3 (local/cloud/s3), reached by the
 * task's policy agent from inside the network namespace the way a task reaches S3: over TCP, with the SDK's
 * standard credential chain.
 *
 *   agent (in the namespace) -> 127.0.0.1:4566 -> namespace agent's inbound forward -> Unix socket in the
 *   work directory -> bridge (here) -> the local cloud's port
 *
 * Either the lab starts a local cloud of its own (`start`: the tests, the benchmark), or it reads a bucket on a
 * local cloud that already runs (`attach`: `npm start`, where the control plane has published the bundle and the
 * mapping). Only an owned cloud is stopped by `makeUnreachable` and `close`.
 */
import { connect, createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalCloud, type LocalCloud } from '../cloud';
import type { EndpointMapping, PolicyBundle } from '../../squid-config/policy/documents';
import { BUNDLE_KEY, MAPPING_KEY } from '../../squid-config/policy/store';
import type { InboundForward } from './namespace-agent-protocol';

const OWN_CLOUD_REGION = 'eu-west-2';
const OWN_CLOUD_BUCKET = 'egress-policy-store-lab';
/** Where the agent finds the store inside the namespace. */
const STORE_IN_NAMESPACE = { host: '127.0.0.1', port: 4566 } as const;

/** A bucket on a running local cloud, read as the hub account (which owns the policy store). */
export interface StoreLocation {
  readonly cloud: LocalCloud;
  readonly bucket: string;
  readonly region: string;
}

export class LabPolicyStore {
  private constructor(
    private readonly location: StoreLocation,
    private readonly ownsCloud: boolean,
    private readonly bridge: Server,
    private readonly s3: S3Client,
    /** The namespace agent's forward to hand to LabNamespace.create. */
    readonly forward: InboundForward,
  ) {}

  /** A local cloud of the lab's own with an empty policy store bucket. */
  static async start(workDir: string): Promise<LabPolicyStore> {
    const cloud = await startLocalCloud({ port: 0, host: '127.0.0.1' });
    try {
      const store = await LabPolicyStore.bridge(workDir, { cloud, bucket: OWN_CLOUD_BUCKET, region: OWN_CLOUD_REGION }, true);
      await store.s3.send(new CreateBucketCommand({ Bucket: OWN_CLOUD_BUCKET }));
      return store;
    } catch (error) {
      await cloud.stop();
      throw error;
    }
  }

  /** The policy store bucket of a local cloud that runs already (and keeps running after `close`). */
  static attach(workDir: string, location: StoreLocation): Promise<LabPolicyStore> {
    return LabPolicyStore.bridge(workDir, location, false);
  }

  private static async bridge(workDir: string, location: StoreLocation, ownsCloud: boolean): Promise<LabPolicyStore> {
    const forward: InboundForward = { ...STORE_IN_NAMESPACE, socketPath: join(workDir, 'policy-store.sock') };
    const bridge = createServer((inbound) => {
      const outbound = connect({ host: '127.0.0.1', port: location.cloud.port });
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      outbound.on('error', () => inbound.destroy());
      inbound.on('error', () => outbound.destroy());
    }).listen(forward.socketPath);
    await once(bridge, 'listening');
    const s3 = new S3Client({
      endpoint: location.cloud.url,
      region: location.region,
      forcePathStyle: true,
      credentials: { accessKeyId: location.cloud.world.hubAccountId, secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    return new LabPolicyStore(location, ownsCloud, bridge, s3, forward);
  }

  /** The variables the task gets: the bucket, and AWS settings that lead to this store as the hub account. */
  agentEnvironment(): Record<string, string> {
    return {
      EGRESS_POLICY_BUCKET: this.location.bucket,
      AWS_ENDPOINT_URL: `http://${STORE_IN_NAMESPACE.host}:${STORE_IN_NAMESPACE.port}`,
      AWS_REGION: this.location.region,
      AWS_ACCESS_KEY_ID: this.location.cloud.world.hubAccountId,
      AWS_SECRET_ACCESS_KEY: 'local',
    };
  }

  async putText(key: string, text: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: key, Body: text, ContentType: 'application/json' }));
  }

  publishBundle(bundle: PolicyBundle): Promise<void> {
    return this.putText(BUNDLE_KEY, JSON.stringify(bundle));
  }

  publishMapping(mapping: EndpointMapping): Promise<void> {
    return this.putText(MAPPING_KEY, JSON.stringify(mapping));
  }

  /** Makes the store unreachable: the lab's own local cloud stops listening. */
  async makeUnreachable(): Promise<void> {
    if (!this.ownsCloud) throw new Error('makeUnreachable: this lab did not start the local cloud it reads, so it will not stop it');
    await this.location.cloud.stop();
  }

  async close(): Promise<void> {
    this.s3.destroy();
    if (this.ownsCloud) await this.location.cloud.stop().catch(() => undefined);
    await new Promise<void>((resolve) => this.bridge.close(() => resolve()));
  }
}
