import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { assumeRoleCredentials, sessionNameFor } from '../../../functions/aws/assume-role';

const stsMock = mockClient(STSClient);
const sts = new STSClient({ region: 'eu-west-2' });
const ROLE = 'arn:aws:iam::333333333333:role/EgressProxySpokeRole';

beforeEach(() => stsMock.reset());

describe('assumeRoleCredentials', () => {
  it('assumes once and reuses the credentials until shortly before they expire', async () => {
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'AKIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
    });
    const provider = assumeRoleCredentials(sts, ROLE, 'egress-evt-1');

    const [first, second] = await Promise.all([provider(), provider()]);

    expect(first.accessKeyId).toBe('AKIA1');
    expect(second).toBe(first);
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE, RoleSessionName: 'egress-evt-1', DurationSeconds: 3600 });
  });

  it('assumes again when the cached credentials are about to expire', async () => {
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'AKIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 60_000) },
    });
    const provider = assumeRoleCredentials(sts, ROLE, 'egress-evt-1');
    await provider();
    await provider();
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('does not cache a failure', async () => {
    stsMock.on(AssumeRoleCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' })).resolves({
      Credentials: { AccessKeyId: 'AKIA2', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
    });
    const provider = assumeRoleCredentials(sts, ROLE, 'egress-evt-1');
    await expect(provider()).rejects.toThrow('denied');
    expect((await provider()).accessKeyId).toBe('AKIA2');
  });
});

describe('sessionNameFor', () => {
  it('keeps the allowed characters and at most 64 of them', () => {
    expect(sessionNameFor('egress', 'a b/c')).toBe('egress-a-b-c');
    expect(sessionNameFor('egress', 'x'.repeat(100))).toHaveLength(64);
  });
});
