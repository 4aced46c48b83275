/**
 * The route and queue definitions obey the limits AWS enforces when CDK deploys them, and the topology
 * is complete: every hub queue is fed, every forward lands on the hub bus.
 */
import { CONTROL_PLANE_SOURCE, vpcProxyTagChangePattern } from '../../../events/patterns';
import { sample, type SampleName } from '../../../events/samples';
import { buildRoutes, QUEUE_NAMES, QUEUES, RECONCILER_SCHEDULE, routesOn } from '../../../events/routes';
import { compilePattern, scheduleIntervalSeconds } from '../../../local/bus';

const HUB = '222222222222';
const MANAGEMENT = '111111111111';
const MEMBER = '333333333333';

describe('routes', () => {
  const routes = buildRoutes({ accounts: { hub: HUB, management: MANAGEMENT } });
  const matchingRouteIds = (event: unknown) => routes.filter((route) => compilePattern(route.pattern)(event)).map((route) => route.id);

  it('compile as valid EventBridge patterns with unique ids', () => {
    for (const route of routes) expect(() => compilePattern(route.pattern)).not.toThrow();
    expect(new Set(routes.map((route) => route.id)).size).toBe(routes.length);
  });

  it('forward only from default buses, and feed every hub queue from the hub bus', () => {
    expect(routesOn(routes, 'management-default').map((r) => r.target)).toEqual([{ kind: 'hub-bus' }]);
    expect(routesOn(routes, 'spoke-default').map((r) => r.target)).toEqual([{ kind: 'hub-bus' }]);
    const fed = routesOn(routes, 'hub').flatMap((route) => (route.target.kind === 'queue' ? [route.target.queue] : []));
    expect(fed.sort()).toEqual([...QUEUE_NAMES].sort());
  });

  it("send the reconciler's continuation back to the reconciler, and only that", () => {
    const invoking = routes.filter((route) => route.target.kind === 'function');
    expect(invoking.map((route) => [route.id, route.bus, route.target])).toEqual([
      ['ContinueReconcile', 'hub', { kind: 'function', function: 'reconciler' }],
    ]);
    expect(compilePattern(invoking[0]!.pattern)({ source: CONTROL_PLANE_SOURCE, 'detail-type': 'Account Reconcile Requested', account: HUB })).toBe(false);
  });

  it('forward exactly what the hub rules consume', () => {
    const hubPatterns = routesOn(routes, 'hub').map((route) => JSON.stringify(route.pattern));
    for (const forward of [...routesOn(routes, 'management-default'), ...routesOn(routes, 'spoke-default')]) {
      expect(hubPatterns).toContain(JSON.stringify(forward.pattern));
    }
  });

  it.each<[SampleName, string]>([
    ['control-plane/endpoint-created', 'AcceptCreatedEndpoints'],
    ['fan-out/account-reconcile-requested', 'ReconcileAccounts'],
    ['reconciler/continuation-requested', 'ContinueReconcile'],
  ])("take the control plane's own %s only from the hub account", (name, ruleId) => {
    // Prepare
    const fromHub = { ...(sample(name) as object), account: HUB };
    const fromMember = { ...fromHub, account: MEMBER };

    // Act / Assess
    expect(matchingRouteIds(fromHub)).toEqual([ruleId]);
    expect(matchingRouteIds(fromMember)).toEqual([]);
  });

  it('take Organizations events only from the management account, on its bus and on the hub bus', () => {
    const fromManagement = { ...(sample('organizations/close-account') as object), account: MANAGEMENT };
    const fromMember = { ...fromManagement, account: MEMBER };

    expect(matchingRouteIds(fromManagement)).toEqual(['ForwardOrganizationMembershipEvents', 'OnboardAccounts']);
    expect(matchingRouteIds(fromMember)).toEqual([]);
  });

  it.each([[{ hub: '2222', management: MANAGEMENT }], [{ hub: HUB, management: '' }]])('refuse account ids that are not 12 digits: %j', (accounts) => {
    expect(() => buildRoutes({ accounts })).toThrow('must be 12 digits');
  });

  it('use a custom event source that AWS accepts from PutEvents', () => {
    expect(CONTROL_PLANE_SOURCE.startsWith('aws.')).toBe(false);
  });

  it.each([[''], ['aws:cloudformation:stack-name'], ['x'.repeat(129)]])('reject the proxy tag key %j', (key) => {
    expect(() => vpcProxyTagChangePattern(key)).toThrow('proxy tag key');
    expect(() => buildRoutes({ proxyTagKey: key, accounts: { hub: HUB, management: MANAGEMENT } })).toThrow('proxy tag key');
  });
});

describe('queue definitions', () => {
  it.each(QUEUE_NAMES)('%s respects the SQS event source and redrive limits', (name) => {
    const queue = QUEUES[name];
    expect(queue.name).toBe(name);
    expect(queue.batchSize).toBeGreaterThanOrEqual(1);
    expect(queue.batchSize).toBeLessThanOrEqual(10_000);
    // More than 10 messages per batch requires a batching window of at least one second.
    expect(queue.batchSize <= 10 || queue.batchingWindowSeconds >= 1).toBe(true);
    // A FIFO queue (message groups) takes at most 10 messages per batch and no batching window.
    const fifo = queue.messageGroups !== undefined;
    expect(!fifo || (queue.batchSize <= 10 && queue.batchingWindowSeconds === 0)).toBe(true);
    expect(queue.batchingWindowSeconds).toBeLessThanOrEqual(300);
    expect(queue.maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(queue.maxConcurrency).toBeLessThanOrEqual(1000);
    expect(queue.maxReceiveCount).toBeGreaterThanOrEqual(1);
    expect(queue.maxReceiveCount).toBeLessThanOrEqual(1000);
    // The event source mapping refuses a queue whose visibility timeout is below the function timeout.
    expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(queue.functionTimeoutSeconds);
    expect(queue.visibilityTimeoutSeconds).toBeLessThanOrEqual(43_200);
  });

  it("group the VPC onboarding queue by the sending account, deduplicating EventBridge's repeats of one event", () => {
    expect(QUEUE_NAMES.filter((name) => QUEUES[name].messageGroups !== undefined)).toEqual(['vpc-onboarding']);
    expect(QUEUES['vpc-onboarding'].messageGroups).toMatchObject({ groupIdPath: '$.body.account', deduplicationIdPath: '$.body.id' });
    // The event reaches the queue whole, as the value of one field: a bare <$.body> would lose its inner quotes.
    expect(QUEUES['vpc-onboarding'].messageGroups?.inputTemplate).toBe('{"event": <$.body>}');
  });

  it('subscribe only the acceptance queue to connection notifications', () => {
    expect(QUEUE_NAMES.filter((name) => QUEUES[name].subscribesToConnectionNotifications)).toEqual(['connection-acceptance']);
  });
});

describe('reconciler schedule', () => {
  it('is a rate expression the local bus can run', () => {
    expect(scheduleIntervalSeconds(RECONCILER_SCHEDULE.expression)).toBe(3600);
  });

  it.each([
    ['rate(5 minutes)', 300],
    ['rate(1 day)', 86_400],
  ])('reads %s', (expression, seconds) => {
    expect(scheduleIntervalSeconds(expression)).toBe(seconds);
  });

  it.each([['cron(0 * * * ? *)'], ['rate(0 hours)'], ['rate(1 hours)'], ['rate(2 hour)']])('rejects %s', (expression) => {
    expect(() => scheduleIntervalSeconds(expression)).toThrow(expression);
  });
});
