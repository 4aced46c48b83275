/** `--function-name`: what the command line accepts, and which settings go with it. */
import { isFunctionNameOrArn } from '../../../cli/function-name';
import { parseCommandLine } from '../../support/egress-cli';
import { CliConfigurationError, resolveInvokeSettings } from '../../../cli/settings';

describe('--function-name on the command line', () => {
  it.each(['plan', 'reconcile'])('%s passes the function name on, with the accounts', async (command) => {
    expect(await parseCommandLine([command, '--function-name', 'egress-reconciler', '--account', '123456789012'])).toMatchObject({
      command,
      functionName: 'egress-reconciler',
      accountIds: ['123456789012'],
    });
  });

  it('leaves the function name out when the flag is absent (the reconcile runs in process)', async () => {
    expect(await parseCommandLine(['plan'])).not.toHaveProperty('functionName');
  });

  it('is not an option of status', async () => {
    await expect(parseCommandLine(['status', '--function-name', 'egress-reconciler'])).rejects.toMatchObject({ code: 'commander.unknownOption' });
  });

  it('rejects what is not a function name or ARN as a usage error', async () => {
    await expect(parseCommandLine(['plan', '--function-name', 'arn:aws:iam::123456789012:role/x'])).rejects.toMatchObject({ code: 'commander.invalidArgument' });
  });
});

describe('isFunctionNameOrArn', () => {
  it.each([
    'egress-reconciler',
    'egress-reconciler:$LATEST',
    'egress-reconciler:live',
    '123456789012:function:egress-reconciler',
    'arn:aws:lambda:eu-west-2:123456789012:function:egress-reconciler',
    'arn:aws:lambda:eu-west-2:123456789012:function:egress-reconciler:7',
    'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f',
  ])('accepts %s', (value) => {
    expect(isFunctionNameOrArn(value)).toBe(true);
  });

  it.each([
    '',
    'has space',
    'arn:aws:lambda:eu-west-2:123456789012:layer:x',
    'arn:aws:lambda:eu-west-2:12345:function:x',
    'eu-west-2:123456789012:function:x',
    'x'.repeat(65),
  ])('rejects "%s"', (value) => {
    expect(isFunctionNameOrArn(value)).toBe(false);
  });
});

describe('resolveInvokeSettings', () => {
  it('needs only a region, and keeps the endpoint and the role to act as', () => {
    expect(resolveInvokeSettings({}, { AWS_REGION: 'eu-west-2', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', EGRESS_ROLE_ARN: 'arn:aws:iam::222222222222:role/R' })).toEqual({
      region: 'eu-west-2',
      endpointUrl: 'http://127.0.0.1:4566',
      roleArn: 'arn:aws:iam::222222222222:role/R',
      maxAttempts: undefined,
    });
  });

  it('ignores the functions\' environment variables: they are the deployed function\'s business', () => {
    expect(() => resolveInvokeSettings({}, { AWS_REGION: 'eu-west-2', HUB_SERVICE_ID: 'not-even-valid' })).not.toThrow();
  });

  it('refuses setting flags, naming each, since the function would not see them', () => {
    expect(() => resolveInvokeSettings({ region: 'eu-west-2', hubServiceId: 'vpce-svc-1', spokeRoleName: 'R' }, {})).toThrow(
      new CliConfigurationError('--hub-service-id, --spoke-role-name cannot be used with --function-name: the function reads its own configuration'),
    );
  });

  it('takes --max-attempts for its own SDK client, and checks it', () => {
    expect(resolveInvokeSettings({ region: 'eu-west-2', maxAttempts: '5' }, {}).maxAttempts).toBe(5);
    expect(() => resolveInvokeSettings({ region: 'eu-west-2', maxAttempts: 'many' }, {})).toThrow(/--max-attempts must be a whole number/);
  });

  it('needs a region', () => {
    expect(() => resolveInvokeSettings({}, {})).toThrow(/no AWS region/);
  });
});
