/** The operator CLI run inside the test process: parsed alone, or whole with its output captured. */
import type { CliIo } from '../../cli/io';
import { runCli } from '../../cli/main';
import { buildProgram, type Invocation } from '../../cli/program';

/** Parses a command line with a recording `invoke`, commander's exits turned into throws. */
export async function parseCommandLine(argv: string[], env: Record<string, string | undefined> = {}): Promise<Invocation> {
  const seen: Invocation[] = [];
  const program = buildProgram(async (invocation) => {
    seen.push(invocation);
    return Promise.resolve();
  }, env, { writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(argv, { from: 'user' });
  const [invocation] = seen;
  if (invocation === undefined) throw new Error('no command ran');
  return invocation;
}

export interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `egress <argv>` with stdout and stderr captured; stderr is not a terminal, as in CI. `width` makes stdout a
 * terminal of that many columns (tables fit it); without it stdout is a pipe.
 */
export async function runEgress(argv: string[], env: NodeJS.ProcessEnv = process.env, options: { width?: number } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = (json: boolean): CliIo => ({
    json,
    ...(options.width === undefined ? {} : { width: options.width }),
    stdout: {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    stderr: {
      isTTY: false,
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
  });
  const exitCode = await runCli(argv, { env, io });
  return { exitCode, stdout, stderr };
}

/** `egress <argv>` with the test process's environment (the local cloud's endpoint and credentials). */
export function egress(...argv: string[]): Promise<Run> {
  return runEgress(argv);
}
