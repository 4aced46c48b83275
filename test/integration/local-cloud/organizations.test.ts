/** Organizations through the real SDK: the organization at start, accounts, OUs, pagination, errors, events. */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  DescribeAccountCommand,
  DisableAWSServiceAccessCommand,
  EnableAWSServiceAccessCommand,
  ListAWSServiceAccessForOrganizationCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  MoveAccountCommand,
  RemoveAccountFromOrganizationCommand,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import type { CreateAccountStatus, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { CloudEvent } from '../../../local/cloud/api';
import { HUB, MANAGEMENT, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness } from './cloud-harness';

let h: CloudHarness;
let org: OrganizationsClient;
let rootId: string;

beforeAll(async () => {
  // Closing lasts 1.5 real seconds: long enough that a loaded machine still observes PENDING_CLOSURE first.
  h = await startHarness({ timeScale: 100, organizations: { createAccountDelayMs: 5_000, closeAccountDelayMs: 150_000 } });
  org = h.organizations(MANAGEMENT);
  const roots = await org.send(new ListRootsCommand({}));
  rootId = roots.Roots?.[0]?.Id ?? '';
});
afterAll(() => h.stop());

const isOrgEvent = (name: string) => (e: CloudEvent) => e.source === 'aws.organizations' && e.detail.eventName === name;

async function createAccount(name: string): Promise<CreateAccountStatus & { AccountId: string }> {
  const { CreateAccountStatus: started } = await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  for (;;) {
    const { CreateAccountStatus: status } = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: started?.Id }));
    if (status?.State === 'SUCCEEDED' && status.AccountId) return { ...status, AccountId: status.AccountId };
    if (status?.State !== 'IN_PROGRESS') throw new Error(`creation ended ${status?.State}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the organization at start', () => {
  it('exists with the management account as master and the hub as a member under the root', async () => {
    const { Organization } = await org.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({ MasterAccountId: MANAGEMENT, FeatureSet: 'ALL' });
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10}$/);
    expect(Organization?.Arn).toBe(`arn:aws:organizations::${MANAGEMENT}:organization/${Organization?.Id}`);
    expect(rootId).toMatch(/^r-[a-z0-9]{4}$/);
    const { Account } = await org.send(new DescribeAccountCommand({ AccountId: HUB }));
    expect(Account).toMatchObject({ Id: HUB, Status: 'ACTIVE', State: 'ACTIVE', JoinedMethod: 'INVITED' });
    expect(Account?.JoinedTimestamp).toBeInstanceOf(Date);
    const { Parents } = await org.send(new ListParentsCommand({ ChildId: HUB }));
    expect(Parents).toEqual([{ Id: rootId, Type: 'ROOT' }]);
  });

  it('lets a member describe the organization but not list its accounts; a non-member gets NotInUse', async () => {
    await expect(h.organizations(HUB).send(new DescribeOrganizationCommand({}))).resolves.toBeDefined();
    const denied = await rejectionOf(h.organizations(HUB).send(new ListAccountsCommand({})));
    expect(denied.name).toBe('AccessDeniedException');
    const outsider = await rejectionOf(h.organizations('999999999999').send(new DescribeOrganizationCommand({})));
    expect(outsider.name).toBe('AWSOrganizationsNotInUseException');
  });
});

describe('trusted access for AWS services', () => {
  const principals = async () =>
    ((await org.send(new ListAWSServiceAccessForOrganizationCommand({}))).EnabledServicePrincipals ?? []).map((p) => p.ServicePrincipal);

  it('starts with RAM\'s trusted access enabled (the local RAM shares with members without invitations)', async () => {
    const { EnabledServicePrincipals } = await org.send(new ListAWSServiceAccessForOrganizationCommand({}));
    expect(EnabledServicePrincipals).toEqual([{ ServicePrincipal: 'ram.amazonaws.com', DateEnabled: expect.any(Date) as unknown }]);
  });

  it('enables and disables a service principal from the management account, with CloudTrail-shaped events', async () => {
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'config.amazonaws.com' }));
    // Enabling again changes nothing.
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'config.amazonaws.com' }));
    expect(await principals()).toEqual(['config.amazonaws.com', 'ram.amazonaws.com']);
    await org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    expect(await principals()).toEqual(['config.amazonaws.com']);
    const event = await h.waitForEvent(isOrgEvent('DisableAWSServiceAccess'));
    expect(event.detail).toMatchObject({ eventType: 'AwsApiCall', requestParameters: { servicePrincipal: 'ram.amazonaws.com' } });
    await org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: 'config.amazonaws.com' }));
    await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'ram.amazonaws.com' }));
    expect(await principals()).toEqual(['ram.amazonaws.com']);
  });

  it('is for the management account only, and checks the principal\'s form', async () => {
    const member = await rejectionOf(h.organizations(HUB).send(new ListAWSServiceAccessForOrganizationCommand({})));
    expect(member.name).toBe('AccessDeniedException');
    const bad = await rejectionOf(org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'not a principal' })));
    expect(bad.name).toBe('InvalidInputException');
    const missing = await rejectionOf(org.send(new DisableAWSServiceAccessCommand({ ServicePrincipal: undefined })));
    expect(missing.name).toBe('InvalidInputException');
  });
});

describe('CreateAccount', () => {
  it('goes IN_PROGRESS then SUCCEEDED and emits CloudTrail-shaped events in the management account us-east-1', async () => {
    // Act
    const { CreateAccountStatus: started } = await org.send(new CreateAccountCommand({ AccountName: 'app-one', Email: 'app-one@example.com' }));
    // Assess
    expect(started).toMatchObject({ State: 'IN_PROGRESS', AccountName: 'app-one' });
    expect(started?.Id).toMatch(/^car-[a-z0-9]{32}$/);
    expect(started?.AccountId).toBeUndefined();

    const call = await h.waitForEvent((e) => isOrgEvent('CreateAccount')(e) && (e.detail.responseElements as { createAccountStatus: { id: string } }).createAccountStatus.id === started?.Id);
    expect(call).toMatchObject({
      version: '0',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.organizations',
      account: MANAGEMENT,
      region: 'us-east-1',
      detail: {
        eventSource: 'organizations.amazonaws.com',
        eventName: 'CreateAccount',
        awsRegion: 'us-east-1',
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: MANAGEMENT,
        userIdentity: { type: 'Root', accountId: MANAGEMENT },
        responseElements: { createAccountStatus: { state: 'IN_PROGRESS' } },
      },
    });
    expect(call.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const result = await h.waitForEvent((e) => isOrgEvent('CreateAccountResult')(e) && (e.detail.serviceEventDetails as { createAccountStatus: { id: string } }).createAccountStatus.id === started?.Id);
    expect(result).toMatchObject({
      'detail-type': 'AWS Service Event via CloudTrail',
      detail: { eventType: 'AwsServiceEvent', serviceEventDetails: { createAccountStatus: { state: 'SUCCEEDED', accountName: 'app-one' } } },
    });
    const accountId = (result.detail.serviceEventDetails as { createAccountStatus: { accountId: string } }).createAccountStatus.accountId;
    expect(accountId).toMatch(/^\d{12}$/);

    const joined = await h.waitForEvent((e) => isOrgEvent('AccountJoinedOrganization')(e) && (e.detail.serviceEventDetails as { accountId: string }).accountId === accountId);
    expect(joined.detail).toMatchObject({ eventType: 'AwsServiceEvent', serviceEventDetails: { joinedMethod: 'Created' } });

    const { CreateAccountStatus: done } = await org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: started?.Id }));
    expect(done).toMatchObject({ State: 'SUCCEEDED', AccountId: accountId });
    expect(done?.CompletedTimestamp).toBeInstanceOf(Date);
    const { Account } = await org.send(new DescribeAccountCommand({ AccountId: accountId }));
    expect(Account).toMatchObject({ Name: 'app-one', Email: 'app-one@example.com', Status: 'ACTIVE', JoinedMethod: 'CREATED' });
  });

  it('fails asynchronously with EMAIL_ALREADY_EXISTS for an email in use', async () => {
    await createAccount('dup');
    const { CreateAccountStatus: started } = await org.send(new CreateAccountCommand({ AccountName: 'dup2', Email: 'dup@example.com' }));
    const result = await h.waitForEvent((e) => isOrgEvent('CreateAccountResult')(e) && (e.detail.serviceEventDetails as { createAccountStatus: { id: string } }).createAccountStatus.id === started?.Id);
    expect(result.detail.serviceEventDetails).toMatchObject({ createAccountStatus: { state: 'FAILED', failureReason: 'EMAIL_ALREADY_EXISTS' } });
  });

  it('rejects bad input and unknown request ids', async () => {
    const invalid = await rejectionOf(org.send(new CreateAccountCommand({ AccountName: 'x', Email: 'not-an-email' })));
    expect(invalid.name).toBe('InvalidInputException');
    expect(invalid.Reason).toBe('INVALID_EMAIL_ADDRESS_TARGET');
    const unknown = await rejectionOf(org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: 'car-00000000000000000000000000000000' })));
    expect(unknown.name).toBe('CreateAccountStatusNotFoundException');
    expect(unknown.$metadata.httpStatusCode).toBe(400);
  });
});

describe('listing and pagination', () => {
  beforeAll(async () => {
    for (let i = 0; i < 22; i++) await org.send(new CreateAccountCommand({ AccountName: `bulk-${i}`, Email: `bulk-${i}@example.com` }));
    await h.waitForEvent((e) => isOrgEvent('AccountJoinedOrganization')(e) && h.cloud.organization.members.size >= 26);
  });

  it('pages ListAccounts with MaxResults/NextToken and visits every member once', async () => {
    const first = await org.send(new ListAccountsCommand({ MaxResults: 5 }));
    expect(first.Accounts).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: org, pageSize: 7 }, {})) ids.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([MANAGEMENT, HUB]));
    expect(ids.length).toBe(h.cloud.organization.members.size);
  });

  it('rejects a bad NextToken and MaxResults over 20 with InvalidInputException', async () => {
    const badToken = await rejectionOf(org.send(new ListAccountsCommand({ NextToken: 'garbage' })));
    expect(badToken).toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_NEXT_TOKEN' });
    const tooMany = await rejectionOf(org.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany.name).toBe('InvalidInputException');
  });
});

describe('OUs and moving accounts', () => {
  it('creates OUs, rejects duplicates, moves accounts between parents and lists by parent', async () => {
    const account = await createAccount('mover');
    const { OrganizationalUnit: ou } = await org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Workloads' }));
    expect(ou?.Id).toMatch(new RegExp(`^ou-${rootId.slice(2)}-[a-z0-9]{8}$`));
    const dup = await rejectionOf(org.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Workloads' })));
    expect(dup.name).toBe('DuplicateOrganizationalUnitException');
    const noParent = await rejectionOf(org.send(new CreateOrganizationalUnitCommand({ ParentId: 'ou-zzzz-zzzzzzzz', Name: 'X' })));
    expect(noParent.name).toBe('ParentNotFoundException');

    await org.send(new MoveAccountCommand({ AccountId: account.AccountId, SourceParentId: rootId, DestinationParentId: ou?.Id }));
    const { Parents } = await org.send(new ListParentsCommand({ ChildId: account.AccountId }));
    expect(Parents).toEqual([{ Id: ou?.Id, Type: 'ORGANIZATIONAL_UNIT' }]);
    const inOu = await org.send(new ListAccountsForParentCommand({ ParentId: ou?.Id }));
    expect(inOu.Accounts?.map((a) => a.Id)).toEqual([account.AccountId]);
    const units = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }));
    expect(units.OrganizationalUnits?.map((u) => u.Name)).toContain('Workloads');

    const again = await rejectionOf(org.send(new MoveAccountCommand({ AccountId: account.AccountId, SourceParentId: ou?.Id, DestinationParentId: ou?.Id })));
    expect(again.name).toBe('DuplicateAccountException');
    const wrongSource = await rejectionOf(org.send(new MoveAccountCommand({ AccountId: account.AccountId, SourceParentId: rootId, DestinationParentId: ou?.Id })));
    expect(wrongSource.name).toBe('SourceParentNotFoundException');
    const missing = await rejectionOf(org.send(new ListAccountsForParentCommand({ ParentId: 'ou-zzzz-zzzzzzzz' })));
    expect(missing.name).toBe('ParentNotFoundException');
  });
});

describe('invited accounts', () => {
  it('admits an existing non-member account through the local join endpoint, announcing it as Invited', async () => {
    // Prepare: an account that exists outside the organization (e.g. one that already has VPCs).
    const created = await fetch(`${h.cloud.url}/_local/accounts`, { method: 'POST', body: JSON.stringify({ name: 'legacy' }) });
    const { id } = (await created.json()) as { id: string };
    expect((await rejectionOf(org.send(new DescribeAccountCommand({ AccountId: id })))).name).toBe('AccountNotFoundException');
    // Act
    const joined = await fetch(`${h.cloud.url}/_local/accounts/${id}/join-organization`, { method: 'POST' });
    // Assess
    expect(joined.status).toBe(200);
    const event = await h.waitForEvent((e) => isOrgEvent('AccountJoinedOrganization')(e) && (e.detail.serviceEventDetails as { accountId: string }).accountId === id);
    expect(event.detail.serviceEventDetails).toMatchObject({ joinedMethod: 'Invited' });
    const { Account } = await org.send(new DescribeAccountCommand({ AccountId: id }));
    expect(Account).toMatchObject({ Name: 'legacy', JoinedMethod: 'INVITED', Status: 'ACTIVE' });
    const again = await fetch(`${h.cloud.url}/_local/accounts/${id}/join-organization`, { method: 'POST' });
    expect(again.status).toBe(409);
  });
});

describe('leaving and closing', () => {
  it('removes an account from the organization with an API-call event; it stays a non-member account', async () => {
    const account = await createAccount('leaver');
    await org.send(new RemoveAccountFromOrganizationCommand({ AccountId: account.AccountId }));
    const event = await h.waitForEvent((e) => isOrgEvent('RemoveAccountFromOrganization')(e));
    expect(event.detail).toMatchObject({ eventType: 'AwsApiCall', requestParameters: { accountId: account.AccountId } });
    const gone = await rejectionOf(org.send(new DescribeAccountCommand({ AccountId: account.AccountId })));
    expect(gone.name).toBe('AccountNotFoundException');
    expect(h.cloud.world.accounts.has(account.AccountId)).toBe(true);
    const outsider = await rejectionOf(h.organizations(account.AccountId).send(new DescribeOrganizationCommand({})));
    expect(outsider.name).toBe('AWSOrganizationsNotInUseException');
    const master = await rejectionOf(org.send(new RemoveAccountFromOrganizationCommand({ AccountId: MANAGEMENT })));
    expect(master.name).toBe('MasterCannotLeaveOrganizationException');
  });

  it('closes an account: PENDING_CLOSURE, then SUSPENDED; closing again is AccountAlreadyClosed', async () => {
    const account = await createAccount('closer');
    await org.send(new CloseAccountCommand({ AccountId: account.AccountId }));
    const event = await h.waitForEvent((e) => isOrgEvent('CloseAccount')(e) && (e.detail.requestParameters as { accountId: string }).accountId === account.AccountId);
    expect(event['detail-type']).toBe('AWS API Call via CloudTrail');
    const { Account: pending } = await org.send(new DescribeAccountCommand({ AccountId: account.AccountId }));
    expect(pending?.Status).toBe('PENDING_CLOSURE');
    const again = await rejectionOf(org.send(new CloseAccountCommand({ AccountId: account.AccountId })));
    expect(again.name).toBe('AccountAlreadyClosedException');
    for (;;) {
      const { Account } = await org.send(new DescribeAccountCommand({ AccountId: account.AccountId }));
      if (Account?.Status === 'SUSPENDED') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const unknown = await rejectionOf(org.send(new CloseAccountCommand({ AccountId: '123456789012' })));
    expect(unknown.name).toBe('AccountNotFoundException');
  });
});
