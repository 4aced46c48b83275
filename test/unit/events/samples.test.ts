/**
 * Every sample event against both halves of the contract: which rules match it (patterns.ts through the
 * local matcher) and what its parser says. The two must agree: a matched event parses to a scope (or is
 * dead-lettered as malformed), and what the rules exclude is exactly what the parsers would ignore.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildRoutes, type Route } from '../../../events/routes';
import {
  MalformedEventError,
  parseAccountReconcileRequestedEvent,
  parseConnectionNotification,
  parseEndpointCreatedEvent,
  parseOrganizationsEvent,
  parseReconcilerInput,
  parseTagChangeEvent,
} from '../../../events/schemas';
import { sample, SAMPLES, type SampleName } from '../../../events/samples';
import { compilePattern } from '../../../local/bus/pattern-matcher';

// The samples' own accounts: the management account sends Organizations events, the hub its control-plane events.
const routes = buildRoutes({ accounts: { hub: '222222222222', management: '111111111111' } });

function matchingRouteIds(event: unknown): string[] {
  return routes.filter((route: Route) => compilePattern(route.pattern)(event)).map((route) => route.id);
}

const ORG_RULES = ['ForwardOrganizationMembershipEvents', 'OnboardAccounts'];
const TAG_RULES = ['ForwardVpcProxyTagChanges', 'OnboardVpcs'];

const parsers: Record<string, (input: unknown) => unknown> = {
  organizations: parseOrganizationsEvent,
  tags: (input) => parseTagChangeEvent(input),
  'control-plane': parseEndpointCreatedEvent,
  'fan-out': parseAccountReconcileRequestedEvent,
  sns: parseConnectionNotification,
  reconciler: (input) => parseReconcilerInput(input, 'request-1'),
};

function parse(name: SampleName): unknown {
  const parser = parsers[name.split('/')[0] ?? ''];
  if (!parser) throw new Error(`no parser for ${name}`);
  return parser(sample(name));
}

describe('sample events', () => {
  it('lists every JSON file under events/samples in the index', () => {
    // Prepare
    const root = join(__dirname, '../../../events/samples');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
      );

    // Act
    const files = walk(root).map((file) => relative(root, file).replace(/\.json$/, ''));

    // Assess
    expect(Object.keys(SAMPLES).sort()).toEqual(files.sort());
  });

  it.each<[SampleName, string[], unknown]>([
    [
      'organizations/create-account-result-succeeded',
      ORG_RULES,
      { kind: 'account', accountId: '444444444444', trigger: 'CreateAccountResult', claimedChange: 'joined' },
    ],
    ['organizations/create-account-result-failed', [], { kind: 'ignored', reason: 'account creation FAILED (EMAIL_ALREADY_EXISTS)' }],
    ['organizations/create-account-in-progress', [], { kind: 'ignored', reason: 'CreateAccount does not change membership' }],
    [
      'organizations/account-joined-organization',
      ORG_RULES,
      { kind: 'account', accountId: '444444444444', trigger: 'AccountJoinedOrganization', claimedChange: 'joined' },
    ],
    [
      'organizations/account-joined-organization-invited',
      ORG_RULES,
      { kind: 'account', accountId: '555555555555', trigger: 'AccountJoinedOrganization' },
    ],
    [
      'organizations/accept-handshake',
      ORG_RULES,
      { kind: 'account', accountId: '555555555555', trigger: 'AcceptHandshake', claimedChange: 'joined' },
    ],
    [
      'organizations/remove-account-from-organization',
      ORG_RULES,
      { kind: 'account', accountId: '333333333333', trigger: 'RemoveAccountFromOrganization', claimedChange: 'left' },
    ],
    [
      'organizations/remove-account-from-organization-failed-call',
      ORG_RULES,
      { kind: 'ignored', reason: 'RemoveAccountFromOrganization failed with ConstraintViolationException' },
    ],
    [
      'organizations/leave-organization',
      ORG_RULES,
      { kind: 'account', accountId: '666666666666', trigger: 'LeaveOrganization', claimedChange: 'left' },
    ],
    [
      'organizations/close-account',
      ORG_RULES,
      { kind: 'account', accountId: '777777777777', trigger: 'CloseAccount', claimedChange: 'left' },
    ],
    [
      'tags/vpc-proxy-tag-added',
      TAG_RULES,
      { kind: 'vpc', accountId: '333333333333', region: 'eu-west-2', vpcId: 'vpc-0a1b2c3d4e5f60718' },
    ],
    [
      'tags/vpc-proxy-tag-removed',
      TAG_RULES,
      { kind: 'vpc', accountId: '333333333333', vpcId: 'vpc-0a1b2c3d4e5f60718', changedTagKeys: ['egress-proxy'] },
    ],
    ['tags/vpc-other-tag-changed', [], { kind: 'ignored', reason: 'changed tags CostCentre include neither egress-proxy nor egress-proxy-policy' }],
    ['tags/subnet-proxy-tag-added', [], { kind: 'ignored', reason: 'tag change on ec2 subnet, not a VPC' }],
    [
      'control-plane/endpoint-created',
      ['AcceptCreatedEndpoints'],
      {
        kind: 'endpoint',
        accountId: '333333333333',
        region: 'eu-west-2',
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        vpcEndpointId: 'vpce-0123456789abcdef0',
        serviceId: 'vpce-svc-0fedcba9876543210',
      },
    ],
    [
      'sns/connection-notification',
      [],
      {
        kind: 'connections',
        topicArn: 'arn:aws:sns:eu-west-2:222222222222:egress-endpoint-connections',
        serviceId: 'vpce-svc-0fedcba9876543210',
        vpcEndpointId: 'vpce-0123456789abcdef0',
        eventId: '6a9b3c5d-0e2f-5b8a-9ce1-1f3e9a0dce42',
      },
    ],
    ['reconciler/scheduled-event', [], { kind: 'organization', trigger: 'schedule', dryRun: false, fanOut: true }],
    ['reconciler/manual-fan-out', [], { kind: 'organization', trigger: 'manual', dryRun: false, fanOut: true, eventId: 'request-1' }],
    [
      'reconciler/continuation-requested',
      ['ContinueReconcile'],
      {
        kind: 'organization',
        trigger: 'continuation',
        dryRun: false,
        fanOut: true,
        eventId: '0e4a6b8c-3d5e-4f70-9a1b-2c3d4e5f6071',
        continuation: { runId: '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064', afterAccountId: '444444444444' },
      },
    ],
    [
      'fan-out/account-reconcile-requested',
      ['ReconcileAccounts'],
      {
        kind: 'account-reconcile',
        accountId: '333333333333',
        runId: '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064',
        eventId: '7b2e4c6d-1f3a-4b5c-8d9e-0a1b2c3d4e5f',
      },
    ],
    ['reconciler/manual-dry-run', [], { kind: 'organization', trigger: 'manual', dryRun: true, fanOut: false, eventId: 'request-1' }],
    [
      'reconciler/manual-apply-accounts',
      [],
      { kind: 'organization', trigger: 'manual', dryRun: false, accountIds: ['333333333333', '444444444444'] },
    ],
  ])('%s: matches %j and parses to the right scope', (name, expectedRoutes, expectedScope) => {
    // Act
    const matched = matchingRouteIds(sample(name));
    const scope = parse(name);

    // Assess
    expect(matched).toEqual(expectedRoutes);
    expect(scope).toMatchObject(expectedScope as object);
  });

  it.each<[SampleName, string[], string]>([
    [
      'organizations/malformed-create-account-result-missing-account-id',
      ORG_RULES,
      'CreateAccountResult carries no 12-digit account id (looked in detail.serviceEventDetails.createAccountStatus.accountId)',
    ],
    ['organizations/malformed-account-joined-organization-no-account', ORG_RULES, 'AccountJoinedOrganization carries no 12-digit account id'],
    ['organizations/malformed-remove-account-bad-account-id', ORG_RULES, 'RemoveAccountFromOrganization carries no 12-digit account id'],
    ['tags/malformed-vpc-tag-no-resources', TAG_RULES, 'resources: expected the ARN of the changed resource'],
    ['tags/malformed-vpc-tag-arn-in-other-account', TAG_RULES, "is not in the event's account 333333333333"],
    ['control-plane/malformed-endpoint-created-no-endpoint', ['AcceptCreatedEndpoints'], 'detail.vpcEndpointId'],
    ['sns/malformed-notification-no-topic', [], 'TopicArn'],
    ['reconciler/malformed-manual-input', [], 'dryRun: Invalid input: expected boolean'],
    ['reconciler/malformed-continuation-no-cursor', ['ContinueReconcile'], 'detail.afterAccountId'],
    ['fan-out/malformed-account-reconcile-requested-bad-account', ['ReconcileAccounts'], 'detail.accountId: expected a 12-digit account id'],
  ])('%s: is routed as %j and rejected with a reason', (name, expectedRoutes, reason) => {
    // Act
    const matched = matchingRouteIds(sample(name));

    // Assess
    expect(matched).toEqual(expectedRoutes);
    expect(() => parse(name)).toThrow(MalformedEventError);
    expect(() => parse(name)).toThrow(reason);
  });
});
