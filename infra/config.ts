import { LOG_RETENTION_DAYS, FARGATE_CPU_UNITS, isValidFargateMemory } from './validation/aws-limits';
import { ConfigError } from './validation/config-error';
import { InvalidConfiguration, ProblemCollector } from './validation/problems';
import * as validate from './validation/validators';

export { ConfigError, InvalidConfiguration };

/** Reads one CDK context value (cdk.json defaults, overridden by `-c key=value`). */
export type ContextSource = (key: string) => unknown;

export type PipelineSourceConfig =
  | { readonly kind: 'codecommit'; readonly branch: string }
  | {
      readonly kind: 'codeconnections';
      readonly branch: string;
      readonly connectionArn: string;
      readonly owner: string;
      readonly repository: string;
    };

export interface FleetConfig {
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly cpuTargetPercent: number;
  readonly taskCpu: number;
  readonly taskMemoryMiB: number;
  /** The image tag the service runs until the pipeline deploys its first build. */
  readonly imageTag: string;
}

export interface HubConfig {
  /** Prefix of stack names and SSM parameter paths, so a second deployment can sit next to the first. */
  readonly deploymentName: string;
  readonly env: { readonly account: string; readonly region: string };
  readonly availabilityZones: readonly string[];
  readonly vpcCidr: string;
  readonly allowedPrincipals: readonly string[];
  readonly privateDnsName?: string;
  readonly fleet: FleetConfig;
  readonly logRetentionDays: number;
  readonly pipelineSource: PipelineSourceConfig;
}

/** The context keys this module reads; cdk.json carries a default for each required one. */
export const CONTEXT_KEYS = [
  'deploymentName',
  'hubAccount',
  'hubRegion',
  'azCount',
  'availabilityZones',
  'vpcCidr',
  'allowedPrincipals',
  'privateDnsName',
  'minTasks',
  'maxTasks',
  'cpuTargetPercent',
  'taskCpu',
  'taskMemoryMiB',
  'logRetentionDays',
  'squidImageTag',
  'pipelineSource',
  'sourceBranch',
  'connectionArn',
  'sourceRepositoryOwner',
  'sourceRepositoryName',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/**
 * The policy store's bucket name, derived so that the control plane and the pipeline can name it (and IAM can scope
 * to it) without a cross-stack reference, and so that a second deployment (another deploymentName) or another
 * region gets its own. At most 30 + 1 + 12 + 1 + 14 characters: within S3's 63.
 */
export function policyStoreBucketName(config: Pick<HubConfig, 'deploymentName' | 'env'>): string {
  return `${config.deploymentName.toLowerCase()}-${config.env.account}-${config.env.region}`;
}

const AZ_LETTERS = 'abcdef';

/** Every setting is checked, and every problem reported at once (InvalidConfiguration), not just the first. */
export function loadHubConfig(context: ContextSource): HubConfig {
  const read = (key: ContextKey): unknown => context(key);
  const problems = new ProblemCollector();
  const hubRegion = problems.check(() => validate.region('hubRegion', read('hubRegion')));
  const azCount = problems.check(() => validate.integerInRange('azCount', read('azCount'), 2, 6));
  const account = problems.check(() => validate.accountId('hubAccount', read('hubAccount')));
  const config = {
    deploymentName: problems.check(() => validate.deploymentName('deploymentName', read('deploymentName'))),
    env: { account, region: hubRegion },
    // The zones are named after the region and counted by azCount: checked once both are valid.
    availabilityZones:
      hubRegion === undefined || azCount === undefined ? [] : problems.check(() => loadAvailabilityZones(read('availabilityZones'), hubRegion, azCount)),
    vpcCidr: problems.check(() => validate.ipv4Cidr('vpcCidr', read('vpcCidr'), 16, 24).text),
    allowedPrincipals: problems.check(() => loadAllowedPrincipals(read('allowedPrincipals'))),
    privateDnsName: problems.check(() => loadOptional(read('privateDnsName'), (raw) => validate.dnsName('privateDnsName', raw))),
    fleet: problems.check(() => loadFleet(read)),
    logRetentionDays: problems.check(() => validate.oneOf('logRetentionDays', read('logRetentionDays'), LOG_RETENTION_DAYS)),
    pipelineSource: problems.check(() => loadPipelineSource(read)),
  };
  problems.throwIfAny();
  // Every check passed, so no field is undefined (but privateDnsName, which is optional).
  return config as HubConfig;
}

/**
 * Explicit AZ names keep synth free of lookups (no credentials needed). By default the first `azCount`
 * letters of the region are used; an account whose AZ names differ sets `availabilityZones` explicitly.
 */
function loadAvailabilityZones(raw: unknown, hubRegion: string, azCount: number): string[] {
  const configured = validate.stringList('availabilityZones', raw);
  if (configured.length === 0) return [...AZ_LETTERS.slice(0, azCount)].map((letter) => `${hubRegion}${letter}`);
  const foreign = configured.find((zone) => !new RegExp(`^${hubRegion}[a-z]$`).test(zone));
  if (foreign !== undefined) {
    throw new ConfigError('availabilityZones', raw, `"${foreign}" is not an availability zone name of ${hubRegion}`);
  }
  if (new Set(configured).size !== configured.length) {
    throw new ConfigError('availabilityZones', raw, 'lists a zone twice');
  }
  if (configured.length < azCount) {
    throw new ConfigError('availabilityZones', raw, `lists ${configured.length} zones but azCount is ${azCount}`);
  }
  return configured.slice(0, azCount);
}

function loadAllowedPrincipals(raw: unknown): string[] {
  const principals = validate.stringList('allowedPrincipals', raw).map((arn) => validate.principalArn('allowedPrincipals', arn));
  const duplicate = principals.find((arn, index) => principals.indexOf(arn) !== index);
  if (duplicate !== undefined) throw new ConfigError('allowedPrincipals', raw, `lists ${duplicate} twice`);
  return principals;
}

function loadFleet(read: (key: ContextKey) => unknown): FleetConfig {
  const problems = new ProblemCollector();
  const minTasks = problems.check(() => validate.integerInRange('minTasks', read('minTasks'), 1, 500));
  const maxTasks = problems.check(() => validate.integerInRange('maxTasks', read('maxTasks'), 1, 500));
  if (minTasks !== undefined && maxTasks !== undefined && minTasks > maxTasks) {
    problems.add(new ConfigError('minTasks', read('minTasks'), `must not exceed maxTasks (${maxTasks})`));
  }
  const taskCpu = problems.check(() => validate.oneOf('taskCpu', read('taskCpu'), FARGATE_CPU_UNITS));
  const taskMemoryMiB = problems.check(() => validate.integerInRange('taskMemoryMiB', read('taskMemoryMiB'), 512, 122880));
  if (taskCpu !== undefined && taskMemoryMiB !== undefined && !isValidFargateMemory(taskCpu, taskMemoryMiB)) {
    problems.add(new ConfigError('taskMemoryMiB', read('taskMemoryMiB'), `is not a Fargate memory size for taskCpu ${taskCpu}`));
  }
  const fleet = {
    minTasks,
    maxTasks,
    cpuTargetPercent: problems.check(() => validate.integerInRange('cpuTargetPercent', read('cpuTargetPercent'), 10, 90)),
    taskCpu,
    taskMemoryMiB,
    imageTag: problems.check(() => validate.imageTag('squidImageTag', read('squidImageTag'))),
  };
  problems.throwIfAny();
  return fleet as FleetConfig;
}

function loadPipelineSource(read: (key: ContextKey) => unknown): PipelineSourceConfig {
  const problems = new ProblemCollector();
  const kind = problems.check(() => validate.oneOf('pipelineSource', read('pipelineSource'), ['codecommit', 'codeconnections'] as const));
  const branch = problems.check(() => validate.gitBranch('sourceBranch', read('sourceBranch')));
  if (kind !== 'codeconnections') {
    problems.throwIfAny();
    return { kind: 'codecommit', branch: branch as string };
  }
  const source = {
    kind,
    branch,
    connectionArn: problems.check(() => validate.connectionArn('connectionArn', read('connectionArn'))),
    owner: problems.check(() => validate.repositoryOwner('sourceRepositoryOwner', read('sourceRepositoryOwner'))),
    repository: problems.check(() => validate.repositoryName('sourceRepositoryName', read('sourceRepositoryName'))),
  };
  problems.throwIfAny();
  return source as PipelineSourceConfig;
}

function loadOptional<T>(raw: unknown, parse: (raw: unknown) => T): T | undefined {
  return raw === undefined || raw === null || raw === '' ? undefined : parse(raw);
}
