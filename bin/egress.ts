// First: it settles which Node warnings print before any SDK client exists.
import './node-support';
import { logger } from '../functions/shared/logger';
import { processIo } from '../cli/io';
import { runCli } from '../cli/main';

// The reconciler's audit records are for CloudWatch; on an operator's terminal they would bury the table.
logger.setLogLevel('SILENT');

runCli(process.argv.slice(2), { env: process.env, io: processIo }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`egress: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
