/**
 * Behind a backlog longer than the deferral, as when a rollout creates endpoints faster than the hub's Accept rate
 * takes them: the acceptance queue here holds every message 40 s (a batching window longer than DEFER_SECONDS), so a
 * Connect notification reaches acceptance long after its connection's creation. By its age it would be decided on
 * re-read facts (Organizations reads); by its time in the queue it is deferred like any other, and its hand-off,
 * which waited in the same queue, decides it on trust. Its own file: the in-process handlers are bound to one fixture.
 */
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { deferred, describeAccountCalls, handOff, memberWithTaggedVpc, stateOf } from '../support/deferral-steps';
import { createEndpointByHand } from '../support/spoke';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture({ queueSettings: { 'connection-acceptance': { batchingWindowSeconds: 40 } } });
});

afterAll(async () => {
  await fx?.stop();
});

describe('a Connect notification delivered 40 s after its connection was created', () => {
  it('is still deferred, so its hand-off decides it on trust: no Organizations read', async () => {
    // Prepare
    const { member, vpc } = await memberWithTaggedVpc(fx, 'backlog');
    const readsBefore = describeAccountCalls(fx);

    // Act
    const { endpointId } = await createEndpointByHand(member.ec2, vpc, fx.cp.hub.serviceName, [vpc.subnets[0]?.subnetId ?? '']);
    await deferred(fx, endpointId);
    expect(fx.putOnHubBus(handOff(fx, member, vpc, endpointId))).toBeUndefined();
    await fx.until('the connection is available', async () => (await stateOf(fx, member, endpointId)) === 'available');
    await fx.cp.idle();

    // Assess
    expect(describeAccountCalls(fx)).toBe(readsBefore);
    const [deferral, ...more] = fx.logs.audits({ endpointId, action: 'connection.defer' });
    expect(more).toEqual([]);
    // Queued at once after the creation, though delivered 40 s later.
    expect(deferral?.reason).toMatch(/queued \d+\.\d s after the connection's creation/);
    expect(fx.logs.audits({ endpointId, action: 'connection.accept' })[0]?.reason).toContain('in scope when the control plane read it');
  });
});
