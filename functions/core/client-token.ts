import { createHash } from 'node:crypto';

/**
 * The CreateVpcEndpoint idempotency token. Derived only from what defines the endpoint, so two concurrent runs for
 * the same VPC send the same token and EC2 creates one endpoint (the second gets the first one back). A replacement
 * for a failed or rejected endpoint includes the id it supersedes, so it is not answered with the dead one.
 * EC2 accepts at most 64 ASCII characters.
 */
export function endpointClientToken(input: {
  vpcId: string;
  serviceName: string;
  subnetIds: readonly string[];
  supersedesEndpointId?: string | undefined;
}): string {
  const material = [input.vpcId, input.serviceName, [...input.subnetIds].sort().join(','), input.supersedesEndpointId ?? ''];
  return `egress-${createHash('sha256').update(material.join('|')).digest('hex').slice(0, 56)}`;
}

/**
 * A token for asking again when `token` cannot serve: EC2 remembers a token's first request (and answers with the
 * endpoint it created even once that endpoint is deleted), and refuses the same token with other parameters. Derived
 * from `token` and what made it unusable (the security group the endpoint needs now, the dead endpoint it returned),
 * so concurrent runs still derive the same token and create one endpoint.
 */
export function successorClientToken(token: string, discriminator: string): string {
  return `egress-${createHash('sha256').update(`${token}|${discriminator}`).digest('hex').slice(0, 56)}`;
}
