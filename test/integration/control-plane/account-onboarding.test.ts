/**
 * Account onboarding end to end: the management account creates, removes or closes accounts through the SDK; the
 * Organizations events travel the management -> hub forwarding rule to the account onboarding queue; the real
 * handler re-reads the account and converges the service's principals, the RAM share and the connections.
 */
import { CloseAccountCommand } from '@aws-sdk/client-organizations';
import { createMember, onboardedMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { connectionsOf, isAllowedPrincipal, shareStatus } from '../support/hub-views';
import { createVpc, liveEndpointsOf, tagVpc } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
});

afterAll(async () => {
  await fx?.stop();
});

const allowed = (accountId: string) => isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, accountId);
const shared = (accountId: string) => shareStatus(fx.hubRam, fx.cp.hub.discoveryShareArn, accountId);
const connections = (accountId: string) => connectionsOf(fx.hubEc2, fx.cp.hub.serviceId, accountId);

/** A member whose tagged VPC has an accepted, available endpoint: something to offboard. */
async function memberWithLiveEndpoint(label: string): Promise<Member & { endpointId: string }> {
  const member = await onboardedMember(fx, label);
  const vpc = await createVpc(member.ec2, { name: label, azIds: SUPPORTED_AZ_IDS });
  await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
  let endpointId = '';
  await fx.until(`the endpoint of ${label} is available`, async () => {
    const live = await liveEndpointsOf(member.ec2, vpc.vpcId);
    endpointId = live.find((endpoint) => String(endpoint.State) === 'available')?.VpcEndpointId ?? '';
    return endpointId !== '';
  });
  return { ...member, endpointId };
}

describe('account onboarding', () => {
  it('allows a created account as a principal of the service and shares the discovery parameters with it', async () => {
    // Act
    const member = await createMember(fx, 'created');
    await fx.until('the new account is shared and allowed', async () => (await shared(member.accountId)) === 'ASSOCIATED' && (await allowed(member.accountId)));

    // Assess: both decisions are in the audit trail, with the reason.
    const principal = fx.logs.audits({ accountId: member.accountId, action: 'endpoint-service.allowed-principal', decision: 'allow' });
    expect(principal).toHaveLength(1);
    expect(principal[0]?.reason).toBe('active member; every OU is in scope');
    expect(principal[0]?.after).toEqual({ allowed: true });
    expect(fx.logs.audits({ accountId: member.accountId, action: 'resource-share.principal', decision: 'allow' })).toHaveLength(1);
  });

  it('removes an account that leaves the organization: principal removed, share disassociated, connection rejected', async () => {
    // Prepare
    const member = await memberWithLiveEndpoint('leaving');

    // Act
    await fx.org.removeAccount(member.accountId);
    await fx.until('the departed account is offboarded', async () => !(await allowed(member.accountId)) && (await shared(member.accountId)) === 'DISASSOCIATED');
    await fx.until('its connection is rejected', async () => (await connections(member.accountId)).every((c) => c.state === 'rejected'));

    // Assess
    expect(await connections(member.accountId)).toEqual([{ endpointId: member.endpointId, ownerAccountId: member.accountId, state: 'rejected' }]);
    const reason = `account ${member.accountId} is not a member of the organization`;
    expect(fx.logs.audits({ accountId: member.accountId, action: 'endpoint-service.allowed-principal', decision: 'remove' })[0]?.reason).toBe(reason);
    expect(fx.logs.audits({ accountId: member.accountId, action: 'resource-share.principal', decision: 'remove' })[0]?.reason).toBe(reason);
    expect(fx.logs.audits({ endpointId: member.endpointId, action: 'connection.reject', decision: 'reject' })[0]?.reason).toBe(reason);
  });

  it('offboards a closed account the same way', async () => {
    // Prepare
    const member = await memberWithLiveEndpoint('closing');

    // Act
    await fx.organizations.send(new CloseAccountCommand({ AccountId: member.accountId }));
    await fx.until('the closed account is offboarded', async () => !(await allowed(member.accountId)) && (await shared(member.accountId)) === 'DISASSOCIATED');
    await fx.until('its connection is rejected', async () => (await connections(member.accountId)).every((c) => c.state === 'rejected'));

    // Assess: still a member, but no longer ACTIVE.
    const removal = fx.logs.audits({ accountId: member.accountId, action: 'endpoint-service.allowed-principal', decision: 'remove' });
    expect(removal[0]?.reason).toMatch(new RegExp(`^account ${member.accountId} is (PENDING_CLOSURE|SUSPENDED), not ACTIVE$`));
    expect(fx.logs.audits({ endpointId: member.endpointId, action: 'connection.reject', decision: 'reject' })).toHaveLength(1);
  });
});
