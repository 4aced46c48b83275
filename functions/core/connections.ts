import type { ScopeDecision } from './scope';

export interface ConnectionFacts {
  readonly endpointId: string;
  readonly ownerAccountId: string;
  readonly state: string;
  /** When the endpoint asked to connect (epoch ms, DescribeVpcEndpointConnections' CreationTimestamp); absent if not said. */
  readonly createdAt?: number;
}

/** What the owner's account says about the endpoint's VPC; undefined when the endpoint was not found there. */
export interface EndpointVpcFacts {
  readonly vpcId: string;
  readonly tagged: boolean;
}

export type ConnectionVerdict =
  | { readonly verdict: 'accept'; readonly reason: string }
  | { readonly verdict: 'reject'; readonly reason: string };

/** Accept only an in-scope owner's endpoint in a VPC that carries the proxy tag; everything else is rejected. */
export function decideConnection(
  connection: ConnectionFacts,
  ownerScope: ScopeDecision,
  vpc: EndpointVpcFacts | undefined,
  tagDescription: string,
): ConnectionVerdict {
  if (!ownerScope.inScope) return { verdict: 'reject', reason: ownerScope.reason };
  if (vpc === undefined) {
    return { verdict: 'reject', reason: `endpoint ${connection.endpointId} is not visible in account ${connection.ownerAccountId}` };
  }
  if (!vpc.tagged) return { verdict: 'reject', reason: `VPC ${vpc.vpcId} is not tagged ${tagDescription}` };
  return { verdict: 'accept', reason: `VPC ${vpc.vpcId} is tagged ${tagDescription} and ${ownerScope.reason}` };
}

/**
 * Connection states an out-of-scope account's endpoint must leave. AWS documents that the provider "can reject an
 * endpoint connection after it's in the available state", so offboarding rejects accepted connections too, not only
 * pending requests.
 */
export const REJECTABLE_STATES = ['pendingAcceptance', 'pending', 'available'] as const;

/** EC2 takes several endpoint ids per Accept/Reject call; 100 keeps each request small and within one page. */
export const ENDPOINT_IDS_PER_CALL = 100;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
