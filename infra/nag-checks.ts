import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * cdk-nag 3 runs as a CDK policy-validation plugin on the whole app: any finding not acknowledged
 * (Validations.of(construct).acknowledge, next to the resource, with a reason) fails synth.
 */
export function addAwsSolutionsChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
