import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../infra/app';
import { readCdkJsonContext } from '../../infra/cdk-json-context';
import { InvalidConfiguration, loadHubConfig } from '../../infra/config';
import { CODECONNECTIONS_CONTEXT } from './support/synth-app';

const defaults = readCdkJsonContext();

function load(overrides: Record<string, unknown> = {}) {
  const context: Record<string, unknown> = { ...defaults, ...overrides };
  return loadHubConfig((key) => context[key]);
}

describe('hub configuration from CDK context', () => {
  it('loads the cdk.json defaults', () => {
    // Act
    const config = load();
    // Assess
    expect(config).toEqual({
      deploymentName: 'EgressProxy',
      env: { account: '222222222222', region: 'eu-west-2' },
      availabilityZones: ['eu-west-2a', 'eu-west-2b', 'eu-west-2c'],
      vpcCidr: '10.0.0.0/16',
      allowedPrincipals: [],
      privateDnsName: undefined,
      fleet: { minTasks: 3, maxTasks: 20, cpuTargetPercent: 70, taskCpu: 256, taskMemoryMiB: 512, imageTag: 'bootstrap' },
      logRetentionDays: 90,
      pipelineSource: { kind: 'codecommit', branch: 'main' },
    });
  });

  it('accepts command-line strings for numbers and lists', () => {
    const config = load({
      azCount: '2',
      minTasks: '2',
      maxTasks: '8',
      taskCpu: '512',
      taskMemoryMiB: '1024',
      logRetentionDays: '365',
      allowedPrincipals: 'arn:aws:iam::333333333333:root, arn:aws:iam::444444444444:root',
    });
    expect(config.availabilityZones).toEqual(['eu-west-2a', 'eu-west-2b']);
    expect(config.fleet).toEqual(expect.objectContaining({ minTasks: 2, maxTasks: 8, taskCpu: 512, taskMemoryMiB: 1024 }));
    expect(config.logRetentionDays).toBe(365);
    expect(config.allowedPrincipals).toEqual(['arn:aws:iam::333333333333:root', 'arn:aws:iam::444444444444:root']);
  });

  it('accepts a JSON list on the command line and explicit AZ names', () => {
    const config = load({
      allowedPrincipals: '["arn:aws:iam::333333333333:root"]',
      availabilityZones: '["eu-west-2c","eu-west-2a","eu-west-2b"]',
      azCount: 2,
    });
    expect(config.allowedPrincipals).toEqual(['arn:aws:iam::333333333333:root']);
    expect(config.availabilityZones).toEqual(['eu-west-2c', 'eu-west-2a']);
  });

  it('reads the CodeConnections source settings', () => {
    expect(load(CODECONNECTIONS_CONTEXT).pipelineSource).toEqual({
      kind: 'codeconnections',
      branch: 'main',
      connectionArn: CODECONNECTIONS_CONTEXT.connectionArn,
      owner: 'platform-team',
      repository: 'egress-proxy',
    });
  });

  const codeconnections = CODECONNECTIONS_CONTEXT;

  it.each([
    // [setting, bad value, other overrides, the reason in the message]
    ['deploymentName', '1egress', {}, 'must start with a letter'],
    ['deploymentName', 'egress_proxy', {}, 'must start with a letter'],
    ['hubAccount', '12345', {}, 'an AWS account id is exactly 12 digits'],
    ['hubAccount', '1234567890123', {}, 'an AWS account id is exactly 12 digits'],
    ['hubAccount', '', {}, 'a non-empty string is required'],
    ['hubRegion', 'europe-west', {}, 'not an AWS region: use a region name such as eu-west-2'],
    ['hubRegion', 'eu-west-9', {}, 'not an AWS region (did you mean eu-west-1?)'],
    ['azCount', 1, {}, 'must be between 2 and 6'],
    ['azCount', '7', {}, 'must be between 2 and 6'],
    ['azCount', '2.5', {}, 'an integer is required'],
    ['availabilityZones', ['us-east-1a', 'us-east-1b', 'us-east-1c'], {}, '"us-east-1a" is not an availability zone name of eu-west-2'],
    ['availabilityZones', ['eu-west-2a', 'eu-west-2a', 'eu-west-2b'], {}, 'lists a zone twice'],
    ['availabilityZones', ['eu-west-2a', 'eu-west-2b'], {}, 'lists 2 zones but azCount is 3'],
    ['vpcCidr', '10.0.0.0/8', {}, 'prefix length must be between /16 and /24'],
    ['vpcCidr', '10.0.0.0/25', {}, 'prefix length must be between /16 and /24'],
    ['vpcCidr', '10.0.0.1/16', {}, 'host bits are set'],
    ['vpcCidr', '10.300.0.0/16', {}, 'an IPv4 octet is above 255'],
    ['vpcCidr', 'ten-dot-zero', {}, 'not an IPv4 CIDR block'],
    ['allowedPrincipals', 'arn:aws:iam::123456789012:role/team/Admin', {}, 'expected an IAM principal ARN'],
    ['allowedPrincipals', '*', {}, 'expected an IAM principal ARN'],
    ['allowedPrincipals', 'arn:aws:iam::12345:root', {}, 'expected an IAM principal ARN'],
    ['allowedPrincipals', 'arn:aws:iam::123456789012:root,arn:aws:iam::123456789012:root', {}, 'lists arn:aws:iam::123456789012:root twice'],
    ['allowedPrincipals', '["arn:aws:iam::123456789012:root"', {}, 'not valid JSON'],
    ['allowedPrincipals', [42], {}, 'a list of non-empty strings is required'],
    ['privateDnsName', 'localhost', {}, 'not a valid lower-case DNS name'],
    ['privateDnsName', 'Proxy.Example.com', {}, 'not a valid lower-case DNS name'],
    ['privateDnsName', 'proxy_1.example.com', {}, 'not a valid lower-case DNS name'],
    ['privateDnsName', '-proxy.example.com', {}, 'not a valid lower-case DNS name'],
    ['privateDnsName', 'proxy.example.123', {}, 'not a valid lower-case DNS name'],
    ['minTasks', 0, {}, 'must be between 1 and 500'],
    ['maxTasks', 501, {}, 'must be between 1 and 500'],
    ['minTasks', 6, { maxTasks: 5 }, 'must not exceed maxTasks (5)'],
    ['cpuTargetPercent', 95, {}, 'must be between 10 and 90'],
    ['taskCpu', 300, {}, 'must be one of 256, 512, 1024'],
    ['taskMemoryMiB', 8192, {}, 'is not a Fargate memory size for taskCpu 256'],
    ['taskMemoryMiB', 1536, { taskCpu: 1024 }, 'is not a Fargate memory size for taskCpu 1024'],
    ['taskMemoryMiB', 256, {}, 'must be between 512 and 122880'],
    ['logRetentionDays', 10, {}, 'must be one of 1, 3, 5, 7, 14, 30'],
    ['squidImageTag', 'latest', {}, 'not a valid immutable ECR image tag'],
    ['squidImageTag', 'has space', {}, 'not a valid immutable ECR image tag'],
    ['pipelineSource', 'github', {}, 'must be one of codecommit, codeconnections'],
    ['sourceBranch', 'feature..x', {}, 'not a valid git branch name'],
    ['sourceBranch', 'has space', {}, 'not a valid git branch name'],
    ['connectionArn', '', codeconnections, 'a non-empty string is required'],
    ['connectionArn', 'arn:aws:codestar:eu-west-2:222222222222:connection/abc', codeconnections, 'expected arn:aws:codeconnections:'],
    ['sourceRepositoryOwner', '', codeconnections, 'a non-empty string is required'],
    ['sourceRepositoryName', 'egress/proxy', codeconnections, 'not a valid repository name'],
  ] as const)('rejects %s = %j naming the setting and the value', (setting, value, others, reason) => {
    // Act
    const attempt = () => load({ ...others, [setting]: value });
    // Assess
    expect(attempt).toThrow(InvalidConfiguration);
    expect(attempt).toThrow(`Invalid setting "${setting}"`);
    expect(attempt).toThrow(JSON.stringify(value).slice(0, 20));
    expect(attempt).toThrow(reason);
  });

  it('reports every invalid setting at once, not only the first', () => {
    // Act
    const attempt = () => load({ hubRegion: 'eu-west-9', vpcCidr: '10.0.0.0/8', minTasks: 0, squidImageTag: 'latest' });

    // Assess
    expect(attempt).toThrow(InvalidConfiguration);
    let problems: readonly { setting: string }[] = [];
    try {
      attempt();
    } catch (error) {
      problems = (error as InvalidConfiguration).problems;
    }
    expect(problems.map((p) => p.setting)).toEqual(['hubRegion', 'vpcCidr', 'minTasks', 'squidImageTag']);
  });

  it('refuses a mistyped key, suggesting the nearest setting, together with the other problems', () => {
    // Act
    const attempt = () => buildApp({ context: { ...defaults, minTask: 2, organizationId: 'bad' } });

    // Assess
    expect(attempt).toThrow('Invalid setting "minTask" = 2: not a setting of this app; did you mean "minTasks"?');
    expect(attempt).toThrow('Invalid setting "organizationId" = "bad"');
  });

  it('leaves the CDK\'s own context keys alone (feature flags, lookups)', () => {
    expect(() => buildApp({ context: { ...defaults, '@aws-cdk/core:newStyleStackSynthesis': true, 'availability-zones:account=1:region=x': ['a'] } })).not.toThrow();
  });

  it('prints the problems without a stack trace when the CDK CLI runs the app, and exits 1', () => {
    // Act: as `cdk synth` runs it, with the context in CDK_CONTEXT_JSON
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '../../infra/app.ts')], {
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ ...defaults, hubRegion: 'mars-1', minTask: 2 }), CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'egress-cdk-')) },
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the CDK context (cdk.json or -c) has 2 invalid setting(s):');
    expect(run.stderr).toContain('  - Invalid setting "hubRegion" = "mars-1": not an AWS region');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('fails the synth of the app itself, before any stack is built', () => {
    const context = { ...defaults, vpcCidr: '192.168.0.0/12' };
    expect(() => buildApp({ context })).toThrow('Invalid setting "vpcCidr" = "192.168.0.0/12": prefix length must be between /16 and /24');
  });
});
