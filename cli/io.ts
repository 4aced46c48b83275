import type { ProgressStream } from './progress';

/** Where a command writes: the process streams in the CLI, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): boolean };
  /** The terminal's width when stdout is one: tables fit it. Undefined for a pipe or a file (nothing is folded). */
  readonly width?: number;
  /** Progress and notes: never mixed into stdout, so `--json | jq` works. */
  readonly stderr: ProgressStream;
  readonly json: boolean;
}

export function processIo(json: boolean): CliIo {
  const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined;
  return { stdout: process.stdout, stderr: process.stderr, json, ...(width === undefined ? {} : { width }) };
}

/** One JSON document for machines, or the text for people. */
export function emit(io: CliIo, value: unknown, text: () => string): void {
  io.stdout.write(io.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

export function note(io: CliIo, message: string): void {
  io.stderr.write(`note: ${message}\n`);
}
