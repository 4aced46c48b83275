/** The JSON state of EC2 for GET /_local/state, grouped by account and region. */
import { endpointState } from './lifecycle';
import type { Ec2State, Taggable } from './state';

const tagsOf = (r: Taggable) => Object.fromEntries(r.tags);

export function snapshotOf(state: Ec2State, now: number) {
  const regions = [];
  for (const rs of state.allRegions()) {
    regions.push({
      accountId: rs.accountId,
      region: rs.region,
      vpcs: [...rs.vpcs.values()].map((v) => ({
        vpcId: v.id,
        cidrBlocks: v.cidrs.map((c) => c.cidr),
        enableDnsSupport: v.enableDnsSupport,
        enableDnsHostnames: v.enableDnsHostnames,
        tags: tagsOf(v),
      })),
      subnets: [...rs.subnets.values()].map((s) => ({
        subnetId: s.id, vpcId: s.vpcId, cidrBlock: s.cidr, availabilityZone: s.zone.name, availabilityZoneId: s.zone.id, tags: tagsOf(s),
      })),
      securityGroups: [...rs.securityGroups.values()].map((g) => ({
        groupId: g.id, groupName: g.name, vpcId: g.vpcId, ingressRules: g.ingress.length, tags: tagsOf(g),
      })),
      endpoints: [...rs.endpoints.values()].map((e) => ({
        vpcEndpointId: e.id,
        vpcId: e.vpcId,
        serviceName: e.service.name,
        state: endpointState(e, now),
        // Emulated epoch ms at which an accepted endpoint is (or was) available: benchmarks time onboarding by it.
        ...(e.availableAt > 0 ? { availableAt: e.availableAt } : {}),
        subnetIds: e.subnets.map((s) => s.id),
        privateDnsEnabled: e.privateDnsEnabled,
        tags: tagsOf(e),
      })),
      services: [...rs.services.values()].map((s) => ({
        serviceId: s.id,
        serviceName: s.name,
        acceptanceRequired: s.acceptanceRequired,
        availabilityZoneIds: s.zoneIds,
        privateDnsName: s.privateDnsName,
        privateDnsState: s.privateDnsState,
        allowedPrincipals: [...s.permissions.keys()],
        connections: [...s.endpoints.values()].map((e) => ({
          vpcEndpointId: e.id, vpcEndpointOwner: e.ownerId, state: endpointState(e, now),
        })),
        tags: tagsOf(s),
      })),
      connectionNotifications: [...rs.notifications.values()],
    });
  }
  return { regions };
}
