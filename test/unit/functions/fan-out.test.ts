import {
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  EC2Client,
  ModifyVpcEndpointServicePermissionsCommand,
  RejectVpcEndpointConnectionsCommand,
  type State,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  ListAWSServiceAccessForOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssociateResourceShareCommand, GetResourceShareAssociationsCommand, RAMClient } from '@aws-sdk/client-ram';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { sample } from '../../../events/samples';
import type { FanOutSummary } from '../../../functions/converge/fan-out';
import { reconcilerHandler } from '../../../functions/handlers/reconciler';
import { awsError, lambdaContext, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const stsMock = mockClient(STSClient);
const eventsMock = mockClient(EventBridgeClient);

/** 23 active members (three PutEvents calls: 10, 10, 3), listed out of order, plus one suspended and one excluded. */
const ACTIVE = Array.from({ length: 23 }, (_, i) => String(100000000000 + i));
const SUSPENDED = '555555555555';
const EXCLUDED = '666666666666';
const listed = [...ACTIVE].reverse();

const runtime = () => testRuntime({ EXCLUDED_ACCOUNT_IDS: EXCLUDED });
const withRemaining = (ms: number): Context => ({ ...lambdaContext, getRemainingTimeInMillis: () => ms });

beforeEach(() => {
  ec2Mock.reset();
  orgMock.reset();
  stsMock.reset();
  eventsMock.reset();
  orgMock
    .on(ListRootsCommand)
    .resolves({ Roots: [{ Id: 'r-ab12' }] })
    .on(ListAccountsForParentCommand)
    .resolves({
      Accounts: [...listed.map((Id) => ({ Id, State: 'ACTIVE' as const })), { Id: SUSPENDED, State: 'SUSPENDED' }, { Id: EXCLUDED, State: 'ACTIVE' }],
    })
    .on(ListOrganizationalUnitsForParentCommand)
    .resolves({ OrganizationalUnits: [] });
  ec2Mock
    .on(DescribeVpcEndpointServicePermissionsCommand)
    .resolves({ AllowedPrincipals: [] })
    .on(ModifyVpcEndpointServicePermissionsCommand)
    .resolves({ ReturnValue: true })
    .on(DescribeVpcEndpointConnectionsCommand)
    .resolves({ VpcEndpointConnections: [] });
  eventsMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
});

const putCalls = () => eventsMock.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);
const details = (entries: readonly PutEventsRequestEntry[]) => entries.map((e) => JSON.parse(e.Detail ?? '{}') as Record<string, string>);
const publishedAccounts = () =>
  putCalls()
    .flat()
    .filter((e) => e.DetailType === 'Account Reconcile Requested')
    .map((e) => (JSON.parse(e.Detail ?? '{}') as { accountId: string }).accountId);

describe('reconciler fan-out', () => {
  it('makes the hub-side calls once and publishes one work item per in-scope account, 10 per PutEvents call, in id order', async () => {
    // Prepare
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });
    const scheduled = sample('reconciler/scheduled-event') as { id: string };

    // Act
    const summary = (await handler(scheduled, withRemaining(900_000))) as FanOutSummary;

    // Assess
    expect(putCalls().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(publishedAccounts()).toEqual(ACTIVE);
    for (const entry of putCalls().flat()) {
      expect(entry).toMatchObject({ Source: 'egress-control-plane', DetailType: 'Account Reconcile Requested', EventBusName: 'egress-control-plane' });
    }
    expect(details(putCalls()[0] ?? [])[0]).toEqual({ runId: scheduled.id, accountId: ACTIVE[0], ancestorIds: ['r-ab12'] });
    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyVpcEndpointServicePermissionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointConnectionsCommand, 1);
    // The spoke work is the consumers': the run itself assumes no spoke role.
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(summary).toEqual({
      runId: scheduled.id,
      fanOut: true,
      accounts: { total: 25, inScope: 23 },
      published: 23,
      hubActions: { 'endpoint-service.allow-principal': 23 },
      errorCount: 0,
      errors: [],
    });
  });

  it('carries the warning that RAM sharing with the organization is off in its summary, once per run', async () => {
    // Prepare
    const ramMock = mockClient(RAMClient);
    ramMock.on(GetResourceShareAssociationsCommand).resolves({ resourceShareAssociations: [] }).on(AssociateResourceShareCommand).resolves({});
    orgMock.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });
    const shareArn = 'arn:aws:ram:eu-west-2:222222222222:resource-share/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
    const handler = reconcilerHandler(testRuntime({ EXCLUDED_ACCOUNT_IDS: EXCLUDED, RAM_SHARE_ARN: shareArn }), { continuationMarginMs: 60_000 });

    // Act
    const summary = (await handler(sample('reconciler/scheduled-event'), withRemaining(900_000))) as FanOutSummary;

    // Assess
    ramMock.restore();
    expect(summary.errorCount).toBe(0);
    expect(summary.warnings).toEqual([{ step: 'resource share', reason: expect.stringContaining('not enabled') as string }]);
    expect(orgMock).toHaveReceivedCommandTimes(ListAWSServiceAccessForOrganizationCommand, 1);
  });

  it('fans out a manual { "fanOut": true } under the invocation id', async () => {
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

    const summary = (await handler(sample('reconciler/manual-fan-out'), withRemaining(900_000))) as FanOutSummary;

    expect(summary).toMatchObject({ runId: lambdaContext.awsRequestId, published: 23 });
    expect(details(putCalls()[0] ?? [])[0]).toMatchObject({ runId: lambdaContext.awsRequestId });
  });

  it('hands the rest to a continuation when less than the margin remains, after publishing one call', async () => {
    // Prepare: 30 s left against a 60 s margin.
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });
    const scheduled = sample('reconciler/scheduled-event') as { id: string };

    // Act
    const summary = (await handler(scheduled, withRemaining(30_000))) as FanOutSummary;

    // Assess
    expect(putCalls().map((entries) => entries.length)).toEqual([10, 1]);
    expect(publishedAccounts()).toEqual(ACTIVE.slice(0, 10));
    const [continuation] = putCalls()[1] ?? [];
    expect(continuation).toMatchObject({ Source: 'egress-control-plane', DetailType: 'Reconcile Continuation Requested' });
    expect(JSON.parse(continuation?.Detail ?? '{}')).toEqual({ runId: scheduled.id, afterAccountId: ACTIVE[9] });
    expect(summary).toMatchObject({ published: 10, continuedAfter: ACTIVE[9], errorCount: 0 });
  });

  it('continues after the cursor on the current membership, without repeating the hub-side steps', async () => {
    // Prepare: the continuation of a run that stopped after the 10th account.
    const event = sample('reconciler/continuation-requested') as { detail: { runId: string; afterAccountId: string } };
    event.detail.afterAccountId = ACTIVE[9] ?? '';
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

    // Act
    const summary = (await handler(event, withRemaining(900_000))) as FanOutSummary;

    // Assess: the organization was listed again, and only the accounts after the cursor were published.
    expect(orgMock).toHaveReceivedCommand(ListAccountsForParentCommand);
    expect(publishedAccounts()).toEqual(ACTIVE.slice(10));
    expect(details(putCalls()[0] ?? [])[0]).toEqual({ runId: event.detail.runId, accountId: ACTIVE[10], ancestorIds: ['r-ab12'] });
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(summary).toMatchObject({ runId: event.detail.runId, published: 13, hubActions: {} });
    expect(summary.continuedAfter).toBeUndefined();
  });

  describe('a continuation that cannot list the organization', () => {
    const continuationAt = (cursor: string, retries?: number) => {
      const event = sample('reconciler/continuation-requested') as { detail: Record<string, unknown> };
      event.detail.afterAccountId = cursor;
      if (retries !== undefined) event.detail.retries = retries;
      return event as { detail: { runId: string } };
    };

    beforeEach(() => {
      orgMock.on(ListAccountsForParentCommand).rejects(awsError('TooManyRequestsException'));
    });

    it('hands the same cursor to one new continuation, publishes no work item, and fails so the alarm fires', async () => {
      const event = continuationAt(ACTIVE[9] ?? '');
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

      await expect(handler(event, withRemaining(900_000))).rejects.toThrow(/published 0 account\(s\) with 1 error\(s\): organization: TooManyRequestsException/);

      // Exactly one successor, at the same cursor: the chain goes on and cannot fork.
      expect(publishedAccounts()).toEqual([]);
      expect(putCalls()).toHaveLength(1);
      const [retry] = putCalls()[0] ?? [];
      expect(retry).toMatchObject({ DetailType: 'Reconcile Continuation Requested' });
      expect(JSON.parse(retry?.Detail ?? '{}')).toEqual({ runId: event.detail.runId, afterAccountId: ACTIVE[9], retries: 1 });
    });

    it('counts the retries at one cursor and stops after the last one, publishing nothing', async () => {
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

      await expect(handler(continuationAt(ACTIVE[9] ?? '', 2), withRemaining(900_000))).rejects.toThrow(/TooManyRequestsException/);
      expect(putCalls().map((entries) => details(entries)[0]?.retries)).toEqual([3]);

      eventsMock.resetHistory();
      await expect(handler(continuationAt(ACTIVE[9] ?? '', 3), withRemaining(900_000))).rejects.toThrow(/TooManyRequestsException/);
      expect(putCalls()).toEqual([]);
    });

    it('a continuation that succeeds after a retry starts its own successor from zero retries', async () => {
      orgMock.on(ListAccountsForParentCommand).resolves({ Accounts: listed.map((Id) => ({ Id, State: 'ACTIVE' as const })) });
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

      const summary = (await handler(continuationAt(ACTIVE[9] ?? '', 2), withRemaining(30_000))) as FanOutSummary;

      expect(summary).toMatchObject({ published: 10, continuedAfter: ACTIVE[19], errorCount: 0 });
      expect(details(putCalls()[1] ?? [])[0]).toEqual({ runId: '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064', afterAccountId: ACTIVE[19] });
    });

    it('the scheduled invocation whose walk fails before any batch went out just fails: the next schedule runs again', async () => {
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

      await expect(handler(sample('reconciler/scheduled-event'), withRemaining(900_000))).rejects.toThrow(/TooManyRequestsException/);

      expect(putCalls()).toEqual([]);
    });
  });

  it('refuses a continuation that another account put on the hub bus, publishing nothing', async () => {
    // Prepare: the bus admits the whole organization; EventBridge stamps the sender's account on the event.
    const event = { ...(sample('reconciler/continuation-requested') as object), account: '999999999999' };
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

    await expect(handler(event, withRemaining(900_000))).rejects.toThrow(/sent by account 999999999999, not by the control plane's account/);

    expect(eventsMock).not.toHaveReceivedCommand(PutEventsCommand);
    expect(orgMock.calls()).toHaveLength(0);
  });

  it('publishes every work item and then fails when a hub-side step failed', async () => {
    ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).rejects(awsError('RequestLimitExceeded'));
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

    await expect(handler(sample('reconciler/scheduled-event'), withRemaining(900_000))).rejects.toThrow(
      /published 23 account\(s\) with 1 error\(s\): organization: RequestLimitExceeded/,
    );

    expect(publishedAccounts()).toEqual(ACTIVE);
  });

  it('names the accounts whose work items EventBridge refused, and fails after publishing the rest', async () => {
    let call = 0;
    eventsMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const refuse = call++ === 0 ? 2 : -1;
      const entries = input.Entries.map((_, i) => (i === refuse ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e${i}` }));
      return { FailedEntryCount: refuse < 0 ? 0 : 1, Entries: entries };
    });
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

    await expect(handler(sample('reconciler/scheduled-event'), withRemaining(900_000))).rejects.toThrow(
      `published 22 account(s) with 1 error(s): ${ACTIVE[2]}: work item not published: InternalFailure: try again`,
    );

    expect(putCalls().map((entries) => entries.length)).toEqual([10, 10, 3]);
  });

  describe('while it walks the organization', () => {
    /** Which calls reached AWS, in order across the clients: a principal must be allowed before its work item. */
    let order: string[];
    /** The service's permissions as EC2 keeps them: what a call adds, a later describe lists. */
    let allowed: Set<string>;

    beforeEach(() => {
      order = [];
      // The root's accounts in three pages of ten: 10 + 10 in scope, then 3 with the suspended and the excluded one.
      const pages = [listed.slice(0, 10), listed.slice(10, 20), [...listed.slice(20), SUSPENDED, EXCLUDED]];
      orgMock.on(ListAccountsForParentCommand).callsFake(async (input: { NextToken?: string }) => {
        const page = Number(input.NextToken ?? '0');
        // The last page answers only once the first batch is out (Organizations' rate makes the walk the slow part):
        // a fan-out that waited for the whole walk before publishing would never finish here.
        for (let tick = 0; page === 2 && !order.includes('publish 10') && tick < 1000; tick++) await new Promise(setImmediate);
        order.push(`list ${page}`);
        const Accounts = (pages[page] ?? []).map((Id) => ({ Id, State: Id === SUSPENDED ? ('SUSPENDED' as const) : ('ACTIVE' as const) }));
        return page + 1 < pages.length ? { Accounts, NextToken: String(page + 1) } : { Accounts };
      });
      allowed = new Set<string>();
      ec2Mock.on(DescribeVpcEndpointServicePermissionsCommand).callsFake(() => ({ AllowedPrincipals: [...allowed].map((Principal) => ({ Principal })) }));
      ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).callsFake((input: { AddAllowedPrincipals?: string[] }) => {
        order.push(`allow ${input.AddAllowedPrincipals?.length ?? 0}`);
        for (const principal of input.AddAllowedPrincipals ?? []) allowed.add(principal);
        return { ReturnValue: true };
      });
      eventsMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
        order.push(`publish ${input.Entries.length}`);
        return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) };
      });
    });

    it('publishes each batch of in-scope accounts after allowing their principals, the rest after the hub steps', async () => {
      // Prepare
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000, streamBatchSize: 10 });

      // Act
      const summary = (await handler(sample('reconciler/scheduled-event'), withRemaining(900_000))) as FanOutSummary;

      // Assess: two batches of ten went out as they were read, each behind its own principals call; the last three
      // (fewer than a batch) went out after the walk and the hub-side steps, in id order. Every account exactly once.
      expect(order.filter((call) => !call.startsWith('list'))).toEqual(['allow 10', 'publish 10', 'allow 10', 'publish 10', 'allow 3', 'publish 3']);
      expect(order.indexOf('publish 10')).toBeLessThan(order.indexOf('list 2'));
      expect(publishedAccounts()).toEqual([...listed.slice(0, 20), ...[...listed.slice(20)].sort()]);
      expect(new Set(publishedAccounts()).size).toBe(ACTIVE.length);
      // Each batch reads its own principals, filtered (a removal made meanwhile is seen); the hub step reads them all.
      const reads = ec2Mock.commandCalls(DescribeVpcEndpointServicePermissionsCommand).map((call) => call.args[0].input.Filters?.[0]?.Values?.length);
      expect(reads).toEqual([10, 10, undefined]);
      expect(summary).toMatchObject({ published: 23, accounts: { total: 25, inScope: 23 }, errorCount: 0 });
      expect(summary.hubActions).toEqual({ 'endpoint-service.allow-principal': 23 });
    });

    it('adds principals only: a batch never removes one, even of an account the walk has not reached yet', async () => {
      // Prepare: the service already allows an account listed on the last page, and one that left the organization.
      const later = `arn:aws:iam::${listed[22] ?? ''}:root`;
      const departed = 'arn:aws:iam::777777777777:root';
      ec2Mock.on(DescribeVpcEndpointServicePermissionsCommand).resolves({ AllowedPrincipals: [{ Principal: later }, { Principal: departed }] });
      const removed: string[][] = [];
      ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).callsFake((input: { RemoveAllowedPrincipals?: string[] }) => {
        removed.push(input.RemoveAllowedPrincipals ?? []);
        return { ReturnValue: true };
      });
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000, streamBatchSize: 10 });

      // Act
      await handler(sample('reconciler/scheduled-event'), withRemaining(900_000));

      // Assess: only the organization-wide step after the walk removes, and only the departed account.
      expect(removed).toEqual([[], [], [departed]]);
    });

    it('leaves a batch whose principals call failed to the publishing after the walk, and reports the error', async () => {
      // Prepare: the first batch's call fails, every later one succeeds.
      let calls = 0;
      ec2Mock.on(ModifyVpcEndpointServicePermissionsCommand).callsFake((input: { AddAllowedPrincipals?: string[] }) => {
        order.push(`allow ${input.AddAllowedPrincipals?.length ?? 0}`);
        if (calls++ === 0) throw awsError('RequestLimitExceeded');
        for (const principal of input.AddAllowedPrincipals ?? []) allowed.add(principal);
        return { ReturnValue: true };
      });
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000, streamBatchSize: 10 });

      // Act
      const failed = handler(sample('reconciler/scheduled-event'), withRemaining(900_000));

      // Assess: the failed batch's accounts were published once, after the organization-wide step allowed them
      await expect(failed).rejects.toThrow(/published 23 account\(s\) with 1 error\(s\): organization: RequestLimitExceeded/);
      expect(order.filter((call) => !call.startsWith('list'))).toEqual(['allow 10', 'allow 10', 'publish 10', 'allow 13', 'publish 10', 'publish 3']);
      expect([...publishedAccounts()].sort()).toEqual(ACTIVE);
      expect(publishedAccounts().slice(10)).toEqual([...[...listed.slice(0, 10)], ...listed.slice(20)].sort());
    });

    it('publishes an entry EventBridge refused during the walk again after it, and the run succeeds', async () => {
      // Prepare: the first streamed PutEvents call refuses its third entry, every later call takes everything.
      let call = 0;
      eventsMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
        order.push(`publish ${input.Entries.length}`);
        const refuse = call++ === 0 ? 2 : -1;
        const entries = input.Entries.map((_, i) => (i === refuse ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e${i}` }));
        return { FailedEntryCount: refuse < 0 ? 0 : 1, Entries: entries };
      });
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000, streamBatchSize: 10 });

      // Act
      const summary = (await handler(sample('reconciler/scheduled-event'), withRemaining(900_000))) as FanOutSummary;

      // Assess: published once more, with the last three, and no error: everything went out in the end
      expect(summary).toMatchObject({ published: 23, errorCount: 0 });
      expect(publishedAccounts().slice(20)).toEqual([listed[2], ...listed.slice(20)].sort());
    });

    it('does not stream in a continuation: it publishes after its cursor only, with no principals call', async () => {
      // Prepare
      const event = sample('reconciler/continuation-requested') as { detail: { afterAccountId: string } };
      event.detail.afterAccountId = ACTIVE[9] ?? '';
      const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000, streamBatchSize: 10 });

      // Act
      await handler(event, withRemaining(900_000));

      // Assess
      expect(ec2Mock.calls()).toHaveLength(0);
      expect(publishedAccounts()).toEqual(ACTIVE.slice(10));
    });
  });

  it("sweeps the connections left pending before the run, leaving those asked for since to acceptance (the consumers' hand-offs)", async () => {
    // Prepare: two pending requests of a suspended member, one from before the run and one from during it
    const connection = (VpcEndpointId: string, CreationTimestamp: Date) => ({
      VpcEndpointId,
      VpcEndpointOwner: SUSPENDED,
      // What EC2 sends on the wire (the SDK's enum spells it PendingAcceptance).
      VpcEndpointState: 'pendingAcceptance' as State,
      CreationTimestamp,
    });
    ec2Mock.on(DescribeVpcEndpointConnectionsCommand).resolves({
      VpcEndpointConnections: [connection('vpce-0aaaaaaaaaaaaaaa1', new Date(Date.now() - 3_600_000)), connection('vpce-0aaaaaaaaaaaaaaa2', new Date(Date.now() + 60_000))],
    });
    ec2Mock.on(RejectVpcEndpointConnectionsCommand).resolves({ Unsuccessful: [] });
    const handler = reconcilerHandler(runtime(), { continuationMarginMs: 60_000 });

    // Act
    await handler(sample('reconciler/scheduled-event'), withRemaining(900_000));

    // Assess
    expect(ec2Mock.commandCalls(RejectVpcEndpointConnectionsCommand).map((call) => call.args[0].input.VpcEndpointIds)).toEqual([['vpce-0aaaaaaaaaaaaaaa1']]);
  });

  it('refuses a fan-out combined with a dry run or an account list', async () => {
    const handler = reconcilerHandler(runtime());
    await expect(handler({ fanOut: true, dryRun: true }, lambdaContext)).rejects.toThrow('fanOut: applies the whole organization');
    await expect(handler({ fanOut: true, accountIds: [ACTIVE[0]] }, lambdaContext)).rejects.toThrow('fanOut');
    expect(putCalls()).toEqual([]);
  });
});
