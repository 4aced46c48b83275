/** The caller's own resources by id, or the NotFound error AWS answers with (also for other accounts' ids). */
import type { Call } from './context';
import { groupNotFound, subnetNotFound, vpcNotFound } from './errors';
import type { SecurityGroup, Subnet, Vpc } from './state';

export function findVpc(call: Call, id: string): Vpc {
  const vpc = call.rs.vpcs.get(id);
  if (!vpc) throw vpcNotFound(id);
  return vpc;
}

export function findSubnet(call: Call, id: string): Subnet {
  const subnet = call.rs.subnets.get(id);
  if (!subnet) throw subnetNotFound(id);
  return subnet;
}

export function findGroup(call: Call, id: string): SecurityGroup {
  const group = call.rs.securityGroups.get(id);
  if (!group) throw groupNotFound(id);
  return group;
}
