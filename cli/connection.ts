import { DEFAULT_DEPLOYMENT_NAME } from '../events/queue-names';
import { isAwsRegion, nearestRegion } from '../infra/validation/aws-regions';
import { CliConfigurationError } from './configuration-error';

/** Where the CLI sends its calls and as whom: what every command needs before any AWS client exists. */
export interface Connection {
  readonly region: string;
  /** Set when the flag or AWS_ENDPOINT_URL redirects the SDK (the local cloud). */
  readonly endpointUrl: string | undefined;
  /** The role to act as (`--role-arn` or EGRESS_ROLE_ARN), typically the control plane's own role. */
  readonly roleArn: string | undefined;
}

export interface ConnectionFlags {
  readonly region?: string;
  readonly endpointUrl?: string;
  readonly roleArn?: string;
}

const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * Reads and checks the region, endpoint and role up front, so a mistyped value is a usage error naming the flag
 * and the variable (exit 2) rather than a DNS failure, a TypeError or an STS validation error later.
 */
export function resolveConnection(flags: ConnectionFlags, env: Record<string, string | undefined>): Connection {
  return { region: region(flags, env), endpointUrl: endpointUrl(flags, env), roleArn: roleArn(flags, env) };
}

function region(flags: ConnectionFlags, env: Record<string, string | undefined>): string {
  const [source, value] = flags.region !== undefined ? ['--region', flags.region] : env.AWS_REGION ? ['AWS_REGION', env.AWS_REGION] : ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION];
  if (value === undefined || value === '') throw new CliConfigurationError('no AWS region: set --region or AWS_REGION');
  if (!isAwsRegion(value)) {
    const nearest = nearestRegion(value);
    throw new CliConfigurationError(`${source} "${value}" is not an AWS region${nearest === undefined ? '' : ` (did you mean ${nearest}?)`}: set --region or AWS_REGION to the hub's region, e.g. eu-west-2`);
  }
  return value;
}

function endpointUrl(flags: ConnectionFlags, env: Record<string, string | undefined>): string | undefined {
  const [source, value] = flags.endpointUrl !== undefined ? ['--endpoint-url', flags.endpointUrl] : ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL || undefined];
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !['http:', 'https:'].includes(new URL(value).protocol)) {
    throw new CliConfigurationError(`${source} "${value}" is not an http(s) URL: give one such as http://127.0.0.1:4566 (the local cloud), or leave it out to reach AWS`);
  }
  return value;
}

function roleArn(flags: ConnectionFlags, env: Record<string, string | undefined>): string | undefined {
  const [source, value] = flags.roleArn !== undefined ? ['--role-arn', flags.roleArn] : ['EGRESS_ROLE_ARN', env.EGRESS_ROLE_ARN || undefined];
  if (value === undefined) return undefined;
  if (!ROLE_ARN.test(value)) {
    throw new CliConfigurationError(`${source} "${value}" is not an IAM role ARN: give one such as arn:aws:iam::123456789012:role/EgressControlPlaneRole`);
  }
  return value;
}

/** cdk.json's deploymentName: the prefix of the queues' names (events/queue-names.ts). */
export function resolveDeploymentName(flags: { readonly deploymentName?: string }, env: Record<string, string | undefined>): string {
  const [source, value] = flags.deploymentName !== undefined ? ['--deployment-name', flags.deploymentName] : ['EGRESS_DEPLOYMENT_NAME', env.EGRESS_DEPLOYMENT_NAME || DEFAULT_DEPLOYMENT_NAME];
  // The grammar infra/validation/validators.ts enforces for deploymentName.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,29}$/.test(value)) {
    throw new CliConfigurationError(`${source} "${value}" is not a deployment name (a letter, then letters, digits and hyphens, at most 30): use cdk.json's deploymentName`);
  }
  return value;
}
