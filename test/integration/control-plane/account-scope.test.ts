/**
 * Which accounts are served: only ACTIVE members under the configured OUs (IN_SCOPE_OU_IDS) that are not excluded
 * (EXCLUDED_ACCOUNT_IDS). The OUs and the excluded account exist before the control plane is deployed, as an
 * operator would set them up, so the settings can name them.
 */
import {
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { LocalCloud } from '../../../local/cloud';
import { OrganizationAdmin } from '../../../local/demo/tenant';
import { createMember } from '../support/accounts';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { sampleEvent } from '../support/events';
import { isAllowedPrincipal, shareStatus } from '../support/hub-views';

let fx: ControlPlaneFixture;
let rootId = '';
let servedOuId = '';
let excludedAccountId = '';

/** Run as the management account before the handlers start: the served OU and an account excluded by id. */
async function prepareOrganization(cloud: LocalCloud): Promise<Record<string, string>> {
  const management = cloud.world.managementAccountId;
  const organizations = new OrganizationsClient({
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: management, secretAccessKey: 'local' },
  });
  const admin = new OrganizationAdmin(management, cloud.url);
  try {
    rootId = (await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
    const { OrganizationalUnit } = await organizations.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'served' }));
    servedOuId = OrganizationalUnit?.Id ?? '';
    excludedAccountId = await admin.createAccount('excluded', 20);
    await organizations.send(new MoveAccountCommand({ AccountId: excludedAccountId, SourceParentId: rootId, DestinationParentId: servedOuId }));
    return { IN_SCOPE_OU_IDS: servedOuId, EXCLUDED_ACCOUNT_IDS: excludedAccountId };
  } finally {
    organizations.destroy();
    admin.destroy();
  }
}

beforeAll(async () => {
  fx = await startControlPlaneFixture({ beforeHandlers: (cloud) => prepareOrganization(cloud) });
});

afterAll(async () => {
  await fx?.stop();
});

const allowed = (accountId: string) => isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, accountId);
const shared = (accountId: string) => shareStatus(fx.hubRam, fx.cp.hub.discoveryShareArn, accountId);

/** The account onboarding decision about `accountId` (the handler audits one per account it converges). */
const principalDecisions = (accountId: string) => fx.logs.audits({ accountId, action: 'endpoint-service.allowed-principal' });

describe('account scope', () => {
  it('does not onboard an account created outside the in-scope OUs, and the reconciler onboards it once it is moved in', async () => {
    // Act: new accounts land under the root, outside the served OU.
    const member = await createMember(fx, 'outside-ou');
    await fx.until('the account onboarding decision is audited', () => principalDecisions(member.accountId).length > 0);

    // Assess
    const [decision] = principalDecisions(member.accountId);
    expect(decision?.decision).toBe('noop');
    expect(decision?.reason).toBe(`account ${member.accountId} is outside the in-scope OUs (${servedOuId})`);
    expect(await allowed(member.accountId)).toBe(false);
    expect(await shared(member.accountId)).toBeUndefined();

    // Act: MoveAccount is not a trigger (no rule matches it); the reconciler repairs what events cannot say.
    await fx.organizations.send(new MoveAccountCommand({ AccountId: member.accountId, SourceParentId: rootId, DestinationParentId: servedOuId }));
    await fx.cp.reconcile({ accountIds: [member.accountId] });

    // Assess
    expect(await allowed(member.accountId)).toBe(true);
    expect(await shared(member.accountId)).toBe('ASSOCIATED');
  });

  it('does not onboard an excluded account even inside an in-scope OU', async () => {
    // Act: Organizations' CreateAccountResult for it, as it arrives on the management account's default bus.
    const event = sampleEvent('organizations/create-account-result-succeeded');
    const status = (event.detail.serviceEventDetails as { createAccountStatus: { accountId: string } }).createAccountStatus;
    status.accountId = excludedAccountId;
    event.account = fx.cp.cloud.world.managementAccountId;
    fx.cp.bus.onEvent(event, 'default');
    await fx.until('the account onboarding decision is audited', () => fx.logs.audits({ correlationId: event.id }).length > 0);

    // Assess
    const [decision] = fx.logs.audits({ correlationId: event.id, action: 'endpoint-service.allowed-principal' });
    expect(decision?.scope.accountId).toBe(excludedAccountId);
    expect(decision?.decision).toBe('noop');
    expect(decision?.reason).toBe(`account ${excludedAccountId} is excluded by configuration`);
    expect(await allowed(excludedAccountId)).toBe(false);
    expect(await shared(excludedAccountId)).toBeUndefined();

    // The organization-wide dry run agrees: nothing to allow for it.
    const plan = (await fx.cp.reconcile({ dryRun: true, accountIds: [excludedAccountId] })) as { actions: { action: string }[] };
    expect(plan.actions).toEqual([]);
  });
});
