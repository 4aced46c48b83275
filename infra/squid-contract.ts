/**
 * What the infrastructure assumes about the Squid image built from squid-config/. Kept in one place so a
 * change to squid.conf, the Dockerfile or buildspec.yml is one edit here.
 */
export const SQUID_CONTRACT = {
  /** The explicit-proxy port spokes use; it requires a PROXY protocol v2 header (sent by the NLB). */
  proxyPort: 3128,
  /**
   * A port without PROXY protocol that answers the NLB and container health checks (squid.conf
   * `http_port 3129 name=health`); it serves only this Squid-internal static object.
   */
  healthPort: 3129,
  healthPath: '/squid-internal-static/icons/SN.png',
  healthyHttpCodes: '200',
  /**
   * ECS ignores the image's Docker HEALTHCHECK, so the task definition runs the same script. It needs
   * no PROXY header and fails when Squid is down or wedged (squid-config/healthcheck.sh).
   */
  containerHealthCommand: ['CMD', '/usr/local/bin/healthcheck.sh'],
  /** The container's name in the task definition and in imagedefinitions.json written by the build. */
  containerName: 'squid',
  /**
   * Directories Squid writes to: the pid file and the access-log FIFO (squid.conf keeps no cache on disk).
   * With a read-only root filesystem each is mounted as a task-local volume. Fargate gives such a volume
   * the image directory's owner only when the Dockerfile declares the path with VOLUME; otherwise it is
   * root-owned and the non-root Squid cannot write. So the read-only root stays off until the Dockerfile
   * declares `VOLUME ["/run/squid"]` (test/infra/squid-contract.test.ts checks the two agree).
   */
  writablePaths: ['/run/squid'],
  readOnlyRootFilesystem: false,
  /** The build specification inside the pipeline's source repository. */
  buildspecPath: 'squid-config/buildspec.yml',
  /** Build argument of the Dockerfile that writes the hub VPC CIDR into squid.conf's `hub_vpc` ACL. */
  hubCidrBuildArg: 'HUB_VPC_CIDR',
  /** The environment variable that tells the image's policy agent which bucket holds the bundle and the mapping. */
  policyBucketVariable: 'EGRESS_POLICY_BUCKET',
  /** Paths whose changes should start the pipeline. */
  sourcePaths: ['squid-config/**'],
} as const;
