import * as z from 'zod';
import { MANAGED_TAG_PREFIX } from '../core/managed-tags';

/**
 * The control plane's settings, read once per cold start. Every function gets the same variables (the CDK stack sets
 * them all), so one schema serves the four handlers and the local runner.
 */

const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const accountIdList = commaList.pipe(z.array(z.string().regex(/^\d{12}$/, 'each entry must be a 12-digit account id')));

const ouIdList = commaList.pipe(
  z.array(z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'each entry must be an OU or root id')),
);

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const positiveInt = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const environmentSchema = z.object({
  HUB_SERVICE_ID: z.string().regex(/^vpce-svc-[0-9a-f]+$/, 'must be an endpoint service id (vpce-svc-...)'),
  HUB_SERVICE_NAME: z.string().min(1, 'must name the endpoint service (com.amazonaws.vpce.<region>.vpce-svc-...)'),
  HUB_EVENT_BUS_NAME: z.string().min(1, 'must name the hub event bus'),
  ORG_READ_ROLE_ARN: optionalString.pipe(
    z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN').optional(),
  ),
  RAM_SHARE_ARN: optionalString.pipe(
    z.string().regex(/^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/.+$/, 'must be a RAM share ARN').optional(),
  ),
  IN_SCOPE_OU_IDS: ouIdList,
  EXCLUDED_ACCOUNT_IDS: accountIdList,
  SPOKE_ROLE_NAME: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name').default('EgressProxySpokeRole'),
  PROXY_TAG_KEY: z.string().min(1).max(128).default('egress-proxy'),
  PROXY_TAG_VALUE: z.string().max(256).default('enabled'),
  POLICY_TAG_KEY: z.string().min(1).max(128).default('egress-proxy-policy'),
  // S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens (the fleet reads the mapping from it).
  POLICY_BUCKET: optionalString.pipe(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name').optional()),
  PROXY_PORT: positiveInt(3128, 65535),
  AWS_MAX_ATTEMPTS: positiveInt(5, 20),
  RECONCILE_CONCURRENCY: positiveInt(8, 64),
  SPOKE_CREDENTIALS_TTL_SECONDS: positiveInt(600, 3000),
  RECONCILE_CONTINUATION_MARGIN_SECONDS: positiveInt(60, 900),
  // The acceptance function's own queue, where it returns the notifications it defers; unset means none is deferred.
  ACCEPTANCE_QUEUE_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an SQS queue URL' }).optional()),
  // How many environments call Accept/Reject on the hub's endpoint service at once (the CDK app sets the acceptance
  // queue's maximum concurrency); each paces itself to its share of the hub's one bucket.
  HUB_CONNECTION_CALLERS: positiveInt(1, 100),
  // The partition the stack deploys in (AWS::Partition): aws, aws-cn, aws-us-gov... Every ARN the functions build uses it.
  PARTITION: z.string().regex(/^aws(-[a-z]+)*$/, 'must be a partition such as aws, aws-cn or aws-us-gov').default('aws'),
});

export type ControlPlaneConfig = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof environmentSchema>) {
  return {
    hubServiceId: env.HUB_SERVICE_ID,
    hubServiceName: env.HUB_SERVICE_NAME,
    hubEventBusName: env.HUB_EVENT_BUS_NAME,
    orgReadRoleArn: env.ORG_READ_ROLE_ARN,
    ramShareArn: env.RAM_SHARE_ARN,
    scope: { inScopeOuIds: env.IN_SCOPE_OU_IDS, excludedAccountIds: env.EXCLUDED_ACCOUNT_IDS },
    spokeRoleName: env.SPOKE_ROLE_NAME,
    proxyTag: { key: env.PROXY_TAG_KEY, value: env.PROXY_TAG_VALUE },
    /** The VPC tag that names the VPC's egress policies. */
    policyTagKey: env.POLICY_TAG_KEY,
    /** The policy store; unset means the control plane maintains no endpoint-to-policy mapping (baseline only). */
    policyBucket: env.POLICY_BUCKET,
    proxyPort: env.PROXY_PORT,
    maxAttempts: env.AWS_MAX_ATTEMPTS,
    reconcileConcurrency: env.RECONCILE_CONCURRENCY,
    spokeCredentialsTtlSeconds: env.SPOKE_CREDENTIALS_TTL_SECONDS,
    /** A fan-out run with less time left than this hands the rest of the organization to a continuation. */
    continuationMarginSeconds: env.RECONCILE_CONTINUATION_MARGIN_SECONDS,
    /**
     * The acceptance queue's URL (only the acceptance function gets it): Connect notifications queued soon after their
     * connection's creation, without their hand-off, are sent back there to be decided later. Unset: every notification is decided at once.
     */
    acceptanceQueueUrl: env.ACCEPTANCE_QUEUE_URL,
    /** Environments drawing on the hub's Accept/Reject bucket at once; this one paces to 1/n of it (core/pacing.ts). */
    hubConnectionCallers: env.HUB_CONNECTION_CALLERS,
    /** For the ARNs the functions build: the spoke role's, the accounts' root principals. */
    partition: env.PARTITION,
  };
}

/** Thrown at cold start; the message names every bad variable so the deploy log says what to fix. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ControlPlaneConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`Invalid control plane configuration: ${problems.join('; ')}`);
  }
  const config = toConfig(parsed.data);
  for (const [name, key] of [['PROXY_TAG_KEY', config.proxyTag.key], ['POLICY_TAG_KEY', config.policyTagKey]] as const) {
    // The write-back tags must never match the onboarding rule, or the function would re-trigger itself.
    if (key.startsWith(MANAGED_TAG_PREFIX)) throw new ConfigurationError(`Invalid control plane configuration: ${name}: must not start with ${MANAGED_TAG_PREFIX}`);
    if (key.toLowerCase().startsWith('aws:')) throw new ConfigurationError(`Invalid control plane configuration: ${name}: must not start with aws: (reserved by AWS)`);
  }
  if (config.policyTagKey === config.proxyTag.key) {
    throw new ConfigurationError('Invalid control plane configuration: POLICY_TAG_KEY: must differ from PROXY_TAG_KEY');
  }
  return config;
}
