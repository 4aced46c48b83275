/**
 * Who may speak on the hub bus. The control plane's own events (work items, continuations, hand-offs) come only from
 * the hub account, Organizations events only from the management account, VPC tag changes only from members: the
 * bus policy refuses everything else at PutEvents (and at a forwarding rule's delivery), and the hub rules match
 * only the account each kind of event must come from, should the policy ever be widened. Attacks are made as a
 * member or an outsider would make them: with the real SDK, against the hub bus's ARN.
 */
import { DescribeEventBusCommand, EventBridgeClient, PutEventsCommand, PutPermissionCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { TAG_CHANGE_DETAIL_TYPE } from '../../../events/patterns';
import type { BusActivity } from '../../../local/bus';
import { createOutsideAccount, onboardedMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { sampleEvent } from '../support/events';
import { createVpc, tagVpc } from '../support/spoke';

let fx: ControlPlaneFixture;
const clients: EventBridgeClient[] = [];

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await fx?.stop();
});

/** EventBridge as `accountId`, with no retries: a refused entry must show as refused. */
function eventBridgeAs(accountId: string): EventBridgeClient {
  const client = new EventBridgeClient({
    endpoint: fx.cp.cloud.url,
    region: fx.cp.region,
    credentials: { accessKeyId: accountId, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const workItem = (runId: string, accountId: string): PutEventsRequestEntry => ({
  Source: 'egress-control-plane',
  DetailType: 'Account Reconcile Requested',
  Detail: JSON.stringify({ runId, accountId }),
  EventBusName: fx.cp.bus.hubBusArn,
});

const sessionsIn = (accountId: string) => [...fx.cp.cloud.world.sessions.values()].filter((session) => session.accountId === accountId).length;

describe("the control plane's own events", () => {
  let attacker: Member;
  let victim: Member;

  beforeAll(async () => {
    attacker = await onboardedMember(fx, 'attacker');
    victim = await onboardedMember(fx, 'victim');
  });

  it("from a member are refused at the hub bus: a forged work item naming another account reaches neither the queue nor the victim's account", async () => {
    // Prepare
    const runId = `forged-${randomUUID()}`;
    const queued = fx.sent('account-reconcile');
    const victimSessions = sessionsIn(victim.accountId);

    // Act
    const put = await eventBridgeAs(attacker.accountId).send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, () => workItem(runId, victim.accountId)) }));
    await fx.cp.idle();

    // Assess
    expect(put.FailedEntryCount).toBe(10);
    expect(new Set(put.Entries?.map((entry) => entry.ErrorCode))).toEqual(new Set(['AccessDeniedException']));
    expect(fx.sent('account-reconcile')).toBe(queued);
    expect(fx.logs.audits({ correlationId: runId })).toEqual([]);
    expect(sessionsIn(victim.accountId)).toBe(victimSessions);
  });

  it('from a member never invoke the reconciler: a forged continuation is refused', async () => {
    // Prepare
    const invocations = fx.cp.bus.stats().functionTargets.invocations;
    const continuation: PutEventsRequestEntry = {
      Source: 'egress-control-plane',
      DetailType: 'Reconcile Continuation Requested',
      Detail: JSON.stringify({ runId: `forged-${randomUUID()}`, afterAccountId: '000000000000' }),
      EventBusName: fx.cp.bus.hubBusArn,
    };

    // Act
    const put = await eventBridgeAs(attacker.accountId).send(new PutEventsCommand({ Entries: [continuation] }));
    await fx.cp.idle();

    // Assess
    expect(put.Entries?.[0]?.ErrorCode).toBe('AccessDeniedException');
    expect(fx.cp.bus.stats().functionTargets.invocations).toBe(invocations);
  });

  it('match no hub rule unless the hub sent them, even if the bus policy were opened to the whole organization', async () => {
    // Prepare: an operator widens the hub bus policy by mistake (and puts it back afterwards).
    const hub = eventBridgeAs(fx.cp.cloud.world.hubAccountId);
    const { Policy: deployed } = await hub.send(new DescribeEventBusCommand({ Name: fx.cp.bus.hubBusArn }));
    const wide = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AnyoneInTheOrganization',
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: fx.cp.bus.hubBusArn,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': fx.cp.cloud.organization.id } },
        },
      ],
    };
    await hub.send(new PutPermissionCommand({ EventBusName: fx.cp.bus.hubBusArn, Policy: JSON.stringify(wide) }));
    const queued = fx.sent('account-reconcile');
    const runId = `forged-${randomUUID()}`;
    const seen: BusActivity[] = [];
    const stopWatching = fx.cp.bus.onActivity((activity) => seen.push(activity));

    try {
      // Act
      const put = await eventBridgeAs(attacker.accountId).send(new PutEventsCommand({ Entries: [workItem(runId, victim.accountId)] }));
      const eventId = put.Entries?.[0]?.EventId;
      await fx.until('the hub bus received the event', () => seen.some((activity) => activity.type === 'event' && activity.eventId === eventId));
      await fx.cp.idle();

      // Assess: the bus took it, no rule matched it.
      expect(put.FailedEntryCount).toBe(0);
      expect(seen.find((activity) => activity.type === 'event' && activity.eventId === eventId)).toMatchObject({
        bus: { accountId: fx.cp.cloud.world.hubAccountId, name: 'egress-control-plane' },
        matchedRules: [],
      });
      expect(fx.sent('account-reconcile')).toBe(queued);
      expect(fx.logs.audits({ correlationId: runId })).toEqual([]);
    } finally {
      stopWatching();
      await hub.send(new PutPermissionCommand({ EventBusName: fx.cp.bus.hubBusArn, Policy: deployed }));
    }
  });
});

describe('events of AWS services', () => {
  it("are refused from any account's PutEvents: a member cannot pass off a tag change as AWS's", async () => {
    const member = await onboardedMember(fx, 'tag-forger');
    const put = await eventBridgeAs(member.accountId).send(
      new PutEventsCommand({
        Entries: [{ Source: 'aws.tag', DetailType: TAG_CHANGE_DETAIL_TYPE, Detail: '{}', EventBusName: fx.cp.bus.hubBusArn }],
      }),
    );

    expect(put.Entries?.[0]).toEqual({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
  });

  it('of Organizations are refused unless the management account forwards them', async () => {
    // Prepare: a member forwards an Organizations event of its own (say, its LeaveOrganization) to the hub bus.
    const member = await onboardedMember(fx, 'org-forwarder');
    const event = { ...sampleEvent('organizations/remove-account-from-organization'), account: member.accountId };
    const matched = fx.cp.bus.stats().rules.OnboardAccounts ?? 0;

    // Act
    const refusal = fx.putOnHubBus(event);
    await fx.cp.idle();

    // Assess
    expect(refusal).toContain('is not authorized to perform: events:PutEvents');
    expect(fx.cp.bus.stats().rules.OnboardAccounts ?? 0).toBe(matched);
    expect(fx.logs.audits({ correlationId: event.id })).toEqual([]);
  });

  it("of an outsider's VPC tags never reach VPC onboarding, nor make the control plane assume a role in the outsider's account", async () => {
    // Prepare: an account outside the organization tags a VPC and forwards its tag events to the hub bus.
    const outsider = await createOutsideAccount(fx, 'tag-outsider');
    const vpc = await createVpc(outsider.ec2, { name: 'outsider', azIds: SUPPORTED_AZ_IDS });
    const onboarded = fx.cp.bus.stats().rules.OnboardVpcs ?? 0;
    const refused = fx.cp.bus.stats().events.refused;

    // Act
    await tagVpc(outsider.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    await fx.until('the forward is refused', () => fx.cp.bus.stats().events.refused > refused);
    await fx.cp.idle();

    // Assess
    expect(fx.cp.bus.stats().rules.OnboardVpcs ?? 0).toBe(onboarded);
    expect(fx.logs.audits({ vpcId: vpc.vpcId })).toEqual([]);
    expect(sessionsIn(outsider.accountId)).toBe(0);
  });
});

describe('audit records', () => {
  it('name the account that sent the triggering event: the member for its tag change, the management account for a new account, the hub for a fan-out run', async () => {
    // Prepare / Act: a new account (Organizations' event), its tagged VPC (the member's event), a fan-out run (the hub's work items).
    const member = await onboardedMember(fx, 'audited-sender');
    const vpc = await createVpc(member.ec2, { name: 'audited', azIds: SUPPORTED_AZ_IDS });
    await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    await fx.until('the VPC step is audited', () => fx.logs.audits({ vpcId: vpc.vpcId, action: 'vpc.endpoint' }).length > 0);
    const run = (await fx.cp.reconcile({ fanOut: true })) as { runId: string };
    await fx.cp.idle();

    // Assess
    const sendersOf = (records: { senderAccountId?: string }[]) => [...new Set(records.map((record) => record.senderAccountId))];
    const onboarding = fx.logs.audits({ accountId: member.accountId, action: 'endpoint-service.allowed-principal' });
    expect(sendersOf(onboarding)).toEqual([fx.cp.cloud.world.managementAccountId]);
    const vpcStep = fx.logs.audits({ vpcId: vpc.vpcId }).filter((record) => record.correlationId !== run.runId);
    expect(vpcStep.length).toBeGreaterThan(0);
    expect(sendersOf(vpcStep)).toEqual([member.accountId]);
    const perAccount = fx.logs.audits({ correlationId: run.runId, accountId: member.accountId });
    expect(perAccount.length).toBeGreaterThan(0);
    expect(sendersOf(perAccount)).toEqual([fx.cp.cloud.world.hubAccountId]);
  });
});
