/**
 * The README's local walkthrough, run as a user would paste it: `npm run local` in its own process (on a free port,
 * emulated time 10x faster), then the README's block in bash, with a stand-in for the AWS CLI on the PATH
 * (test/support/aws-cli/aws.ts) that sends each command with the real SDK over HTTP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** The bash block between the README's walkthrough markers. */
function walkthroughScript(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- walkthrough:start[^>]*-->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no walkthrough block');
  return block;
}

/** A directory with `aws` in it: the stand-in, run by tsx. */
function awsOnPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aws-cli-'));
  const launcher = join(dir, 'aws');
  writeFileSync(launcher, `#!/bin/sh\nexec "${TSX}" "${join(ROOT, 'test', 'support', 'aws-cli', 'aws.ts')}" "$@"\n`);
  chmodSync(launcher, 0o755);
  return dir;
}

let local: ChildProcess | undefined;
let banner = '';

/** `npm run local` on a free port; resolves with its URL once it says it listens and has printed its banner. */
async function startNpmRunLocal(): Promise<string> {
  local = spawn(TSX, [join(ROOT, 'local', 'serve.ts'), '--port', '0', '--time-scale', '10'], { cwd: ROOT, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  local.stderr?.resume();
  return new Promise((resolve, reject) => {
    local?.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8');
      const url = /Local cloud listening on (http:\/\/\S+)/.exec(banner)?.[1];
      if (url !== undefined && banner.includes('POLICY_BUCKET=')) resolve(url);
    });
    local?.once('exit', (code) => reject(new Error(`npm run local exited (${code}): ${banner}`)));
  });
}

afterAll(() => {
  local?.kill('SIGTERM');
});

describe("the README's local walkthrough", () => {
  it('ends with an available endpoint in a VPC of a new account', async () => {
    // Prepare
    const url = await startNpmRunLocal();
    const script = walkthroughScript().replaceAll('http://127.0.0.1:4566', url);

    // Act
    const run = spawnSync('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: `${awsOnPath()}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? tmpdir() },
      encoding: 'utf8',
      timeout: 150_000,
    });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').pop()).toMatch(/^vpce-[0-9a-f]{17}\tavailable$/);
  }, 180_000);

  it('npm run local prints the RAM share of the discovery parameters and the settings for npx egress', () => {
    // Assess (the banner of the run above)
    expect(banner).toMatch(/RAM share of the discovery parameters arn:aws:ram:eu-west-2:222222222222:resource-share\/\S+/);
    expect(banner).toMatch(/export RAM_SHARE_ARN=arn:aws:ram:\S+ POLICY_BUCKET=\S+/);
    expect(banner).toMatch(/export HUB_SERVICE_ID=vpce-svc-[0-9a-f]+ ORG_READ_ROLE_ARN=arn:aws:iam::111111111111:role\/EgressOrganizationsReadRole/);
  });
});
