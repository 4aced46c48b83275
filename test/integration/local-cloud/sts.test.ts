/** STS through the real SDK: the account convention, AssumeRole trust, GetCallerIdentity, errors. */
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { LOCAL_DEFAULTS } from '../../../local/cloud/api';
import { HUB, MANAGEMENT, rejectionOf, startHarness } from './cloud-harness';
import type { CloudHarness, Credentials } from './cloud-harness';

const SPOKE = '333333333333';
const controlPlaneRole = `arn:aws:iam::${HUB}:role/${LOCAL_DEFAULTS.controlPlaneRoleName}`;
const spokeRole = (account: string) => `arn:aws:iam::${account}:role/${LOCAL_DEFAULTS.spokeRoleName}`;

let h: CloudHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

async function assume(credentials: string | Credentials, roleArn: string, sessionName = 'test'): Promise<Credentials> {
  const { Credentials: creds } = await h.sts(credentials).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
  if (!creds?.AccessKeyId || !creds.SecretAccessKey || !creds.SessionToken) throw new Error('no credentials');
  return { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
}

describe('GetCallerIdentity', () => {
  it('treats a 12-digit access key id as that account root', async () => {
    // Act
    const identity = await h.sts(SPOKE).send(new GetCallerIdentityCommand({}));
    // Assess
    expect(identity).toMatchObject({ Account: SPOKE, Arn: `arn:aws:iam::${SPOKE}:root`, UserId: SPOKE });
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports the assumed-role session for temporary credentials', async () => {
    const creds = await assume(HUB, controlPlaneRole, 'reconciler');
    const identity = await h.sts(creds).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(HUB);
    expect(identity.Arn).toBe(`arn:aws:sts::${HUB}:assumed-role/${LOCAL_DEFAULTS.controlPlaneRoleName}/reconciler`);
    expect(identity.UserId).toMatch(/^AROA[A-Z0-9]{17}:reconciler$/);
  });
});

describe('AssumeRole', () => {
  it('issues ASIA credentials bound to the role account, with AssumedRoleUser and Expiration', async () => {
    const before = Date.now();
    const out = await h.sts(HUB).send(new AssumeRoleCommand({ RoleArn: controlPlaneRole, RoleSessionName: 's1', DurationSeconds: 900 }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThanOrEqual(before + 899_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${HUB}:assumed-role/${LOCAL_DEFAULTS.controlPlaneRoleName}/s1`);
  });

  it('lets the control plane role, and only it, into a spoke account role', async () => {
    const controlPlane = await assume(HUB, controlPlaneRole);
    // Allowed: the spoke role trusts exactly the control plane role.
    const spoke = await assume(controlPlane, spokeRole(SPOKE), 'onboard');
    const identity = await h.sts(spoke).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(SPOKE);
    // Denied: the hub root is not the control plane role.
    const denied = await rejectionOf(h.sts(HUB).send(new AssumeRoleCommand({ RoleArn: spokeRole(SPOKE), RoleSessionName: 'probe' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toContain(`arn:aws:iam::${HUB}:root is not authorized to perform: sts:AssumeRole`);
  });

  it('denies a role whose trust policy does not name the caller, even in the same account', async () => {
    const denied = await rejectionOf(h.sts(SPOKE).send(new AssumeRoleCommand({ RoleArn: spokeRole(SPOKE), RoleSessionName: 'probe' })));
    expect(denied.name).toBe('AccessDenied');
  });

  it('denies a missing role, and again after the spoke role is switched off, until it is back', async () => {
    const controlPlane = await assume(HUB, controlPlaneRole);
    const missing = await rejectionOf(h.sts(controlPlane).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${SPOKE}:role/Nope`, RoleSessionName: 'probe' })));
    expect(missing.name).toBe('AccessDenied');

    const off = await fetch(`${h.cloud.url}/_local/accounts/${SPOKE}/spoke-role`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    expect(off.status).toBe(200);
    const roleOff = await rejectionOf(h.sts(controlPlane).send(new AssumeRoleCommand({ RoleArn: spokeRole(SPOKE), RoleSessionName: 'probe' })));
    expect(roleOff.name).toBe('AccessDenied');

    await fetch(`${h.cloud.url}/_local/accounts/${SPOKE}/spoke-role`, { method: 'POST', body: JSON.stringify({ enabled: true }) });
    await expect(assume(controlPlane, spokeRole(SPOKE))).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) as unknown });
  });

  it('gives the organization read role to the control plane in the management account', async () => {
    const controlPlane = await assume(HUB, controlPlaneRole);
    const creds = await assume(controlPlane, `arn:aws:iam::${MANAGEMENT}:role/${LOCAL_DEFAULTS.organizationsReadRoleName}`);
    const identity = await h.sts(creds).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(MANAGEMENT);
  });

  it('rejects malformed input with ValidationError and an unknown session key with InvalidClientTokenId', async () => {
    const invalid = await rejectionOf(h.sts(HUB).send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'probe' })));
    expect(invalid.name).toBe('ValidationError');
    expect(invalid.$metadata.httpStatusCode).toBe(400);
    const forged = await rejectionOf(
      h.sts({ accessKeyId: 'ASIAFORGEDFORGED1234', secretAccessKey: 'x', sessionToken: 'y' }).send(new GetCallerIdentityCommand({})),
    );
    expect(forged.name).toBe('InvalidClientTokenId');
    expect(forged.$metadata.httpStatusCode).toBe(403);
  });
});
