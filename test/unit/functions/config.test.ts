import { ConfigurationError, loadConfig } from '../../../functions/shared/config';

const valid = {
  HUB_SERVICE_ID: 'vpce-svc-0123456789abcdef0',
  HUB_SERVICE_NAME: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0',
  HUB_EVENT_BUS_NAME: 'egress-control-plane',
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      spokeRoleName: 'EgressProxySpokeRole',
      proxyTag: { key: 'egress-proxy', value: 'enabled' },
      proxyPort: 3128,
      maxAttempts: 5,
      reconcileConcurrency: 8,
      orgReadRoleArn: undefined,
      ramShareArn: undefined,
      scope: { inScopeOuIds: [], excludedAccountIds: [] },
      partition: 'aws',
      acceptanceQueueUrl: undefined,
      hubConnectionCallers: 1,
    });
  });

  it("takes how many environments share the hub's Accept bucket, a whole number from 1 to 100", () => {
    expect(loadConfig({ ...valid, HUB_CONNECTION_CALLERS: '2' }).hubConnectionCallers).toBe(2);
    expect(loadConfig({ ...valid, HUB_CONNECTION_CALLERS: '100' }).hubConnectionCallers).toBe(100);
    for (const bad of ['0', '101', '1.5', 'two']) expect(() => loadConfig({ ...valid, HUB_CONNECTION_CALLERS: bad })).toThrow(/HUB_CONNECTION_CALLERS/);
  });

  it('takes the acceptance queue URL (deferral on) and refuses what is no URL', () => {
    const url = 'https://sqs.eu-west-2.amazonaws.com/222222222222/EgressProxy-connection-acceptance';
    expect(loadConfig({ ...valid, ACCEPTANCE_QUEUE_URL: url }).acceptanceQueueUrl).toBe(url);
    expect(loadConfig({ ...valid, ACCEPTANCE_QUEUE_URL: ' ' }).acceptanceQueueUrl).toBeUndefined();
    expect(() => loadConfig({ ...valid, ACCEPTANCE_QUEUE_URL: 'EgressProxy-connection-acceptance' })).toThrow(/ACCEPTANCE_QUEUE_URL: must be an SQS queue URL/);
  });

  it('takes the partition the stack deploys in (AWS::Partition), for the ARNs it builds', () => {
    expect(loadConfig({ ...valid, PARTITION: 'aws-cn' }).partition).toBe('aws-cn');
  });

  it('splits comma lists and ignores blanks', () => {
    const config = loadConfig({ ...valid, IN_SCOPE_OU_IDS: 'ou-ab12-11111111, ,r-ab12', EXCLUDED_ACCOUNT_IDS: '123456789012,' });
    expect(config.scope).toEqual({ inScopeOuIds: ['ou-ab12-11111111', 'r-ab12'], excludedAccountIds: ['123456789012'] });
  });

  it('treats an empty optional ARN as unset', () => {
    expect(loadConfig({ ...valid, ORG_READ_ROLE_ARN: '' }).orgReadRoleArn).toBeUndefined();
  });

  it.each([
    ['HUB_SERVICE_ID', { HUB_SERVICE_ID: undefined }],
    ['HUB_SERVICE_ID', { HUB_SERVICE_ID: 'svc-123' }],
    ['EXCLUDED_ACCOUNT_IDS', { EXCLUDED_ACCOUNT_IDS: '1234' }],
    ['ORG_READ_ROLE_ARN', { ORG_READ_ROLE_ARN: 'not-an-arn' }],
    ['AWS_MAX_ATTEMPTS', { AWS_MAX_ATTEMPTS: 'many' }],
    ['PROXY_TAG_KEY', { PROXY_TAG_KEY: 'egress-proxy-managed:x' }],
    ['PARTITION', { PARTITION: 'arn:aws' }],
  ])('names %s when it is invalid', (variable, override) => {
    expect(() => loadConfig({ ...valid, ...override })).toThrow(ConfigurationError);
    expect(() => loadConfig({ ...valid, ...override })).toThrow(variable);
  });
});
