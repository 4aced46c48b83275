import type { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { EgressApp } from '../../../infra/app';

/** Every AwsSolutions finding that no acknowledgement covers, as "rule at template#logicalId" lines. */
export function unacknowledgedFindings(app: App): string[] {
  // Synthesize first so everything CDK adds late (default policies, grants) is in the tree being checked.
  app.synth();
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.templatePath}#${resource.resourceLogicalId}`),
  );
}

/** No construct in the app's stacks carries an error or warning annotation. */
export function errorAndWarningAnnotations(egress: EgressApp): unknown[] {
  return [egress.hub, egress.pipeline].flatMap((stack) => {
    const annotations = Annotations.fromStack(stack);
    return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())];
  });
}
