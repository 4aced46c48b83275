export { createLambdaContext, type FunctionIdentity } from './lambda-context';
export {
  LocalEventBus,
  type BusActivity,
  type BusLocation,
  type BusStats,
  type LocalEventBusOptions,
  type ScheduledFunction,
} from './local-event-bus';
export type { ConsumerOptions, DeadLetter, LocalQueue, QueueSettings, QueueStats, SqsConsumer } from './local-queue';
export { compilePattern, InvalidEventPatternError, matchesPattern, type CompiledPattern } from './pattern-matcher';
export { scheduleIntervalSeconds } from './schedule-expression';
export { scaledTimers, type Timers } from './timers';
