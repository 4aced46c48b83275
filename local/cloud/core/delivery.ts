import type { CloudEvent, LocalCloudSinks } from '../api';
import type { ScaledClock } from './clock';
import type { DeliveryCounters, Metrics } from './metrics';

/** Event delivery faults: AWS delivers events at least once, best effort and unordered. */
export interface DeliveryFaults {
  /** Share of deliveries lost (0..1). */
  drop: number;
  /** Share of deliveries made twice (0..1). */
  duplicate: number;
  /** Each delivery is delayed by a uniform draw from this range, in emulated ms (reorders events). */
  delayMs: readonly [number, number];
}

export const NO_DELIVERY_FAULTS: DeliveryFaults = { drop: 0, duplicate: 0, delayMs: [0, 0] };

const NULL_SINKS: LocalCloudSinks = { onEvent: () => undefined, onNotification: () => undefined };

/**
 * Hands events and notifications to the current sinks, asynchronously (as AWS does: never inside
 * the API call), applying the configured faults from a seeded generator.
 */
export class Delivery {
  private target: LocalCloudSinks = NULL_SINKS;
  /** Stable facade for World.sinks: forwards to whatever sinks are set now, without faults. */
  readonly sinks: LocalCloudSinks = {
    onEvent: (event, busName) => this.target.onEvent(event, busName),
    onNotification: (topicArn, message) => this.target.onNotification(topicArn, message),
  };

  constructor(
    private readonly faults: DeliveryFaults,
    private readonly random: () => number,
    private readonly clock: ScaledClock,
    private readonly metrics: Metrics,
  ) {}

  setSinks(sinks: LocalCloudSinks | undefined): void {
    this.target = sinks ?? NULL_SINKS;
  }

  event(event: CloudEvent, busName: string): void {
    this.metrics.events.sent++;
    this.schedule(this.metrics.events, () => this.target.onEvent(event, busName));
  }

  notification(topicArn: string, message: string): void {
    this.metrics.notifications.sent++;
    this.schedule(this.metrics.notifications, () => this.target.onNotification(topicArn, message));
  }

  private schedule(counters: DeliveryCounters, deliver: () => void): void {
    if (this.random() < this.faults.drop) {
      counters.dropped++;
      return;
    }
    const copies = this.random() < this.faults.duplicate ? 2 : 1;
    if (copies === 2) counters.duplicated++;
    for (let i = 0; i < copies; i++) {
      const [min, max] = this.faults.delayMs;
      const delay = max > 0 ? min + this.random() * (max - min) : 0;
      const run = () => {
        counters.delivered++;
        try {
          deliver();
        } catch (err) {
          // A failing subscriber must not take the emulator down with it; it is reported, and counted
          // so tests can assert that nothing failed.
          counters.sinkErrors++;
          console.error('local cloud: event sink threw', err);
        }
      };
      if (delay > 0) {
        counters.delayed++;
        void this.clock.delay(delay).then(run);
      } else {
        setImmediate(run);
      }
    }
  }
}
