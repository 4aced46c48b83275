import { ConfigurationError, loadConfig, type ControlPlaneConfig } from '../functions/shared/config';
import { CliConfigurationError } from './configuration-error';
import { resolveConnection, type Connection } from './connection';

export { CliConfigurationError } from './configuration-error';

/**
 * The CLI reads the same environment variables as the functions (so an operator can reuse the deployed function's
 * settings), and every one of them can be overridden by a flag.
 */
export const SETTING_FLAGS = [
  { flag: 'hubServiceId', option: '--hub-service-id <id>', env: 'HUB_SERVICE_ID', description: 'the endpoint service id (vpce-svc-...)' },
  { flag: 'hubServiceName', option: '--hub-service-name <name>', env: 'HUB_SERVICE_NAME', description: 'the endpoint service name (default: derived from the id and region)' },
  { flag: 'orgReadRoleArn', option: '--org-read-role-arn <arn>', env: 'ORG_READ_ROLE_ARN', description: 'role in the management account to read Organizations' },
  { flag: 'ramShareArn', option: '--ram-share-arn <arn>', env: 'RAM_SHARE_ARN', description: 'the RAM share of the discovery parameters' },
  { flag: 'inScopeOuIds', option: '--in-scope-ou-ids <ids>', env: 'IN_SCOPE_OU_IDS', description: 'comma-separated OU or root ids served (default: the whole organization)' },
  { flag: 'excludedAccountIds', option: '--excluded-account-ids <ids>', env: 'EXCLUDED_ACCOUNT_IDS', description: 'comma-separated account ids never served' },
  { flag: 'spokeRoleName', option: '--spoke-role-name <name>', env: 'SPOKE_ROLE_NAME', description: 'the role assumed in spoke accounts' },
  { flag: 'proxyTagKey', option: '--proxy-tag-key <key>', env: 'PROXY_TAG_KEY', description: 'the VPC tag key that asks for the proxy' },
  { flag: 'proxyTagValue', option: '--proxy-tag-value <value>', env: 'PROXY_TAG_VALUE', description: 'the VPC tag value that asks for the proxy' },
  { flag: 'policyTagKey', option: '--policy-tag-key <key>', env: 'POLICY_TAG_KEY', description: 'the VPC tag key that names its egress policies' },
  { flag: 'policyBucket', option: '--policy-bucket <name>', env: 'POLICY_BUCKET', description: 'the policy store (S3 bucket) the fleet reads' },
  { flag: 'concurrency', option: '--concurrency <n>', env: 'RECONCILE_CONCURRENCY', description: 'accounts worked on at once' },
  { flag: 'maxAttempts', option: '--max-attempts <n>', env: 'AWS_MAX_ATTEMPTS', description: 'SDK attempts per call (throttles are retried)' },
] as const;

export type SettingFlag = (typeof SETTING_FLAGS)[number]['flag'];

/** Global flags, as commander parses them. */
export type GlobalFlags = Partial<Record<SettingFlag | 'region' | 'endpointUrl' | 'roleArn' | 'deploymentName', string>> & { json?: boolean };

export interface CliSettings extends Connection {
  readonly config: ControlPlaneConfig;
}

export function resolveSettings(flags: GlobalFlags, env: Record<string, string | undefined>): CliSettings {
  const merged: Record<string, string | undefined> = { ...env };
  for (const setting of SETTING_FLAGS) {
    const value = flags[setting.flag];
    if (value !== undefined) merged[setting.env] = value;
  }
  const connection = resolveConnection(flags, env);
  const { region } = connection;
  const serviceId = merged.HUB_SERVICE_ID;
  if (serviceId === undefined || serviceId === '') {
    throw new CliConfigurationError('no endpoint service: set --hub-service-id or HUB_SERVICE_ID (vpce-svc-...)');
  }
  merged.HUB_SERVICE_NAME ||= `com.amazonaws.vpce.${region}.${serviceId}`;
  // The functions publish hand-offs on the hub bus; the CLI never does, so the name only has to satisfy the schema.
  merged.HUB_EVENT_BUS_NAME ||= 'unused-by-the-cli';
  try {
    return { ...connection, config: loadConfig(merged) };
  } catch (error) {
    if (error instanceof ConfigurationError) throw new CliConfigurationError(withFlagNames(error.message), { cause: error });
    throw error;
  }
}

/** What `--function-name` needs: the deployed function carries its own configuration. */
export interface InvokeSettings extends Connection {
  /** From --max-attempts only: the SDK reads AWS_MAX_ATTEMPTS itself. */
  readonly maxAttempts: number | undefined;
}

/**
 * Settings for invoking the reconciler function. Its configuration is the function's environment, so a setting
 * flag here would be silently ignored: it is refused instead (the environment variables are simply not read).
 */
export function resolveInvokeSettings(flags: GlobalFlags, env: Record<string, string | undefined>): InvokeSettings {
  const ignored = SETTING_FLAGS.filter((setting) => setting.flag !== 'maxAttempts' && flags[setting.flag] !== undefined);
  if (ignored.length > 0) {
    const names = ignored.map((setting) => setting.option.split(' ')[0] ?? '').join(', ');
    throw new CliConfigurationError(`${names} cannot be used with --function-name: the function reads its own configuration`);
  }
  const connection = resolveConnection(flags, env);
  let maxAttempts: number | undefined;
  if (flags.maxAttempts !== undefined) {
    maxAttempts = Number(flags.maxAttempts);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new CliConfigurationError(`--max-attempts must be a whole number of at least 1, got "${flags.maxAttempts}"`);
  }
  return { ...connection, maxAttempts };
}

/** `HUB_SERVICE_ID: must be ...` becomes `HUB_SERVICE_ID (--hub-service-id): must be ...`; list items keep their index. */
function withFlagNames(message: string): string {
  return SETTING_FLAGS.reduce(
    (text, setting) =>
      text.replace(new RegExp(`\\b${setting.env}(?:\\.(\\d+))?:`, 'g'), (_match, item: string | undefined) =>
        `${setting.env} (${setting.option.split(' ')[0] ?? ''})${item === undefined ? '' : ` item ${item}`}:`,
      ),
    message.replace('Invalid control plane configuration', 'invalid configuration'),
  );
}
