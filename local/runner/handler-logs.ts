/**
 * In Lambda, whatever a function writes lands in its CloudWatch log group; here the handlers share this process's
 * stdout and stderr. Each JSON line a handler logs (Powertools names the function in `function_name`) is copied to
 * `/aws/lambda/<function name>` in the local cloud, so `npx egress status` (last audit decision) and `npx egress
 * dead-letters` (the handler's reason) read it with FilterLogEvents as they would in AWS. The lines still go where
 * they went (the terminal, a test's capture).
 */
import type { LocalCloud } from '../cloud';

/** The log group Lambda gives a function by default, which the runner's functions use. */
export const functionLogGroup = (functionName: string) => `/aws/lambda/${functionName}`;

/** Starts copying; the returned function stops it (and restores the streams unless someone wrapped them since). */
export function copyHandlerLogsTo(cloud: LocalCloud): () => void {
  let active = true;
  const restores = [process.stdout, process.stderr].map((stream) => {
    // Kept unbound on purpose: the wrapper calls it with the stream as `this`, as the stream would.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = stream.write;
    let pending = '';
    const wrapper = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) {
      if (active) {
        pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) copy(cloud, line);
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    stream.write = wrapper;
    return () => {
      if (stream.write === wrapper) stream.write = original;
    };
  });
  return () => {
    active = false;
    for (const restore of restores) restore();
  };
}

function copy(cloud: LocalCloud, line: string): void {
  if (!line.startsWith('{')) return;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    // Not a handler's JSON line: nothing Lambda would file under a function.
    return;
  }
  const functionName = (record as { function_name?: unknown }).function_name;
  if (typeof functionName === 'string') cloud.writeLog(functionLogGroup(functionName), line);
}
