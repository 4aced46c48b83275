import { createHash } from 'node:crypto';
import { endpointClientToken, successorClientToken } from '../../../functions/core/client-token';

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

/** `egress-` and the first 56 hex digits of the SHA-256 of `text`. */
const hashed = (text: string) => `egress-${createHash('sha256').update(text).digest('hex').slice(0, 56)}`;

describe('endpointClientToken: a derivation that does not change between releases', () => {
  // EC2 remembers a token's first request: a run retried after a deploy must send the token the earlier release
  // sent, or it creates a second endpoint. So the derivation is pinned, field by field.
  it('hashes the VPC, the service, the sorted subnets joined by commas and the superseded endpoint, joined by "|"', () => {
    // Act
    const first = endpointClientToken(base);
    const replacement = endpointClientToken({ ...base, supersedesEndpointId: 'vpce-0dead' });

    // Assess
    expect(first).toBe(hashed('vpc-0abc|com.amazonaws.vpce.eu-west-2.vpce-svc-0123|subnet-1,subnet-2|'));
    expect(first).toBe('egress-3995b7a282d5e773dc7897a714c0bde141574c05aa86a03b64451ba9');
    expect(replacement).toBe(hashed('vpc-0abc|com.amazonaws.vpce.eu-west-2.vpce-svc-0123|subnet-1,subnet-2|vpce-0dead'));
  });
});

describe('successorClientToken', () => {
  it('derives a new token from the unusable one and what made it unusable, the same in every run', () => {
    // Prepare
    const token = endpointClientToken(base);

    // Act
    const forGroup = successorClientToken(token, 'sg-0123');
    const forDeadEndpoint = successorClientToken(token, 'vpce-0dead');

    // Assess
    expect(forGroup).toBe(hashed(`${token}|sg-0123`));
    expect(forGroup).toBe(successorClientToken(token, 'sg-0123'));
    expect(new Set([token, forGroup, forDeadEndpoint]).size).toBe(3);
    expect(forGroup).toMatch(/^egress-[0-9a-f]{56}$/);
  });
});
