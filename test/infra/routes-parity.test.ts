/**
 * The rules CDK deploys must be the rules the local bus runs: both come from events/routes.ts, and this
 * pins that the synthesized EventPattern JSON and targets are exactly the route definitions.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { buildRoutes, routesOn, type Route } from '../../events/routes';
import type { EgressApp } from '../../infra/app';
import { buildControlPlaneTestApp, logicalIdOf, resourceOf } from './control-plane-app';

const PROXY_TAG_KEY = 'team-egress';
const HUB_BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-2:222222222222:event-bus/EgressProxy-egress-control-plane']] };
/** The hub and management accounts of cdk.json, which the test app deploys with. */
const ACCOUNTS = { hub: '222222222222', management: '111111111111' };

interface RuleJson {
  readonly EventPattern: unknown;
  readonly EventBusName?: unknown;
  readonly Targets: { Arn: unknown }[];
}

function rulesOf(template: Template): RuleJson[] {
  const resources = (template.toJSON() as { Resources: Record<string, { Type: string; Properties: RuleJson }> }).Resources;
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern !== undefined)
    .map((r) => r.Properties);
}

describe('routes parity: CDK rules = events/routes.ts', () => {
  let egress: EgressApp;
  // A non-default tag key proves the configured key reaches both the CDK rules and the routes.
  const routes = buildRoutes({ proxyTagKey: PROXY_TAG_KEY, accounts: ACCOUNTS });

  beforeAll(() => {
    egress = buildControlPlaneTestApp({ proxyTagKey: PROXY_TAG_KEY });
  });

  it('defines a rule for every route on every bus', () => {
    expect(routesOn(routes, 'hub').length + routesOn(routes, 'spoke-default').length + routesOn(routes, 'management-default').length).toBe(
      routes.length,
    );
  });

  it('puts exactly the hub routes on the hub bus, each into its queue or function', () => {
    const stack = egress.controlPlane.controlPlane;
    const template = Template.fromStack(stack);
    const hubRoutes = routesOn(routes, 'hub');
    const expected = hubRoutes.map((route: Route) => {
      const { target } = route;
      if (target.kind === 'hub-bus') throw new Error(`${route.id} should target a queue or a function`);
      const targetConstruct = target.kind === 'queue' ? stack.queues[target.queue].ruleTarget.queue : stack.functions[target.function].function;
      return {
        EventPattern: route.pattern,
        EventBusName: { Ref: logicalIdOf(stack.bus.bus) },
        Targets: [{ Arn: { 'Fn::GetAtt': [logicalIdOf(targetConstruct), 'Arn'] } }],
      };
    });
    // Rules on the account's default bus (the data plane's pipeline alarm) are not routes.
    const actual = rulesOf(template).filter((rule) => rule.EventBusName !== undefined).map((rule) => ({
      EventPattern: rule.EventPattern,
      EventBusName: rule.EventBusName,
      Targets: rule.Targets.map((t) => ({ Arn: t.Arn })),
    }));
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual).toHaveLength(expected.length);
    for (const route of hubRoutes) expect(resourceOf(template, stack.rules[route.id]!).Properties.EventPattern).toEqual(route.pattern);
  });

  it.each([
    ['spoke-default', (e: EgressApp) => e.controlPlane.spokeTemplate],
    ['management-default', (e: EgressApp) => e.controlPlane.management],
  ] as const)('forwards exactly the %s routes to the hub bus from the default bus', (bus, stackOf) => {
    const rules = rulesOf(Template.fromStack(stackOf(egress)));
    expect(rules).toEqual(
      routesOn(routes, bus).map((route) => {
        expect(route.target).toEqual({ kind: 'hub-bus' });
        return expect.objectContaining({ EventPattern: route.pattern, Targets: [expect.objectContaining({ Arn: HUB_BUS_ARN })] }) as unknown;
      }),
    );
    for (const rule of rules) expect(rule.EventBusName).toBeUndefined();
  });

  it('filters VPC tag changes on the configured proxy tag key and the policy tag key', () => {
    const spokeRule = rulesOf(Template.fromStack(egress.controlPlane.spokeTemplate))[0];
    expect(spokeRule?.EventPattern).toMatchObject({ detail: { 'changed-tag-keys': [PROXY_TAG_KEY, 'egress-proxy-policy'] } });
  });
});
