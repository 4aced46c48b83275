/**
 * "Let the queues drain" under delivery faults: the bus is idle only for what it has received, while the cloud may
 * still hold delayed events and notifications. Settled = every delivery the cloud owes has been made (sent, minus
 * dropped, plus duplicates) and the bus has nothing queued or in flight, twice in a row (a handler run can emit more).
 */
import type { LocalControlPlane } from '../../../local/runner/control-plane';
import { waitUntil } from '../../integration/support/wait';

interface DeliveryCounters {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

const owed = (c: DeliveryCounters) => c.sent - c.dropped + c.duplicated - c.delivered;

function deliveriesOwed(cp: LocalControlPlane): number {
  const { events, notifications } = cp.cloud.metrics();
  return owed(events) + owed(notifications);
}

export async function settle(cp: LocalControlPlane): Promise<void> {
  let quietRounds = 0;
  await waitUntil(
    'the cloud delivered everything it owes and the bus is idle',
    async () => {
      await cp.idle();
      quietRounds = deliveriesOwed(cp) === 0 ? quietRounds + 1 : 0;
      return quietRounds >= 2;
    },
    { timeoutMs: 60_000 },
  );
}
