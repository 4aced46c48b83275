import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 reports each IAM wildcard as its own finding ("AwsSolutions-IAM5[Action::s3:List*]") and
 * needs each acknowledged by that exact id. This acknowledges a listed set on a construct (which covers
 * the roles below it), so every wildcard we accept is named in code next to its reason.
 */
export function acknowledgeIamWildcards(scope: IConstruct, findings: readonly string[], reason: string): void {
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** How cdk-nag writes a reference to a resource attribute inside a finding id: `<LogicalId.Attr>`. */
export function nagReference(resource: CfnResource, attribute: string): string {
  const stack = Stack.of(resource);
  return `<${String(stack.resolve(stack.getLogicalId(resource)))}.${attribute}>`;
}

/** How cdk-nag writes a direct Ref to a resource inside a finding id: `<LogicalId>`. */
export function nagRef(resource: CfnResource): string {
  const stack = Stack.of(resource);
  return `<${String(stack.resolve(stack.getLogicalId(resource)))}>`;
}

/**
 * The wildcards CodeBuild's generated role always carries: its log streams and report groups are named
 * at run time, so the grants end in a wildcard, limited to this project's name.
 */
export function acknowledgeCodeBuildWildcards(project: codebuild.Project): void {
  const stack = Stack.of(project);
  const name = nagRef(project.node.defaultChild as CfnResource);
  acknowledgeIamWildcards(
    project,
    [
      `Resource::arn:<AWS::Partition>:codebuild:${stack.region}:${stack.account}:report-group/${name}-*`,
      `Resource::arn:<AWS::Partition>:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/${name}:*`,
    ],
    'CodeBuild names report groups and log streams at run time; the patterns are limited to this project.',
  );
}

/** The S3 read actions CDK grants as wildcards (GetObject*, GetBucket*, List*) on one bucket or asset. */
export const S3_READ_WILDCARDS = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'] as const;
