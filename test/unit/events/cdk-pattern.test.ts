/** The rule CDK renders carries exactly the pattern the local bus matches. */
import { App, Stack, aws_events as events } from 'aws-cdk-lib';
import { toCdkEventPattern } from '../../../events/cdk-pattern';
import { buildRoutes } from '../../../events/routes';

describe('toCdkEventPattern', () => {
  it('renders every route pattern unchanged, $or included', () => {
    // Prepare
    const stack = new Stack(new App(), 'Patterns');

    for (const route of buildRoutes({ proxyTagKey: 'needs-proxy', accounts: { hub: '222222222222', management: '111111111111' } })) {
      // Act: resolve the CloudFormation property, as synth would write it (without a full synth)
      const rule = new events.Rule(stack, route.id, { eventPattern: toCdkEventPattern(route.pattern) });
      const rendered: unknown = stack.resolve((rule.node.defaultChild as events.CfnRule).eventPattern);

      // Assess
      expect(rendered).toEqual(route.pattern);
    }
  });

  it('refuses fields CDK cannot express at the top level', () => {
    expect(() => toCdkEventPattern({ $or: [{ source: ['a'] }, { source: ['b'] }] })).toThrow('move it under detail');
  });
});
