export interface DeliveryCounters {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  sinkErrors: number;
}

const deliveryCounters = (): DeliveryCounters => ({ sent: 0, delivered: 0, dropped: 0, duplicated: 0, delayed: 0, sinkErrors: 0 });

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Counters for GET /_local/metrics, so benchmarks and tests can see what the emulator did. */
export class Metrics {
  readonly startedAt = Date.now();
  readonly calls = new Map<string, number>();
  readonly throttled = new Map<string, number>();
  readonly faults = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly events = deliveryCounters();
  readonly notifications = deliveryCounters();

  count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  toJSON(): unknown {
    const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
    const uptimeSeconds = (Date.now() - this.startedAt) / 1000;
    return {
      uptimeSeconds,
      totals: {
        calls: total(this.calls),
        throttled: total(this.throttled),
        faults: total(this.faults),
        errors: total(this.errors),
      },
      calls: Object.fromEntries(this.calls),
      throttled: Object.fromEntries(this.throttled),
      faults: Object.fromEntries(this.faults),
      errors: Object.fromEntries(this.errors),
      events: this.events,
      notifications: this.notifications,
      // The serving process's CPU time: a benchmark divides it by calls for a cost per call that does
      // not depend on how busy the machine is.
      process: { cpuMs: cpuMs(), rssMb: Math.round(process.memoryUsage.rss() / 1e6) },
    };
  }
}
