import {
  DescribeAccountCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { listAllAccounts, readAccount } from '../../../functions/aws/organizations';

const orgMock = mockClient(OrganizationsClient);
const org = new OrganizationsClient({ region: 'us-east-1' });
const notFound = Object.assign(new Error('not found'), { name: 'AccountNotFoundException' });

beforeEach(() => orgMock.reset());

describe('readAccount', () => {
  it('walks ListParents up to the root', async () => {
    orgMock
      .on(DescribeAccountCommand)
      .resolves({ Account: { Id: '123456789012', State: 'ACTIVE' } })
      .on(ListParentsCommand, { ChildId: '123456789012' })
      .resolves({ Parents: [{ Id: 'ou-ab12-22222222', Type: 'ORGANIZATIONAL_UNIT' }] })
      .on(ListParentsCommand, { ChildId: 'ou-ab12-22222222' })
      .resolves({ Parents: [{ Id: 'ou-ab12-11111111', Type: 'ORGANIZATIONAL_UNIT' }] })
      .on(ListParentsCommand, { ChildId: 'ou-ab12-11111111' })
      .resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });

    expect(await readAccount(org, '123456789012')).toEqual({
      accountId: '123456789012',
      state: 'ACTIVE',
      ancestorIds: ['ou-ab12-22222222', 'ou-ab12-11111111', 'r-ab12'],
    });
    expect(orgMock).toHaveReceivedCommandTimes(ListParentsCommand, 3);
  });

  it('falls back to the deprecated Status when State is absent', async () => {
    orgMock.on(DescribeAccountCommand).resolves({ Account: { Id: '123456789012', Status: 'SUSPENDED' } });
    orgMock.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
    expect((await readAccount(org, '123456789012'))?.state).toBe('SUSPENDED');
  });

  it('returns undefined for an account that is not a member', async () => {
    orgMock.on(DescribeAccountCommand).rejects(notFound);
    expect(await readAccount(org, '123456789012')).toBeUndefined();
    expect(orgMock).not.toHaveReceivedCommand(ListParentsCommand);
  });

  it('propagates other errors (throttling is retried by the SDK, then surfaces)', async () => {
    orgMock.on(DescribeAccountCommand).rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await expect(readAccount(org, '123456789012')).rejects.toThrow('slow down');
  });
});

describe('listAllAccounts', () => {
  it('walks the OU tree with pagination and records each account ancestry', async () => {
    orgMock
      .on(ListRootsCommand)
      .resolves({ Roots: [{ Id: 'r-ab12' }] })
      .on(ListAccountsForParentCommand, { ParentId: 'r-ab12', NextToken: undefined })
      .resolves({ Accounts: [{ Id: '111111111111', State: 'ACTIVE' }], NextToken: 'p2' })
      .on(ListAccountsForParentCommand, { ParentId: 'r-ab12', NextToken: 'p2' })
      .resolves({ Accounts: [{ Id: '222222222222', State: 'ACTIVE' }] })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12' })
      .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-11111111' }] })
      .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' })
      .resolves({ Accounts: [{ Id: '333333333333', State: 'SUSPENDED' }] })
      .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-11111111' })
      .resolves({ OrganizationalUnits: [] });

    expect(await listAllAccounts(org)).toEqual([
      { accountId: '111111111111', state: 'ACTIVE', ancestorIds: ['r-ab12'] },
      { accountId: '222222222222', state: 'ACTIVE', ancestorIds: ['r-ab12'] },
      { accountId: '333333333333', state: 'SUSPENDED', ancestorIds: ['ou-ab12-11111111', 'r-ab12'] },
    ]);
    // Organizations' largest pages (20), so a 10,000-account walk makes as few calls as it can.
    for (const call of [...orgMock.commandCalls(ListAccountsForParentCommand), ...orgMock.commandCalls(ListOrganizationalUnitsForParentCommand)]) {
      expect(call.args[0].input.MaxResults).toBe(20);
    }
  });
});
