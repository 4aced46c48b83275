/**
 * Behind a backlog longer than the deferral, as when a rollout creates endpoints faster than the hub's Accept rate
 * takes them: the acceptance queue here holds every message 40 s (a batching window longer than DEFER_SECONDS), so a
 * Connect notification reaches acceptance long after its connection's creation. By its age it would be decided on
 * re-read facts (Organizations reads); by its time in the queue it is deferred like any other, and its hand-off,
 * which waited in the same queue, decides it on trust. Its own file: the in-process handlers are bound to one fixture.
 */
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { deferredThenHandedOff } from '../support/deferral-steps';

let fx: ControlPlaneFixture;

beforeAll(async () => {
  fx = await startControlPlaneFixture({ queueSettings: { 'connection-acceptance': { batchingWindowSeconds: 40 } } });
});

afterAll(async () => {
  await fx?.stop();
});

describe('a Connect notification delivered 40 s after its connection was created', () => {
  it('is still deferred, so its hand-off decides it on trust: no Organizations read', async () => {
    const { endpointId, organizationReads } = await deferredThenHandedOff(fx, 'backlog');

    expect(organizationReads).toBe(0);
    const [deferral, ...more] = fx.logs.audits({ endpointId, action: 'connection.defer' });
    expect(more).toEqual([]);
    // Queued at once after the creation, though delivered 40 s later.
    expect(deferral?.reason).toMatch(/queued \d+\.\d s after the connection's creation/);
    expect(fx.logs.audits({ endpointId, action: 'connection.accept' })[0]?.reason).toContain('in scope when the control plane read it');
  });
});
