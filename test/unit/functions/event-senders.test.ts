/** The senders an invocation registers are what its audit records name, per correlation id, and nowhere else. */
import { senderOf, withEventSenders } from '../../../functions/shared/event-senders';

describe('event senders', () => {
  it('names the sender of each event behind a correlation id, a batch of ids joined as the ids are', async () => {
    // Act
    const seen = await withEventSenders(
      [
        ['event-a', '333333333333'],
        ['event-b', '111111111111'],
        ['event-c', '333333333333'],
        ['notification', undefined],
      ],
      () => Promise.resolve([senderOf('event-a'), senderOf('event-a,event-b,event-c'), senderOf('notification'), senderOf('unknown')]),
    );

    // Assess
    expect(seen).toEqual(['333333333333', '111111111111,333333333333', undefined, undefined]);
  });

  it('adds an inner registration to the outer one, and forgets both outside', async () => {
    const inner = await withEventSenders([['event-a', '333333333333']], () =>
      withEventSenders([['run-1', '222222222222']], () => Promise.resolve([senderOf('event-a'), senderOf('run-1')])),
    );

    expect(inner).toEqual(['333333333333', '222222222222']);
    expect(senderOf('event-a')).toBeUndefined();
  });

  it('keeps concurrent invocations apart across awaits', async () => {
    const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    const [first, second] = await Promise.all([
      withEventSenders([['shared-id', '333333333333']], async () => {
        await after(10);
        return senderOf('shared-id');
      }),
      withEventSenders([['shared-id', '444444444444']], async () => {
        await after(1);
        return senderOf('shared-id');
      }),
    ]);

    expect([first, second]).toEqual(['333333333333', '444444444444']);
  });
});
