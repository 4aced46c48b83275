/**
 * The local cloud's CloudWatch Logs FilterLogEvents with the real SDK: the lines a function wrote (LocalCloud.writeLog,
 * as Lambda files them) found by the filter patterns the operator CLI sends.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { startLocalCloud, type LocalCloud } from '../../../local/cloud';

let cloud: LocalCloud;
let logs: CloudWatchLogsClient;
const GROUP = '/aws/lambda/egress-vpc-onboarding';
const line = (record: Record<string, unknown>) => JSON.stringify({ level: 'INFO', function_name: 'egress-vpc-onboarding', ...record });

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0 });
  logs = new CloudWatchLogsClient({ endpoint: cloud.url, region: 'eu-west-2', credentials: { accessKeyId: cloud.world.hubAccountId, secretAccessKey: 'local' } });
  cloud.writeLog(GROUP, 'START RequestId: 1 Version: $LATEST');
  cloud.writeLog(GROUP, line({ message: 'audit', audit: { decision: 'create', dryRun: false } }));
  cloud.writeLog(GROUP, line({ message: 'audit', audit: { decision: 'create', dryRun: true } }));
  cloud.writeLog(GROUP, line({ message: 'malformed record', messageId: 'm-1', reason: 'no resources' }));
  cloud.writeLog(GROUP, line({ message: 'record failed', messageId: 'm-2', error: 'boom', attempt: 3 }));
});

afterAll(async () => {
  logs?.destroy();
  await cloud?.stop();
});

const messages = async (filterPattern: string) =>
  ((await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern }))).events ?? []).map((event) => JSON.parse(event.message ?? '{}') as Record<string, unknown>);

describe('FilterLogEvents', () => {
  it('matches JSON patterns: equality, IS FALSE, && and ||', async () => {
    // Act
    const audits = await messages('{ $.message = "audit" && $.audit.dryRun IS FALSE }');
    const failures = await messages('{ $.messageId = "m-1" || $.messageId = "m-2" }');

    // Assess
    expect(audits.map((a) => (a.audit as { dryRun: boolean }).dryRun)).toEqual([false]);
    expect(failures.map((f) => f.messageId)).toEqual(['m-1', 'm-2']);
  });

  it('matches plain terms, wildcards, numbers and NOT EXISTS', async () => {
    expect((await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'START RequestId' }))).events).toHaveLength(1);
    expect((await messages('{ $.message = "*record*" }')).map((m) => m.message)).toEqual(['malformed record', 'record failed']);
    expect((await messages('{ $.attempt = 3 }')).map((m) => m.messageId)).toEqual(['m-2']);
    expect(await messages('{ $.messageId NOT EXISTS && $.message = "audit" }')).toHaveLength(2);
  });

  it('answers ResourceNotFoundException for a group nobody wrote, and InvalidParameterException for a pattern it cannot read', async () => {
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/nobody' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.a ~ 1 }' }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('keeps groups per account: another account does not see the hub functions\u2019 logs', async () => {
    // Prepare
    const other = new CloudWatchLogsClient({ endpoint: cloud.url, region: 'eu-west-2', credentials: { accessKeyId: '123456789012', secretAccessKey: 'local' } });

    try {
      // Act and assess
      await expect(other.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    } finally {
      other.destroy();
    }
  });
});
