/**
 * EventBridge buses as the local cloud emulates them, through the real SDK: buses are resources (CreateEventBus,
 * DescribeEventBus), each with a resource policy (PutPermission, RemovePermission) that PutEvents is checked against,
 * entry by entry, as AWS answers: a refused entry carries its error code and the others still go through.
 */
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  PutEventsCommand,
  PutPermissionCommand,
  RemovePermissionCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { HUB, MANAGEMENT, REGION, rejectionOf, startHarness, type CloudHarness } from './cloud-harness';

let h: CloudHarness;
/** A member of the organization (joined by invitation) and an account outside it. */
const MEMBER = '333333333333';
const OUTSIDER = '444444444444';
let organizationId: string;
let busCount = 0;

beforeAll(async () => {
  h = await startHarness();
  for (const id of [MEMBER, OUTSIDER]) {
    const created = await fetch(`${h.cloud.url}/_local/accounts`, { method: 'POST', body: JSON.stringify({ id }) });
    if (!created.ok) throw new Error(`creating ${id} failed: ${await created.text()}`);
  }
  const joined = await fetch(`${h.cloud.url}/_local/accounts/${MEMBER}/join-organization`, { method: 'POST' });
  if (!joined.ok) throw new Error(`joining ${MEMBER} failed: ${await joined.text()}`);
  organizationId = h.cloud.organization.id;
});

afterAll(async () => {
  await h?.stop();
});

/** A fresh bus of the hub per test, so policies never leak between tests. */
async function hubBus(policy?: object): Promise<{ name: string; arn: string }> {
  busCount += 1;
  const name = `bus-${busCount}`;
  const { EventBusArn } = await h.eventBridge(HUB).send(new CreateEventBusCommand({ Name: name }));
  if (policy !== undefined) await h.eventBridge(HUB).send(new PutPermissionCommand({ EventBusName: name, Policy: JSON.stringify(policy) }));
  return { name, arn: EventBusArn ?? '' };
}

const entry = (bus: string, overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  Source: 'egress.test',
  DetailType: 'Probe',
  Detail: JSON.stringify({ probe: overrides.DetailType ?? 'Probe' }),
  EventBusName: bus,
  ...overrides,
});

const deliveredTo = (bus: string) => h.events.filter((delivered) => delivered.bus === bus).map((delivered) => delivered.event);

/** Waits until the cloud has handed every accepted event to the sinks (deliveries are asynchronous). */
async function settled(): Promise<void> {
  const metrics = h.cloud.metrics().events;
  while (metrics.delivered < metrics.sent) await new Promise((resolve) => setTimeout(resolve, 5));
}

function organizationPolicy(busArn: string, extra: object[] = []): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OrganizationPutsEvents',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: busArn,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
      ...extra,
    ],
  };
}

describe('event buses as resources', () => {
  it('creates a bus, describes it with its policy, and refuses a second bus of the same name', async () => {
    // Prepare
    const { name, arn } = await hubBus();
    const policy = organizationPolicy(arn);

    // Act
    await h.eventBridge(HUB).send(new PutPermissionCommand({ EventBusName: name, Policy: JSON.stringify(policy) }));
    const described = await h.eventBridge(HUB).send(new DescribeEventBusCommand({ Name: arn }));
    const again = await rejectionOf(h.eventBridge(HUB).send(new CreateEventBusCommand({ Name: name })));

    // Assess
    expect(arn).toBe(`arn:aws:events:${REGION}:${HUB}:event-bus/${name}`);
    expect(described).toMatchObject({ Name: name, Arn: arn });
    expect(JSON.parse(described.Policy ?? '{}')).toEqual(policy);
    expect(again).toMatchObject({ name: 'ResourceAlreadyExistsException', message: `Event bus ${name} already exists.` });
  });

  it('answers a bus it does not know with ResourceNotFoundException, for DescribeEventBus and for each PutEvents entry', async () => {
    // Act
    const described = await rejectionOf(h.eventBridge(HUB).send(new DescribeEventBusCommand({ Name: 'no-such-bus' })));
    const put = await h.eventBridge(HUB).send(new PutEventsCommand({ Entries: [entry('no-such-bus'), entry('default')] }));
    await settled();

    // Assess: the unknown bus's entry failed alone; the default bus always exists.
    expect(described).toMatchObject({ name: 'ResourceNotFoundException', message: 'Event bus no-such-bus does not exist.' });
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries?.[0]).toEqual({ ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' });
    expect(put.Entries?.[1]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(deliveredTo('no-such-bus')).toEqual([]);
  });

  it('refuses sources beginning with "aws." from PutEvents, entry by entry', async () => {
    // Prepare
    const { name } = await hubBus();

    // Act
    const put = await h.eventBridge(HUB).send(
      new PutEventsCommand({ Entries: [entry(name, { Source: 'aws.tag', DetailType: 'Tag Change on Resource' }), entry(name)] }),
    );
    await settled();

    // Assess
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries?.[0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
    expect(deliveredTo(name).map((event) => event.source)).toEqual(['egress.test']);
  });
});

describe('PutEvents against a bus policy', () => {
  it("admits another account only through the bus's policy: the organization's member, not an outsider", async () => {
    // Prepare
    const bare = await hubBus();
    const shared = await hubBus();
    await h.eventBridge(HUB).send(new PutPermissionCommand({ EventBusName: shared.name, Policy: JSON.stringify(organizationPolicy(shared.arn)) }));

    // Act
    const memberToBare = await h.eventBridge(MEMBER).send(new PutEventsCommand({ Entries: [entry(bare.arn)] }));
    const memberToShared = await h.eventBridge(MEMBER).send(new PutEventsCommand({ Entries: [entry(shared.arn)] }));
    const outsiderToShared = await h.eventBridge(OUTSIDER).send(new PutEventsCommand({ Entries: [entry(shared.arn)] }));
    await settled();

    // Assess
    expect(memberToBare.Entries?.[0]).toEqual({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: `User: arn:aws:iam::${MEMBER}:root is not authorized to perform: events:PutEvents on resource: ${bare.arn} because no resource-based policy allows the events:PutEvents action`,
    });
    expect(memberToShared.FailedEntryCount).toBe(0);
    expect(outsiderToShared.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
    expect(deliveredTo(shared.arn).map((event) => event.account)).toEqual([MEMBER]);
    expect(deliveredTo(bare.arn)).toEqual([]);
  });

  it('lets the bus owner put events without a policy', async () => {
    const { name } = await hubBus();

    const put = await h.eventBridge(HUB).send(new PutEventsCommand({ Entries: [entry(name)] }));

    expect(put.FailedEntryCount).toBe(0);
  });

  it('checks each entry against the conditions on events:source and events:detail-type (StringEquals, StringLike)', async () => {
    // Prepare: the member may put only `team.*` sources with the detail type "Report".
    const bus = await hubBus();
    await h.eventBridge(HUB).send(
      new PutPermissionCommand({
        EventBusName: bus.name,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TeamReports',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${MEMBER}:root` },
              Action: 'events:PutEvents',
              Resource: bus.arn,
              Condition: { StringLike: { 'events:source': 'team.*' }, StringEquals: { 'events:detail-type': ['Report', 'Summary'] } },
            },
          ],
        }),
      }),
    );

    // Act
    const put = await h.eventBridge(MEMBER).send(
      new PutEventsCommand({
        Entries: [
          entry(bus.arn, { Source: 'team.billing', DetailType: 'Report' }),
          entry(bus.arn, { Source: 'other.billing', DetailType: 'Report' }),
          entry(bus.arn, { Source: 'team.billing', DetailType: 'Invoice' }),
        ],
      }),
    );

    // Assess
    expect(put.Entries?.map((result) => result.ErrorCode ?? 'ok')).toEqual(['ok', 'AccessDeniedException', 'AccessDeniedException']);
    expect(put.FailedEntryCount).toBe(2);
  });

  it('lets an explicit Deny win over any Allow, even for the bus owner, and a negated condition match a missing key', async () => {
    // Prepare: only the hub may put `egress-control-plane` events; `aws:PrincipalOrgID` is absent for an outsider.
    const bus = await hubBus();
    await h.eventBridge(HUB).send(
      new PutPermissionCommand({
        EventBusName: bus.name,
        Policy: JSON.stringify(
          organizationPolicy(bus.arn, [
            {
              Sid: 'OnlyTheHubPutsControlPlaneEvents',
              Effect: 'Deny',
              Principal: '*',
              Action: 'events:PutEvents',
              Resource: bus.arn,
              Condition: { StringEquals: { 'events:source': 'egress-control-plane' }, StringNotEquals: { 'aws:PrincipalAccount': HUB } },
            },
            {
              Sid: 'NobodyPutsRetiredEvents',
              Effect: 'Deny',
              Principal: '*',
              Action: 'events:PutEvents',
              Resource: bus.arn,
              Condition: { StringEquals: { 'events:detail-type': 'Retired' } },
            },
            {
              Sid: 'NothingFromOutside',
              Effect: 'Deny',
              Principal: '*',
              Action: 'events:*',
              Resource: '*',
              Condition: { StringNotEquals: { 'aws:PrincipalOrgID': organizationId } },
            },
          ]),
        ),
      }),
    );
    const controlPlane = { Source: 'egress-control-plane', DetailType: 'Account Reconcile Requested' };

    // Act
    const fromMember = await h.eventBridge(MEMBER).send(new PutEventsCommand({ Entries: [entry(bus.arn, controlPlane), entry(bus.arn)] }));
    const fromHub = await h.eventBridge(HUB).send(new PutEventsCommand({ Entries: [entry(bus.name, controlPlane)] }));
    const fromManagement = await h.eventBridge(MANAGEMENT).send(new PutEventsCommand({ Entries: [entry(bus.arn, controlPlane)] }));
    const retiredFromHub = await h.eventBridge(HUB).send(new PutEventsCommand({ Entries: [entry(bus.name, { DetailType: 'Retired' })] }));
    const fromOutsider = await h.eventBridge(OUTSIDER).send(new PutEventsCommand({ Entries: [entry(bus.arn)] }));

    // Assess
    expect(fromMember.Entries?.[0]).toEqual({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: `User: arn:aws:iam::${MEMBER}:root is not authorized to perform: events:PutEvents on resource: ${bus.arn} with an explicit deny in a resource-based policy`,
    });
    expect(fromMember.Entries?.[1]?.EventId).toBeDefined();
    expect(fromHub.FailedEntryCount).toBe(0);
    expect(fromManagement.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
    expect(retiredFromHub.Entries?.[0]?.ErrorMessage).toContain('with an explicit deny in a resource-based policy');
    // An outsider has no aws:PrincipalOrgID at all: StringNotEquals holds for the missing key, so the Deny applies.
    expect(fromOutsider.Entries?.[0]?.ErrorMessage).toContain('with an explicit deny in a resource-based policy');
  });

  it('adds and removes single statements with PutPermission and RemovePermission', async () => {
    // Prepare
    const bus = await hubBus();

    // Act: the member's account, by statement id; then the statement is taken back.
    await h.eventBridge(HUB).send(new PutPermissionCommand({ EventBusName: bus.name, Action: 'events:PutEvents', Principal: MEMBER, StatementId: 'member' }));
    const admitted = await h.eventBridge(MEMBER).send(new PutEventsCommand({ Entries: [entry(bus.arn)] }));
    await h.eventBridge(HUB).send(new RemovePermissionCommand({ EventBusName: bus.name, StatementId: 'member' }));
    const removed = await h.eventBridge(MEMBER).send(new PutEventsCommand({ Entries: [entry(bus.arn)] }));

    // Assess
    expect(admitted.FailedEntryCount).toBe(0);
    expect(removed.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
  });

  it('refuses a policy whose conditions it cannot evaluate, naming the operator, instead of ignoring it', async () => {
    const bus = await hubBus();
    const policy = organizationPolicy(bus.arn);
    (policy as { Statement: { Condition: object }[] }).Statement[0]!.Condition = { 'ForAllValues:StringEquals': { 'events:source': 'x' } };

    const refused = await rejectionOf(h.eventBridge(HUB).send(new PutPermissionCommand({ EventBusName: bus.name, Policy: JSON.stringify(policy) })));

    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toContain('ForAllValues:StringEquals');
  });
});
