/**
 * `npx egress` as a user runs it, in its own process: its output holds what the command says, not the AWS SDK's
 * Node 20 support notice, and a user who asks for that notice still gets it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ENTRY = join(__dirname, '../../../bin/egress.cjs');
const onNode20 = process.versions.node.startsWith('20.');

/** A command that builds SDK clients and fails fast: nothing listens on port 1. */
function runEntry(extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: '222222222222', AWS_SECRET_ACCESS_KEY: 'local', HUB_SERVICE_ID: 'vpce-svc-0123456789abcdef0', ...extraEnv };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  Object.assign(env, extraEnv);
  return spawnSync(process.execPath, [ENTRY, 'status', '--region', 'eu-west-2', '--endpoint-url', 'http://127.0.0.1:1', '--max-attempts', '1'], { env, encoding: 'utf8' });
}

describe('the egress entry point', () => {
  it('prints only its own sentence, without the SDK notice about future Node versions', () => {
    // Act
    const run = runEntry();

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^egress: cannot reach 127\.0\.0\.1:1: nothing is listening there/)]);
  });

  it('keeps the notice for whoever sets the SDK switch themselves', () => {
    // Act
    const run = runEntry({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });

    // Assess: the SDK prints it on Node 20 only
    expect(run.stderr.includes('NodeVersionSupportWarning')).toBe(onNode20);
  });
});
