import { CliConfigurationError, resolveSettings } from '../../../cli/settings';

const env = { AWS_REGION: 'eu-west-2', HUB_SERVICE_ID: 'vpce-svc-0123abcd', PROXY_TAG_KEY: 'from-env' };

describe('CLI settings', () => {
  it('reads the functions variables and lets flags override them', () => {
    const settings = resolveSettings({ proxyTagKey: 'from-flag', region: 'us-east-2' }, env);

    expect(settings.region).toBe('us-east-2');
    expect(settings.config.proxyTag.key).toBe('from-flag');
    expect(settings.config.hubServiceId).toBe('vpce-svc-0123abcd');
  });

  it('derives the service name from the id and region when it is not given', () => {
    expect(resolveSettings({}, env).config.hubServiceName).toBe('com.amazonaws.vpce.eu-west-2.vpce-svc-0123abcd');
  });

  it('names the flag and the variable of a missing setting', () => {
    expect(() => resolveSettings({}, { AWS_REGION: 'eu-west-2' })).toThrow(new CliConfigurationError('no endpoint service: set --hub-service-id or HUB_SERVICE_ID (vpce-svc-...)'));
    expect(() => resolveSettings({}, { HUB_SERVICE_ID: 'vpce-svc-0123abcd' })).toThrow(/--region or AWS_REGION/);
  });

  it('names the flag and the variable of an invalid setting', () => {
    expect(() => resolveSettings({ excludedAccountIds: '12,34' }, env)).toThrow(/EXCLUDED_ACCOUNT_IDS \(--excluded-account-ids\) item 0: each entry must be a 12-digit account id/);
    expect(() => resolveSettings({ concurrency: '0' }, env)).toThrow(/RECONCILE_CONCURRENCY \(--concurrency\)/);
  });

  it('takes the endpoint from the flag over AWS_ENDPOINT_URL', () => {
    expect(resolveSettings({}, { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).endpointUrl).toBe('http://127.0.0.1:4566');
    expect(resolveSettings({ endpointUrl: 'http://127.0.0.1:1' }, { ...env, AWS_ENDPOINT_URL: 'http://x' }).endpointUrl).toBe('http://127.0.0.1:1');
  });
});
