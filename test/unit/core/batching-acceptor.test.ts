import { mapSettled } from '../../../functions/converge/bounded';
import { BatchingAcceptor } from '../../../functions/converge/acceptor';

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `vpce-${prefix}${i}`);

function recordingAcceptor(options: { failFirst?: boolean } = {}) {
  const flushes: string[][] = [];
  const errors: string[][] = [];
  const acceptor = new BatchingAcceptor({
    batchSize: 100,
    flushAfterMs: 1_000,
    flush: (endpointIds) => {
      flushes.push(endpointIds);
      return options.failFirst === true && flushes.length === 1 ? Promise.reject(new Error('throttled')) : Promise.resolve();
    },
    onFlushError: (_error, endpointIds) => errors.push([...endpointIds]),
  });
  return { acceptor, flushes, errors };
}

describe('BatchingAcceptor', () => {
  it('accepts a full batch while later accounts are still being converged', async () => {
    const { acceptor, flushes } = recordingAcceptor();
    const flushesSeenByLastAccount: number[] = [];
    const accounts = [ids('a', 60), ids('b', 60), ids('c', 60)];
    await mapSettled(accounts, 1, async (endpointIds) => {
      if (endpointIds === accounts[2]) {
        // Let the flush kicked off by the second account run before this last account finishes.
        await new Promise((resolve) => setImmediate(resolve));
        flushesSeenByLastAccount.push(flushes.length);
      }
      for (const id of endpointIds) acceptor.notify(id);
    });
    expect(flushesSeenByLastAccount).toEqual([1]);
    expect(flushes[0]).toEqual([...ids('a', 60), ...ids('b', 40)]);
    await acceptor.drain();
    expect(flushes.map((f) => f.length)).toEqual([100, 80]);
  });

  it('flushes a partial batch after the interval without waiting for more endpoints', async () => {
    jest.useFakeTimers();
    try {
      const { acceptor, flushes } = recordingAcceptor();
      acceptor.notify('vpce-1');
      acceptor.notify('vpce-2');
      expect(flushes).toEqual([]);
      jest.advanceTimersByTime(1_000);
      await acceptor.drain();
      expect(flushes).toEqual([['vpce-1', 'vpce-2']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('queues an endpoint once however often it is reported and never sends more than 100 ids per flush', async () => {
    const { acceptor, flushes } = recordingAcceptor();
    for (const id of [...ids('x', 250), ...ids('x', 250)]) acceptor.notify(id);
    await acceptor.drain();
    expect(flushes.map((f) => f.length)).toEqual([100, 100, 50]);
    expect(new Set(flushes.flat()).size).toBe(250);
  });

  it('batches the endpoints created while an accept is in flight instead of sending them one by one', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const flushes: string[][] = [];
    const acceptor = new BatchingAcceptor({
      batchSize: 100,
      flushAfterMs: 1_000,
      flush: async (endpointIds) => {
        flushes.push(endpointIds);
        if (flushes.length === 1) await gate;
      },
      onFlushError: (error) => {
        throw error;
      },
    });
    for (const id of ids('z', 100)) acceptor.notify(id);
    for (const id of ids('w', 150)) acceptor.notify(id);
    expect(flushes.map((f) => f.length)).toEqual([100]);
    release();
    await acceptor.drain();
    expect(flushes.map((f) => f.length)).toEqual([100, 100, 50]);
  });

  it('reports a failed flush and still flushes the batches after it', async () => {
    const { acceptor, flushes, errors } = recordingAcceptor({ failFirst: true });
    for (const id of ids('y', 150)) acceptor.notify(id);
    await acceptor.drain();
    expect(errors).toEqual([ids('y', 100)]);
    expect(flushes.map((f) => f.length)).toEqual([100, 50]);
  });

  it('does nothing on drain when no endpoint was reported', async () => {
    const { acceptor, flushes } = recordingAcceptor();
    await acceptor.drain();
    expect(flushes).toEqual([]);
  });
});
