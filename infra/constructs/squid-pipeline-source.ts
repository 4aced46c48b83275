import { Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PipelineSourceConfig } from '../config';

export interface SquidPipelineSourceProps {
  readonly source: PipelineSourceConfig;
  /** Glob patterns whose changes start the pipeline, where the source can filter on paths. */
  readonly triggerPaths: readonly string[];
}

/**
 * The pipeline's source action and, where the provider supports it, a trigger limited to the proxy
 * configuration paths.
 *
 * - CodeConnections (GitHub, GitLab, Bitbucket): a CodePipeline V2 trigger filters pushes on the branch
 *   and on `triggerPaths`, so unrelated commits do not rebuild the image.
 * - CodeCommit: V2 triggers do not support it; an EventBridge rule on the branch starts the pipeline on
 *   every push to that branch. Keep the repository for squid-config only, or every commit rebuilds.
 */
export class SquidPipelineSource extends Construct {
  readonly output = new codepipeline.Artifact('Source');
  readonly action: codepipeline.IAction;
  readonly triggers: codepipeline.TriggerProps[];
  /** Set when the stack owns the repository (CodeCommit). */
  readonly repository?: codecommit.Repository;

  constructor(scope: Construct, id: string, props: SquidPipelineSourceProps) {
    super(scope, id);
    const { source } = props;
    if (source.kind === 'codecommit') {
      this.repository = new codecommit.Repository(this, 'Repository', {
        // Derived from the stack name so a second deployment gets its own repository.
        repositoryName: `${Stack.of(this).stackName}-squid-config`,
        description: 'Squid configuration, allowlist and image build for the egress proxy',
      });
      this.action = new actions.CodeCommitSourceAction({
        actionName: 'Source',
        repository: this.repository,
        branch: source.branch,
        output: this.output,
        trigger: actions.CodeCommitTrigger.EVENTS,
      });
      this.triggers = [];
      return;
    }
    // CDK grants codestar-connections:UseConnection only, but IAM matches the action's prefix to the
    // resource ARN's: connections created since 2024 have codeconnections ARNs and need that prefix.
    const role = new iam.Role(this, 'ActionRole', { assumedBy: new iam.AccountRootPrincipal() });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [source.connectionArn] }),
    );
    const action = new actions.CodeStarConnectionsSourceAction({
      actionName: 'Source',
      role,
      connectionArn: source.connectionArn,
      owner: source.owner,
      repo: source.repository,
      branch: source.branch,
      output: this.output,
    });
    this.action = action;
    this.triggers = [
      {
        providerType: codepipeline.ProviderType.CODE_STAR_SOURCE_CONNECTION,
        gitConfiguration: {
          sourceAction: action,
          pushFilter: [{ branchesIncludes: [source.branch], filePathsIncludes: [...props.triggerPaths] }],
        },
      },
    ];
  }
}
