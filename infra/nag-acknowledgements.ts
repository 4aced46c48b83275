import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
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
