/**
 * One execution environment of a control plane function (a child process of the local runner, started from the
 * function's bundle, function-bundles.ts): once the handler's modules are loaded (the cold start), it runs each
 * invocation the runner sends with a Lambda context whose remaining time counts down the function's timeout in
 * emulated time, and answers with the outcome, the handler's emulated duration, the process's peak memory and CPU.
 */
import { createLambdaContext } from '../bus/lambda-context';
import type { InvokeMessage, WorkerMessage } from './function-protocol';
import { emulatedNow, initStartedAt, settings } from './worker-clock';

type Handler = (event: unknown, context: ReturnType<typeof createLambdaContext>) => Promise<unknown>;

const send = (message: WorkerMessage) => process.send?.(message);
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

export function serveInvocations(handler: Handler): void {
  if (process.send === undefined) throw new Error('a function worker needs an IPC channel to the local runner');
  send({ type: 'ready', initMs: performance.now() - initStartedAt, maxRssBytes: maxRssBytes() });
  process.on('message', (message: InvokeMessage) => {
    void invoke(handler, message);
  });
  // The runner closes the channel when it stops: nothing is left to do then.
  process.on('disconnect', () => process.exit(0));
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  const context = { ...createLambdaContext(settings, emulatedNow), awsRequestId: message.awsRequestId };
  const started = emulatedNow();
  let outcome: Extract<WorkerMessage, { type: 'result' }>['outcome'];
  try {
    outcome = { ok: true, value: await handler(message.event, context) };
  } catch (error) {
    const { name, message: text } = error instanceof Error ? error : new Error(String(error));
    outcome = { ok: false, name, message: withFirstRecordError(error, text) };
  }
  const cpu = process.cpuUsage();
  send({ type: 'result', id: message.id, outcome, emulatedMs: emulatedNow() - started, maxRssBytes: maxRssBytes(), cpuMs: (cpu.user + cpu.system) / 1000 });
}

/**
 * Powertools' FullBatchFailureError says only "All records failed processing. See individual errors below": the
 * errors below are in the function's log, which the benchmarks silence. The first record's reason goes with it.
 */
function withFirstRecordError(error: unknown, message: string): string {
  const [first] = (error as { recordErrors?: unknown[] } | null)?.recordErrors ?? [];
  return first instanceof Error ? `${message} (first record: ${first.name}: ${first.message})` : message;
}
