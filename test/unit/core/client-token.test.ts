import { endpointClientToken } from '../../../functions/core/client-token';

const base = { vpcId: 'vpc-0abc', serviceName: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123', subnetIds: ['subnet-2', 'subnet-1'] };

describe('endpointClientToken', () => {
  it('is the same for the same endpoint whatever the subnet order (so concurrent runs create one endpoint)', () => {
    expect(endpointClientToken(base)).toBe(endpointClientToken({ ...base, subnetIds: ['subnet-1', 'subnet-2'] }));
  });

  it('fits the 64 ASCII characters EC2 accepts', () => {
    expect(endpointClientToken(base)).toMatch(/^[\x21-\x7e]{1,64}$/);
  });

  it('differs per VPC, per subnet set and when replacing a dead endpoint', () => {
    const tokens = new Set([
      endpointClientToken(base),
      endpointClientToken({ ...base, vpcId: 'vpc-0def' }),
      endpointClientToken({ ...base, subnetIds: ['subnet-1'] }),
      endpointClientToken({ ...base, supersedesEndpointId: 'vpce-0dead' }),
    ]);
    expect(tokens.size).toBe(4);
  });
});
