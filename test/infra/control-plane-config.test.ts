import { readCdkJsonContext } from '../../infra/cdk-json-context';
import { InvalidConfiguration, loadHubConfig } from '../../infra/config';
import { hubBusArn, loadControlPlaneConfig, organizationsReadRoleArn } from '../../infra/control-plane-config';

const defaults = readCdkJsonContext();

function load(overrides: Record<string, unknown> = {}) {
  const context: Record<string, unknown> = { ...defaults, ...overrides };
  return loadControlPlaneConfig((key) => context[key], loadHubConfig((key) => context[key]));
}

describe('control plane configuration from CDK context', () => {
  it('falls back to example values a fresh clone can synthesize', () => {
    // Act
    const config = load();
    // Assess
    expect(config).toMatchObject({
      organizationId: 'o-exampleorg1',
      managementAccount: '111111111111',
      spokeOrganizationalUnitIds: ['ou-exam-pleou111'],
      excludedAccountIds: [],
      proxyTag: { key: 'egress-proxy', value: 'enabled' },
      stackSet: { callAs: 'SELF', account: '111111111111' },
      enableRamSharingWithOrganization: false,
      roleNames: { spoke: 'EgressProxySpokeRole', organizationsRead: 'EgressOrganizationsReadRole' },
    });
    expect(config.hubEndpointServiceName).toBeUndefined();
    expect(hubBusArn(config, 'aws')).toBe('arn:aws:events:eu-west-2:222222222222:event-bus/EgressProxy-egress-control-plane');
    expect(organizationsReadRoleArn(config, 'aws')).toBe('arn:aws:iam::111111111111:role/EgressOrganizationsReadRole');
  });

  it('reads command-line strings: lists, booleans and a delegated administrator', () => {
    // Act
    const config = load({
      organizationId: 'o-a1b2c3d4e5',
      spokeOrganizationalUnitIds: 'ou-ab12-cdef3456, r-ab12',
      excludedAccountIds: '["333333333333"]',
      enableRamSharingWithOrganization: 'true',
      stackSetCallAs: 'DELEGATED_ADMIN',
      stackSetAccount: '666666666666',
      hubEndpointServiceName: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0',
    });
    // Assess
    expect(config).toMatchObject({
      hubEndpointServiceName: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0',
      organizationId: 'o-a1b2c3d4e5',
      spokeOrganizationalUnitIds: ['ou-ab12-cdef3456', 'r-ab12'],
      excludedAccountIds: ['333333333333'],
      enableRamSharingWithOrganization: true,
      stackSet: { callAs: 'DELEGATED_ADMIN', account: '666666666666' },
    });
  });

  it.each([
    ['organizationId', 'o-short', /organizationId.*organization id/],
    ['organizationId', 'O-A1B2C3D4E5', /organizationId/],
    ['managementAccount', '1234', /managementAccount/],
    ['spokeOrganizationalUnitIds', [], /spokeOrganizationalUnitIds.*at least one/],
    ['spokeOrganizationalUnitIds', 'ou-ab12-cdef3456,ou-ab12-cdef3456', /spokeOrganizationalUnitIds.*twice/],
    ['spokeOrganizationalUnitIds', '123456789012', /spokeOrganizationalUnitIds.*not an OU id/],
    ['excludedAccountIds', 'abc', /excludedAccountIds/],
    ['proxyTagKey', 'aws:egress', /proxyTagKey/],
    ['proxyTagKey', 'egress-proxy-managed:endpoint-id', /proxyTagKey.*control plane's own tags/],
    ['stackSetCallAs', 'SOMEONE', /stackSetCallAs/],
    ['enableRamSharingWithOrganization', 'yes', /enableRamSharingWithOrganization/],
    ['spokeRoleName', 'has space', /spokeRoleName/],
    ['hubEndpointServiceName', 'vpce-svc-0123456789abcdef0', /hubEndpointServiceName.*com\.amazonaws\.vpce/],
    ['hubEndpointServiceName', 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', /hubEndpointServiceName.*hub is in eu-west-2/],
  ])('rejects %s = %j with a message naming the setting', (setting, value, message) => {
    expect(() => load({ [setting]: value })).toThrow(InvalidConfiguration);
    expect(() => load({ [setting]: value })).toThrow(message);
  });
});
