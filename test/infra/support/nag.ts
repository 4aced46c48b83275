import type { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { HubTestApp } from './synth-app';

/**
 * Every AwsSolutions finding in `scope` (the app, or one stack) that no acknowledgement covers, as
 * "rule at template#logicalId" lines.
 */
export function unacknowledgedFindings(app: App, scope: App | Stack = app): string[] {
  // Synthesize first so everything CDK adds late (default policies, grants) is in the tree being checked.
  app.synth();
  const report = new AwsSolutionsChecks(app).validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.templatePath}#${resource.resourceLogicalId}`),
  );
}

/** The error and warning annotations on the hub stacks' constructs. */
export function errorAndWarningAnnotations(egress: HubTestApp): unknown[] {
  return [egress.hub, egress.pipeline].flatMap((stack) => {
    const annotations = Annotations.fromStack(stack);
    return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())];
  });
}
