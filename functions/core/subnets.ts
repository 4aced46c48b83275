import { SUBNET_OVERRIDE_TAG_KEY, type Tags } from './managed-tags';

export interface SubnetFacts {
  readonly subnetId: string;
  readonly availabilityZoneId: string;
  readonly mapPublicIpOnLaunch: boolean;
  readonly tags: Tags;
}

export interface SubnetChoice {
  /** One subnet per supported AZ id, sorted, so the same VPC always yields the same set. */
  readonly subnetIds: string[];
  readonly skipped: { subnetId: string; reason: string }[];
}

/**
 * Picks the endpoint's subnets: one per AZ id that the service supports. AZ *ids* (not names) because names map to
 * different zones in every account.
 *
 * Whether a subnet is private really depends on its route tables (no route to an internet gateway); we use a cheaper
 * documented heuristic instead: the `egress-proxy:subnet` tag decides first (`true` wins, `false` excludes), then
 * subnets that do not map public IPs on launch are preferred, then the lowest subnet id breaks ties.
 */
export function chooseSubnets(subnets: readonly SubnetFacts[], supportedAzIds: ReadonlySet<string>): SubnetChoice {
  const skipped: { subnetId: string; reason: string }[] = [];
  const bestPerAz = new Map<string, SubnetFacts>();
  for (const subnet of subnets) {
    const override = subnet.tags[SUBNET_OVERRIDE_TAG_KEY];
    if (override === 'false') {
      skipped.push({ subnetId: subnet.subnetId, reason: `tagged ${SUBNET_OVERRIDE_TAG_KEY}=false` });
      continue;
    }
    if (!supportedAzIds.has(subnet.availabilityZoneId)) {
      skipped.push({ subnetId: subnet.subnetId, reason: `AZ ${subnet.availabilityZoneId} is not supported by the service` });
      continue;
    }
    const current = bestPerAz.get(subnet.availabilityZoneId);
    const better =
      current === undefined ||
      // Stryker disable next-line EqualityOperator: ranks end with the subnet id, so two subnets never rank equal
      rank(subnet) < rank(current);
    if (better) {
      if (current !== undefined) skipped.push({ subnetId: current.subnetId, reason: 'another subnet in the same AZ is preferred' });
      bestPerAz.set(subnet.availabilityZoneId, subnet);
    } else {
      skipped.push({ subnetId: subnet.subnetId, reason: 'another subnet in the same AZ is preferred' });
    }
  }
  return { subnetIds: [...bestPerAz.values()].map((s) => s.subnetId).sort(), skipped };
}

/** Lower is better: [override, public-ip mapping, subnet id]. */
function rank(subnet: SubnetFacts): string {
  // Emptying either '1' below changes no order: every subnet id starts with "subnet-" and "s" sorts after the digits,
  // so a rank that loses its '1' still sorts after every rank with a '0' in that place.
  const override =
    subnet.tags[SUBNET_OVERRIDE_TAG_KEY] === 'true'
      ? '0'
      : // Stryker disable next-line StringLiteral: equivalent, see above
        '1';
  const publicIp = subnet.mapPublicIpOnLaunch
    ? // Stryker disable next-line StringLiteral: equivalent, see above
      '1'
    : '0';
  return `${override}${publicIp}${subnet.subnetId}`;
}
