import { chunk, decideConnection } from '../../../functions/core/connections';

const connection = { endpointId: 'vpce-0abc', ownerAccountId: '123456789012', state: 'pendingAcceptance' };
const inScope = { inScope: true as const, reason: 'active member' };

describe('decideConnection', () => {
  it('accepts an in-scope owner whose VPC carries the tag', () => {
    expect(decideConnection(connection, inScope, { vpcId: 'vpc-1', tagged: true }, 'egress-proxy=enabled').verdict).toBe('accept');
  });

  it('rejects an out-of-scope owner whatever the VPC says', () => {
    const verdict = decideConnection(connection, { inScope: false, reason: 'not a member' }, { vpcId: 'vpc-1', tagged: true }, 'x=y');
    expect(verdict).toEqual({ verdict: 'reject', reason: 'not a member' });
  });

  it('rejects an endpoint in an untagged VPC (created by hand)', () => {
    const verdict = decideConnection(connection, inScope, { vpcId: 'vpc-1', tagged: false }, 'egress-proxy=enabled');
    expect(verdict).toEqual({ verdict: 'reject', reason: 'VPC vpc-1 is not tagged egress-proxy=enabled' });
  });

  it('rejects an endpoint the owner account does not show', () => {
    expect(decideConnection(connection, inScope, undefined, 'x=y').verdict).toBe('reject');
  });
});

describe('chunk', () => {
  it('splits into pieces of at most the given size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
  });
});

describe('decideConnection: the reason written to the audit record', () => {
  it('names the endpoint and the owner account when the owner does not show the endpoint', () => {
    // Act
    const verdict = decideConnection(connection, inScope, undefined, 'egress-proxy=enabled');

    // Assess
    expect(verdict).toEqual({ verdict: 'reject', reason: 'endpoint vpce-0abc is not visible in account 123456789012' });
  });

  it('names the VPC, the tag and why the owner is in scope when it accepts', () => {
    // Act
    const verdict = decideConnection(connection, inScope, { vpcId: 'vpc-1', tagged: true }, 'egress-proxy=enabled');

    // Assess
    expect(verdict).toEqual({ verdict: 'accept', reason: 'VPC vpc-1 is tagged egress-proxy=enabled and active member' });
  });
});
