/**
 * The mistakes people make setting the CLI up are usage errors (exit 2) with a sentence naming the flag, not
 * "errors in the organization" (exit 1) with a raw Node or SDK error.
 */
import { createServer } from 'node:net';
import { runEgress } from '../../support/egress-cli';

const env = { AWS_REGION: 'eu-west-2', HUB_SERVICE_ID: 'vpce-svc-0123456789abcdef0', AWS_ACCESS_KEY_ID: '222222222222', AWS_SECRET_ACCESS_KEY: 'local' };

/** A port nothing listens on: one the system just handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('setup mistakes', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    // The SDK's credential chain reads the process environment, not the CLI's.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_ENDPOINT_URL;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('nothing listening at the endpoint: exit 2 naming --endpoint-url', async () => {
    // Prepare
    const endpoint = `http://127.0.0.1:${await closedPort()}`;

    // Act
    const run = await runEgress(['status', '--endpoint-url', endpoint, '--max-attempts', '1'], env);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`egress: cannot reach ${endpoint.replace('http://', '')}: nothing is listening there (ECONNREFUSED): check --endpoint-url (or AWS_ENDPOINT_URL)`);
  });

  it.each([
    [['--endpoint-url', 'not-a-url'], '--endpoint-url "not-a-url" is not an http(s) URL'],
    [['--role-arn', 'not-an-arn'], '--role-arn "not-an-arn" is not an IAM role ARN'],
    [['--region', 'mars-1'], '--region "mars-1" is not an AWS region'],
    [['--region', 'eu-west-9'], '--region "eu-west-9" is not an AWS region (did you mean eu-west-'],
  ])('%j: exit 2 with a sentence naming the flag', async (flags, sentence) => {
    // Act
    const runs = await Promise.all(['status', 'plan', 'reconcile'].map((command) => runEgress([command, ...flags], env)));

    // Assess: the same answer whichever command, before any AWS call
    for (const run of runs) {
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain(`egress: ${sentence}`);
    }
  });

  it('checks the same flags on the --function-name path', async () => {
    // Act
    const run = await runEgress(['plan', '--function-name', 'egress-reconciler', '--role-arn', 'arn:aws:iam::12:role/x'], env);

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('is not an IAM role ARN');
  });

  it('names the variable when the mistake comes from the environment', async () => {
    // Act
    const run = await runEgress(['status'], { ...env, AWS_REGION: 'mars-east-1' });

    // Assess
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('AWS_REGION "mars-east-1" is not an AWS region');
  });
});
