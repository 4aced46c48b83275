/**
 * A VPC event handled after its account left the organization (the event was forwarded while it was a member, and
 * waited in the queue): VPC onboarding stops at the scope check instead of assuming the spoke role in an account that
 * is no longer the organization's, and still removes the account's shard of the endpoint mapping, which needs no
 * spoke access.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { accountShard } from '../../../functions/core/endpoint-mapping';
import { shardKey } from '../../../squid-config/policy/store';
import { onboardedMember } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { isAllowedPrincipal } from '../support/hub-views';
import { PolicyStoreView } from '../support/policy-store-view';
import { createVpc, tagVpc } from '../support/spoke';
import { waitUntil } from '../support/wait';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

let fx: ControlPlaneFixture;
let store: PolicyStoreView;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
  store = new PolicyStoreView(fx);
});

afterAll(async () => {
  store?.destroy();
  await fx?.stop();
});

/** Holds the VPC onboarding queue's batches until `open()`, then hands them to the real handler. */
async function gateVpcOnboarding(): Promise<{ received: () => boolean; open: () => void }> {
  const handler = (await import('../../../functions/vpc-onboarding')).handler as SqsHandler;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let batches = 0;
  fx.cp.bus.setConsumer('vpc-onboarding', async (event, context) => {
    batches += 1;
    await opened;
    return handler(event, context);
  });
  return { received: () => batches > 0, open };
}

describe('a VPC event of an account that has left the organization', () => {
  it('is not converged in the spoke (the spoke role is not assumed), and the stale mapping shard is still removed', async () => {
    // Prepare: the tag event is queued while the account is a member; the account then leaves; a shard remains.
    const member = await onboardedMember(fx, 'leaver');
    const vpc = await createVpc(member.ec2, { name: 'leaver', azIds: SUPPORTED_AZ_IDS });
    const gate = await gateVpcOnboarding();
    await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
    // (fx.until would wait for the bus to drain, which the held batch never lets happen.)
    await waitUntil('the tag event waits in VPC onboarding', gate.received);
    const membershipEvents = fx.sent('account-onboarding');
    await fx.org.removeAccount(member.accountId);
    await waitUntil('account onboarding has handled the departure', () => {
      const queue = fx.cp.bus.stats().queues['account-onboarding'];
      return queue.sent > membershipEvents && queue.visible + queue.inFlight + queue.delayed === 0;
    });
    expect(await isAllowedPrincipal(fx.hubEc2, fx.cp.hub.serviceId, member.accountId)).toBe(false);
    const stale = accountShard(member.accountId, [], { 'vpce-0123456789abcdef0': { vpcId: vpc.vpcId, policyTag: null } }, new Date().toISOString());
    await store.overwrite(shardKey(member.accountId), JSON.stringify(stale));

    // Act
    gate.open();
    await fx.until('the VPC step is audited', () => fx.logs.audits({ vpcId: vpc.vpcId, action: 'vpc.converge' }).length > 0);
    await fx.cp.idle();

    // Assess
    const [decision] = fx.logs.audits({ vpcId: vpc.vpcId, action: 'vpc.converge' });
    expect(decision).toMatchObject({
      decision: 'noop',
      reason: `account ${member.accountId} is not a member of the organization: the spoke role is not assumed and nothing in the account is changed`,
    });
    expect([...fx.cp.cloud.world.sessions.values()].filter((session) => session.accountId === member.accountId)).toEqual([]);
    expect(await store.shard(member.accountId)).toBeUndefined();
    expect(fx.logs.audits({ correlationId: decision?.correlationId, action: 'policy.mapping' })).toEqual([
      expect.objectContaining({ decision: 'delete', scope: expect.objectContaining({ endpointId: 'vpce-0123456789abcdef0' }) as unknown }),
    ]);
  });
});
