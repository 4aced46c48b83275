/** Validation of what an interface endpoint is made of (shared by CreateVpcEndpoint and ModifyVpcEndpoint). */
import { AwsError } from '../framework';
import type { Call } from './context';
import { invalidParameter, serviceNameInvalid } from './errors';
import { findGroup, findSubnet } from './lookups';
import { isAllowed } from './services';
import type { EndpointService, SecurityGroup, Subnet, Vpc } from './state';

export function resolveService(call: Call, name: string): EndpointService {
  const service = call.state.servicesByName.get(name);
  // AWS answers the same whether the service does not exist or the caller is not an allowed principal.
  if (!service || service.region !== call.ctx.region || !isAllowed(service, call.ctx)) throw serviceNameInvalid(name);
  return service;
}

/** The endpoint's subnets: in its VPC, one per AZ, each in an AZ the service supports. */
export function resolveSubnets(call: Call, vpc: Vpc, service: EndpointService, subnetIds: string[]): Subnet[] {
  if (subnetIds.length === 0) throw invalidParameter('An interface endpoint needs at least one subnet (SubnetIds).');
  const zonesSeen = new Set<string>();
  return subnetIds.map((id) => {
    const subnet = findSubnet(call, id);
    if (subnet.vpcId !== vpc.id) throw invalidParameter(`The subnet ID '${id}' does not belong to the VPC '${vpc.id}'.`);
    if (zonesSeen.has(subnet.zone.id)) {
      throw new AwsError(
        'DuplicateSubnetsInSameZone',
        `Found another VPC endpoint subnet in the availability zone of ${id}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.`,
      );
    }
    zonesSeen.add(subnet.zone.id);
    if (!service.zoneIds.includes(subnet.zone.id)) {
      throw invalidParameter(`The VPC endpoint service ${service.name} does not support the availability zone of the subnet: ${id}.`);
    }
    return subnet;
  });
}

/** The endpoint's security groups, all in its VPC; none given means the VPC's default group. */
export function resolveGroups(call: Call, vpc: Vpc, ids: string[]): SecurityGroup[] {
  if (ids.length === 0) return [findGroup(call, vpc.defaultSecurityGroupId)];
  return ids.map((id) => {
    const group = findGroup(call, id);
    if (group.vpcId !== vpc.id) {
      throw invalidParameter(`The security group '${id}' does not belong to the VPC '${vpc.id}'.`);
    }
    return group;
  });
}

/**
 * Private DNS needs a verified name on the service and both DNS attributes on the VPC. Left out, it
 * defaults to on exactly when it can work, so a plain CreateVpcEndpoint never fails over it.
 */
export function resolvePrivateDns(vpc: Vpc, service: EndpointService, requested: boolean | undefined): boolean {
  const serviceHasName = service.privateDnsName !== undefined && service.privateDnsState === 'verified';
  const vpcReady = vpc.enableDnsSupport && vpc.enableDnsHostnames;
  if (requested === undefined) return serviceHasName && vpcReady;
  if (!requested) return false;
  if (!vpcReady) {
    throw invalidParameter(`Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpc.id}`);
  }
  if (!serviceHasName) {
    throw invalidParameter(`Private DNS can't be enabled because the service ${service.name} does not provide a verified private DNS name.`);
  }
  return true;
}
