import { isAwsRegion, nearestRegion } from './aws-regions';
import { ConfigError } from './config-error';

/*
 * One validator per kind of setting. Each takes the context key (for the message) and the raw context value,
 * which is typed JSON when it comes from cdk.json and always a string when it comes from `-c key=value`.
 */

export function requireString(setting: string, raw: unknown): string {
  if (typeof raw === 'number') return String(raw);
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new ConfigError(setting, raw, 'a non-empty string is required');
  }
  return raw.trim();
}

export function integerInRange(setting: string, raw: unknown, min: number, max: number): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(setting, raw, 'an integer is required');
  }
  if (value < min || value > max) {
    throw new ConfigError(setting, raw, `must be between ${min} and ${max}`);
  }
  return value;
}

export function oneOf<T extends string | number>(setting: string, raw: unknown, allowed: readonly T[]): T {
  const candidate = typeof allowed[0] === 'number' && typeof raw === 'string' ? Number(raw) : raw;
  const match = allowed.find((option) => option === candidate);
  if (match === undefined) {
    throw new ConfigError(setting, raw, `must be one of ${allowed.join(', ')}`);
  }
  return match;
}

/** Lists arrive as JSON arrays from cdk.json, and as "a,b" or '["a","b"]' strings from the command line. */
export function stringList(setting: string, raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    value = text.startsWith('[') ? parseJsonList(setting, text) : text.split(',').map((item) => item.trim());
  }
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new ConfigError(setting, raw, 'a list of non-empty strings is required');
  }
  return value as string[];
}

function parseJsonList(setting: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(setting, text, `not valid JSON (${(error as Error).message})`);
  }
}

export function accountId(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  if (!/^\d{12}$/.test(value)) {
    throw new ConfigError(setting, raw, 'an AWS account id is exactly 12 digits');
  }
  return value;
}

/** One of the regions of aws-regions.ts: a typo such as eu-west-9 fails here, not half-way through a deploy. */
export function region(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  if (!isAwsRegion(value)) {
    const nearest = nearestRegion(value);
    throw new ConfigError(setting, raw, `not an AWS region${nearest === undefined ? '' : ` (did you mean ${nearest}?)`}: use a region name such as eu-west-2`);
  }
  return value;
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';

/**
 * Endpoint service permissions take account roots or IAM roles/users, but not ARNs with a path
 * (documented limitation of ModifyVpcEndpointServicePermissions), and no wildcards here: "*" would open
 * the service to every AWS account.
 */
export function principalArn(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  const root = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:root$`);
  const roleOrUser = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(role|user)/[\\w+=,.@-]{1,64}$`);
  if (!root.test(value) && !roleOrUser.test(value)) {
    throw new ConfigError(
      setting,
      raw,
      'expected an IAM principal ARN such as arn:aws:iam::123456789012:root (role/user ARNs without a path are also accepted)',
    );
  }
  return value;
}

export function connectionArn(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  const pattern = new RegExp(`^arn:${PARTITION}:(codeconnections|codestar-connections):[a-z0-9-]+:\\d{12}:connection/[0-9a-f-]{36}$`);
  if (!pattern.test(value)) {
    throw new ConfigError(setting, raw, 'expected arn:aws:codeconnections:<region>:<account>:connection/<uuid>');
  }
  return value;
}

/** A lower-case DNS name of at least two labels, as the endpoint service's private DNS name requires. */
export function dnsName(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const labels = value.split('.');
  const valid =
    value.length <= 253 &&
    labels.length >= 2 &&
    labels.every((part) => label.test(part)) &&
    !/^\d+$/.test(labels[labels.length - 1] ?? '');
  if (!valid) {
    throw new ConfigError(setting, raw, 'not a valid lower-case DNS name such as proxy.example.com');
  }
  return value;
}

export interface Ipv4Cidr {
  readonly text: string;
  readonly prefix: number;
}

export function ipv4Cidr(setting: string, raw: unknown, minPrefix: number, maxPrefix: number): Ipv4Cidr {
  const value = requireString(setting, raw);
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) throw new ConfigError(setting, raw, 'not an IPv4 CIDR block such as 10.0.0.0/16');
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) throw new ConfigError(setting, raw, 'an IPv4 octet is above 255');
  if (prefix < minPrefix || prefix > maxPrefix) {
    throw new ConfigError(setting, raw, `prefix length must be between /${minPrefix} and /${maxPrefix}`);
  }
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) {
    throw new ConfigError(setting, raw, 'host bits are set: use the network address of the block');
  }
  return { text: value, prefix };
}

/** ECR's tag grammar. "latest" is refused because the repository's tags are immutable. */
export function imageTag(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(value) || value === 'latest') {
    throw new ConfigError(setting, raw, 'not a valid immutable ECR image tag (letters, digits, . _ -, at most 128, not "latest")');
  }
  return value;
}

/** Becomes part of stack names and parameter paths, so it must fit both grammars. */
export function deploymentName(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,29}$/.test(value)) {
    throw new ConfigError(setting, raw, 'must start with a letter and contain only letters, digits and hyphens (at most 30)');
  }
  return value;
}

export function gitBranch(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  const invalid = /(\.\.|[\s~^:?*[\\]|@\{|\/\/|\.lock$|\/$|^[-/.])/.test(value) || value.length > 255;
  if (invalid) throw new ConfigError(setting, raw, 'not a valid git branch name');
  return value;
}

/** Owner may hold GitLab subgroups ("group/subgroup"); the repository name is one path segment. */
export function repositoryOwner(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(value)) {
    throw new ConfigError(setting, raw, 'not a valid repository owner');
  }
  return value;
}

export function repositoryName(setting: string, raw: unknown): string {
  const value = requireString(setting, raw);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(value)) {
    throw new ConfigError(setting, raw, 'not a valid repository name (letters, digits, . _ -)');
  }
  return value;
}
