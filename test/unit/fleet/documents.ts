/** Valid policy documents for the fleet's unit tests. */
import type { EndpointMapping, PolicyBundle } from '../../../squid-config/policy/documents';

export const PAYMENTS_ENDPOINT = 'vpce-0aaaaaaaaaaaaaaaa';
export const METRICS_ENDPOINT = 'vpce-0bbbbbbbbbbbbbbbb';

export function bundle(revision = 'rev-1', overrides: Partial<PolicyBundle> = {}): PolicyBundle {
  return {
    schemaVersion: 1,
    source: { revision, generatedAt: '2026-11-30T00:00:00Z' },
    baseline: ['.debian.org'],
    policies: { payments: ['.stripe.com'], metrics: ['.datadoghq.com'] },
    defaults: { accounts: {}, organizationalUnits: {} },
    ...overrides,
  };
}

export function mapping(generatedAt = '2026-11-30T00:00:00Z', endpoints: EndpointMapping['endpoints'] = defaultEndpoints()): EndpointMapping {
  return { schemaVersion: 1, generatedAt, shards: {}, endpoints };
}

function defaultEndpoints(): EndpointMapping['endpoints'] {
  return {
    [PAYMENTS_ENDPOINT]: { accountId: '111111111111', vpcId: 'vpc-0aaaaaaaaaaaaaaaa', policyTag: 'payments', ancestorIds: ['r-ab12'] },
    [METRICS_ENDPOINT]: { accountId: '222222222222', vpcId: 'vpc-0bbbbbbbbbbbbbbbb', policyTag: 'metrics', ancestorIds: ['r-ab12'] },
  };
}
