import { Stage } from 'aws-cdk-lib';
import { buildControlPlaneTestApp } from './control-plane-app';

/** Every `arn:aws:` literal in a template, with some context: an ARN that would be wrong in aws-cn or aws-us-gov. */
function literalAwsArns(template: unknown): string[] {
  return JSON.stringify(template).match(/.{0,60}arn:aws:.{0,60}/g) ?? [];
}

/** Paths of Fn::GetStackOutput nested inside an Fn::Split (cfn-lint E1022: a weak reference where a string is needed). */
function weakReferencesInSplit(node: unknown, path = '', inSplit = false): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => weakReferencesInSplit(item, `${path}/${index}`, inSplit));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === 'Fn::GetStackOutput' && inSplit ? [path] : []),
    ...weakReferencesInSplit(value, `${path}/${key}`, inSplit || key === 'Fn::Split'),
  ]);
}

describe('ARNs in the templates', () => {
  it('take their partition from the stack (AWS::Partition), never a literal "arn:aws:", in every stack and the spoke template', () => {
    // Prepare: the default settings carry no ARN of the operator's (allowedPrincipals, connectionArn are empty).
    const egress = buildControlPlaneTestApp();
    const stacks = egress.app.synth().stacks;
    const spoke = Stage.of(egress.controlPlane.spokeTemplate)?.synth().getStackArtifact(egress.controlPlane.spokeTemplate.artifactId);
    // Assess
    expect(stacks.length).toBeGreaterThan(4);
    expect(Object.fromEntries(stacks.map((stack) => [stack.stackName, literalAwsArns(stack.template)]))).toEqual(
      Object.fromEntries(stacks.map((stack) => [stack.stackName, []])),
    );
    expect(literalAwsArns(spoke?.template)).toEqual([]);
  });
});

describe('cross-stack references', () => {
  it('never put a weak reference (Fn::GetStackOutput) inside Fn::Split, in any stack', () => {
    const stacks = buildControlPlaneTestApp().app.synth().stacks;
    expect(Object.fromEntries(stacks.map((stack) => [stack.stackName, weakReferencesInSplit(stack.template)]))).toEqual(
      Object.fromEntries(stacks.map((stack) => [stack.stackName, []])),
    );
  });
});
