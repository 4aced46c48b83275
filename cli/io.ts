import type { ProgressStream } from './progress';

/** Where a command writes: the process streams in the CLI, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): boolean };
  /** Progress and notes: never mixed into stdout, so `--json | jq` works. */
  readonly stderr: ProgressStream;
  readonly json: boolean;
}

export function processIo(json: boolean): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, json };
}

/** One JSON document for machines, or the text for people. */
export function emit(io: CliIo, value: unknown, text: () => string): void {
  io.stdout.write(io.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

export function note(io: CliIo, message: string): void {
  io.stderr.write(`note: ${message}\n`);
}
