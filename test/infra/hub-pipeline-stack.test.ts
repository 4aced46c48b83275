/* Template assertions (template.hasResourceProperties and friends) throw on mismatch. */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "template.*"] }] */
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { SQUID_CONTRACT } from '../../infra/squid-contract';
import { errorAndWarningAnnotations, unacknowledgedFindings } from './support/nag';
import { literalPhysicalNames } from './support/physical-names';
import { buildHubTestApp, CODECONNECTIONS_CONTEXT, type HubTestApp } from './support/synth-app';

interface PipelineStage {
  Name: string;
  Actions: { Name: string; ActionTypeId: { Provider: string }; Configuration: Record<string, unknown> }[];
}

/** Where in the template an intrinsic function appears, as slash-separated paths. */
function pathsOf(node: unknown, intrinsic: string, path = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => pathsOf(item, intrinsic, `${path}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [...(key === intrinsic ? [path] : []), ...pathsOf(value, intrinsic, `${path}/${key}`)]);
}

function pipelineStages(template: Template): PipelineStage[] {
  const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as {
    Properties: { Stages: PipelineStage[] };
  }[];
  if (!pipeline) throw new Error('no pipeline in the template');
  return pipeline.Properties.Stages;
}

describe('hub pipeline stack with the CodeCommit source (cdk.json default)', () => {
  let egress: HubTestApp;
  let template: Template;

  beforeAll(() => {
    egress = buildHubTestApp();
    template = Template.fromStack(egress.pipeline);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged, and has no warnings', () => {
    expect(unacknowledgedFindings(egress.app, egress.hub)).toEqual([]);
    expect(unacknowledgedFindings(egress.app, egress.pipeline)).toEqual([]);
    expect(errorAndWarningAnnotations(egress)).toEqual([]);
  });

  it('names its repository after the stack and nothing else physically, so a second deployment can coexist', () => {
    expect(literalPhysicalNames(template)).toEqual(['AWS::CodeCommit::Repository.RepositoryName=EgressProxy-HubPipeline-squid-config']);
  });

  it('is a V2 pipeline whose stages run Source, Build, Deploy in that order', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { PipelineType: 'V2' });
    const stages = pipelineStages(template);
    expect(stages.map((stage) => stage.Name)).toEqual(['Source', 'Build', 'Deploy']);
    expect(stages.map((stage) => stage.Actions[0]?.ActionTypeId.Provider)).toEqual(['CodeCommit', 'CodeBuild', 'ECS']);
  });

  it('skips the rollout when the build says the service already runs the image (a policy-only commit)', () => {
    const [, build, deploy] = pipelineStages(template);
    expect(build?.Actions[0]).toEqual(expect.objectContaining({ Namespace: 'BuildImage' }));
    expect((deploy as unknown as { BeforeEntry?: unknown }).BeforeEntry).toEqual({
      Conditions: [
        {
          Result: 'SKIP',
          Rules: [
            expect.objectContaining({
              RuleTypeId: expect.objectContaining({ Provider: 'VariableCheck' }) as unknown,
              Configuration: { Variable: '#{BuildImage.IMAGE_CHANGED}', Value: 'true', Operator: 'EQ' },
            }),
          ],
        },
      ],
    });
  });

  it('deploys the image named in imagedefinitions.json to the hub service', () => {
    const deploy = pipelineStages(template)[2]?.Actions[0];
    expect(deploy?.Configuration).toEqual(
      expect.objectContaining({ FileName: 'imagedefinitions.json', ServiceName: expect.anything() as unknown, ClusterName: expect.anything() as unknown }),
    );
  });

  it('creates its own repository and starts on pushes to the branch through an EventBridge rule', () => {
    template.resourceCountIs('AWS::CodeCommit::Repository', 1);
    expect(pipelineStages(template)[0]?.Actions[0]?.Configuration).toEqual(
      expect.objectContaining({ BranchName: 'main', PollForSourceChanges: false }),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.codecommit'], detail: Match.objectLike({ referenceName: ['main'] }) }),
    });
  });

  it('builds in privileged mode from squid-config/buildspec.yml with the variables the buildspec requires', () => {
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Source: { Type: 'CODEPIPELINE', BuildSpec: SQUID_CONTRACT.buildspecPath },
      EncryptionKey: Match.anyValue(),
      Environment: Match.objectLike({
        PrivilegedMode: true,
        EnvironmentVariables: Match.arrayWith([
          Match.objectLike({ Name: 'REPOSITORY_URI' }),
          { Name: 'CONTAINER_NAME', Type: 'PLAINTEXT', Value: SQUID_CONTRACT.containerName },
          { Name: 'HUB_VPC_CIDR', Type: 'PLAINTEXT', Value: '10.0.0.0/16' },
        ]),
      }),
      LogsConfig: { CloudWatchLogs: Match.objectLike({ Status: 'ENABLED' }) },
    });
  });

  it('publishes the policy bundle to the Hub stack\'s policy store, and may write nothing else there', () => {
    const store = egress.hub.policyStore.bucket.node.defaultChild as CfnBucket;
    const storeName = (Template.fromStack(egress.hub).toJSON() as { Resources: Record<string, { Properties: { BucketName?: string } }> }).Resources[egress.hub.getLogicalId(store)]?.Properties.BucketName;

    expect(storeName).toEqual(expect.any(String));
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({
        EnvironmentVariables: Match.arrayWith([{ Name: SQUID_CONTRACT.policyBucketVariable, Type: 'PLAINTEXT', Value: storeName }]),
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'PublishPolicyBundle',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${storeName ?? ''}/policies/bundle.json`]] },
          }),
        ]),
      },
    });
  });

  it('lets the build push to and describe images in the repository', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['ecr:InitiateLayerUpload', 'ecr:PutImage']) }),
          Match.objectLike({ Action: 'ecr:DescribeImages' }),
        ]),
      },
    });
  });

  it('refers to the Hub stack by strong references (Fn::ImportValue), never Fn::GetStackOutput (cfn-lint E1022 inside Fn::Split)', () => {
    const json = template.toJSON() as Record<string, unknown>;
    expect(pathsOf(json, 'Fn::GetStackOutput')).toEqual([]);
    // The repository, the cluster and the service all come from the Hub stack: through its exports.
    expect(pathsOf(json, 'Fn::ImportValue').length).toBeGreaterThan(0);
    const exports = Object.values((Template.fromStack(egress.hub).toJSON() as { Outputs?: Record<string, { Export?: unknown }> }).Outputs ?? {});
    expect(exports.filter((output) => output.Export !== undefined).length).toBeGreaterThan(0);
  });

  it('keeps artifacts in a KMS-encrypted, private bucket that refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('hub pipeline stack with a CodeConnections source', () => {
  let egress: HubTestApp;
  let template: Template;

  beforeAll(() => {
    egress = buildHubTestApp(CODECONNECTIONS_CONTEXT);
    template = Template.fromStack(egress.pipeline);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged, and has no warnings', () => {
    expect(unacknowledgedFindings(egress.app, egress.hub)).toEqual([]);
    expect(unacknowledgedFindings(egress.app, egress.pipeline)).toEqual([]);
    expect(errorAndWarningAnnotations(egress)).toEqual([]);
  });

  it('reads the configured repository through the connection', () => {
    expect(pipelineStages(template)[0]?.Actions[0]).toEqual(
      expect.objectContaining({
        ActionTypeId: expect.objectContaining({ Provider: 'CodeStarSourceConnection' }) as unknown,
        Configuration: expect.objectContaining({
          ConnectionArn: CODECONNECTIONS_CONTEXT.connectionArn,
          FullRepositoryId: 'platform-team/egress-proxy',
          BranchName: 'main',
        }) as unknown,
      }),
    );
    template.resourceCountIs('AWS::CodeCommit::Repository', 0);
  });

  it('may use the connection under both IAM prefixes, since the ARN prefix decides which one applies', () => {
    for (const action of ['codeconnections:UseConnection', 'codestar-connections:UseConnection']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: action, Resource: CODECONNECTIONS_CONTEXT.connectionArn })]),
        },
      });
    }
  });

  it('starts only on pushes to the branch that touch squid-config', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Triggers: [
        {
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: {
            SourceActionName: 'Source',
            Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Includes: ['squid-config/**'] } }],
          },
        },
      ],
    });
  });
});
