import { normalizeEndpointState } from '../../../functions/core/endpoint-state';

describe('normalizeEndpointState', () => {
  it.each([
    ['PendingAcceptance', 'pendingAcceptance'],
    ['pendingAcceptance', 'pendingAcceptance'],
    ['Available', 'available'],
    ['available', 'available'],
  ])('spells the SDK enum or the wire form %s as the wire form %s', (state, expected) => {
    // Act
    const normalized = normalizeEndpointState(state);

    // Assess
    expect(normalized).toBe(expected);
  });

  it.each([undefined, ''])('calls a missing state (%j) "unknown" rather than failing', (state) => {
    // Act
    const normalized = normalizeEndpointState(state);

    // Assess
    expect(normalized).toBe('unknown');
  });
});
