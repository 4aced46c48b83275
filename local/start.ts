/**
 * `npm start`: the control plane end to end on the local cloud. Starts the emulator and the control plane
 * in this process, plays the onboarding story, narrates every decision from the audit trail, prints the
 * final state and exits 0 only if every promise of the story held.
 */
// First: it settles which Node warnings print before any SDK client exists.
import '../bin/node-support';
import { join } from 'node:path';
import { captureAuditRecords } from './demo/audit-capture';
import { playScenario } from './demo/scenario';
import { startLocalControlPlane } from './runner/control-plane';

const RAW_LOG = join(process.cwd(), '.tmp', 'demo-handler-logs.jsonl');

async function main(): Promise<number> {
  const started = Date.now();
  // Emulated time runs 10x faster: batching windows and pending -> available take a tenth of AWS's time.
  const cp = await startLocalControlPlane({ cloud: { port: 0, timeScale: 10 }, bus: { timeScale: 10 } });
  const audit = captureAuditRecords(RAW_LOG);
  const print = (line: string) => audit.print(line);
  try {
    print(`Local cloud at ${cp.cloud.url}`);
    print(`  management account ${cp.cloud.world.managementAccountId}, hub account ${cp.cloud.world.hubAccountId} (${cp.region})`);
    print(`  endpoint service ${cp.hub.serviceName} (${cp.hub.serviceId}), acceptance required`);
    const { checks } = await playScenario(cp, audit, print);
    const failed = checks.filter((check) => !check.held);
    const deadLetters = cp.bus.deadLetters();
    print(`\n${checks.length - failed.length}/${checks.length} checks held; ${audit.all().length} audit records; ${deadLetters.length} dead-lettered messages`);
    print(`Raw handler logs: ${RAW_LOG}`);
    print(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return failed.length === 0 ? 0 : 1;
  } finally {
    audit.restore();
    await cp.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`npm start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
