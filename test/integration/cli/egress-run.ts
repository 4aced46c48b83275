/** Runs `egress <argv>` in this process with stdout and stderr captured; stderr is not a terminal, as in CI. */
import { runCli } from '../../../cli/main';
import type { CliIo } from '../../../cli/io';

export interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function egress(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = (json: boolean): CliIo => ({
    json,
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
  const exitCode = await runCli(argv, { env: process.env, io });
  return { exitCode, stdout, stderr };
}
