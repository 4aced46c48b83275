/** The interval of an EventBridge `rate(...)` expression; cron schedules are not emulated. */
const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };

export function scheduleIntervalSeconds(expression: string): number {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression.trim());
  const value = Number(match?.[1]);
  const unit = match?.[2];
  if (!unit || !(value > 0)) {
    throw new Error(`unsupported schedule expression ${JSON.stringify(expression)}: the local bus runs rate(N unit) only`);
  }
  if ((value === 1) !== !/s\)$/.test(expression.trim())) {
    throw new Error(`invalid schedule expression ${JSON.stringify(expression)}: use "1 hour" but "2 hours", as EventBridge requires`);
  }
  return value * (UNIT_SECONDS[unit] ?? 0);
}
