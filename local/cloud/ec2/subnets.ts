/** CreateSubnet, DescribeSubnets and DescribeAvailabilityZones (per-account AZ name -> id mapping). */
import { AwsError } from '../framework';
import { contains, overlaps, parseCidr } from './cidr';
import type { Handler } from './context';
import { invalidParameterValue, subnetNotFound } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, paginate } from './paging';
import { filters, list, optional, required, tagSpecifications } from './query';
import { subnetXml } from './render';
import type { Subnet } from './state';
import { setTags } from './tagging';
import { endpointState } from './lifecycle';
import { findSubnet, findVpc } from './lookups';
import { accountZones, zoneById, zoneByName } from './zones';
import type { Zone } from './zones';

function pickZone(accountId: string, region: string, name: string | undefined, id: string | undefined): Zone {
  const zones = accountZones(accountId, region);
  const zone = name !== undefined ? zoneByName(accountId, region, name) : id !== undefined ? zoneById(accountId, region, id) : zones[0];
  if (!zone) {
    const parameter = name !== undefined ? 'availabilityZone' : 'availabilityZoneId';
    const listed = name !== undefined ? zones.map((z) => z.name) : zones.map((z) => z.id);
    throw invalidParameterValue(
      `Value (${name ?? id}) for parameter ${parameter} is invalid. Subnets can currently only be created in the following availability zones: ${listed.join(', ')}.`,
    );
  }
  if (name !== undefined && id !== undefined && zone.id !== id) {
    throw new AwsError('InvalidParameterCombination', `The availability zone ${name} does not have the zone id ${id}.`);
  }
  return zone;
}

const createSubnet: Handler = (call) => {
  const vpc = findVpc(call, required(call.p, 'VpcId'));
  const cidr = required(call.p, 'CidrBlock');
  const range = parseCidr(cidr);
  if (!range || range.prefix < 16 || range.prefix > 28) throw new AwsError('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
  if (!vpc.cidrs.some((c) => { const outer = parseCidr(c.cidr); return outer !== undefined && contains(outer, range); })) {
    throw new AwsError('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
  }
  for (const other of call.rs.subnets.values()) {
    const otherRange = other.vpcId === vpc.id ? parseCidr(other.cidr) : undefined;
    if (otherRange && overlaps(otherRange, range)) {
      throw new AwsError('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
    }
  }
  const zone = pickZone(call.ctx.accountId, call.ctx.region, optional(call.p, 'AvailabilityZone'), optional(call.p, 'AvailabilityZoneId'));
  const tags = tagSpecifications(call.p, 'subnet');
  const subnet: Subnet = call.rs.register(call.rs.subnets, {
    id: call.world.newId('subnet'),
    type: 'subnet',
    ownerId: call.ctx.accountId,
    region: call.ctx.region,
    tags: new Map(),
    tagVersion: 0,
    vpcId: vpc.id,
    cidr,
    zone,
  });
  if (tags.size > 0) setTags(call.world, subnet, tags);
  return { subnet: subnetXml(subnet) };
};

const deleteSubnet: Handler = (call) => {
  const subnet = findSubnet(call, required(call.p, 'SubnetId'));
  const now = call.world.clock.now();
  for (const endpoint of call.rs.endpointsByVpc.get(subnet.vpcId) ?? []) {
    if (endpointState(endpoint, now) !== 'deleted' && endpoint.subnets.includes(subnet)) {
      throw new AwsError('DependencyViolation', `The subnet '${subnet.id}' has dependencies and cannot be deleted.`);
    }
  }
  call.rs.unregister(call.rs.subnets, subnet);
  return { return: true };
};

const SUBNET_FILTERS: FilterFields<Subnet> = {
  'vpc-id': (s) => s.vpcId,
  'subnet-id': (s) => s.id,
  'availability-zone': (s) => s.zone.name,
  'availability-zone-id': (s) => s.zone.id,
  'cidr-block': (s) => s.cidr,
  'cidr': (s) => s.cidr,
  'owner-id': (s) => s.ownerId,
  'state': () => 'available',
  'subnet-arn': (s) => `arn:aws:ec2:${s.region}:${s.ownerId}:subnet/${s.id}`,
  'default-for-az': () => 'false',
};

const describeSubnets: Handler = (call) => {
  const ids = list(call.p, 'SubnetId');
  const filterList = filters(call.p);
  let candidates: Subnet[];
  if (ids.length > 0) {
    candidates = ids.map((id) => {
      const subnet = call.rs.subnets.get(id);
      if (!subnet) throw subnetNotFound(id);
      return subnet;
    });
  } else {
    const byId = exactFilterValues(filterList, 'subnet-id');
    candidates = byId
      ? byId.flatMap((id) => { const s = call.rs.subnets.get(id); return s ? [s] : []; })
      : [...call.rs.subnets.values()];
  }
  const matches = compileFilters(filterList, SUBNET_FILTERS);
  const page = paginate(call.p, candidates.filter(matches), PAGE_5_TO_1000);
  return { subnetSet: page.items.map(subnetXml), nextToken: page.nextToken };
};

const ZONE_FILTERS: FilterFields<Zone & { region: string }> = {
  'zone-name': (z) => z.name,
  'zone-id': (z) => z.id,
  'region-name': (z) => z.region,
  'state': () => 'available',
  'zone-type': () => 'availability-zone',
  'group-name': (z) => z.region,
  'opt-in-status': () => 'opt-in-not-required',
};

const describeAvailabilityZones: Handler = (call) => {
  const { accountId, region } = call.ctx;
  const names = list(call.p, 'ZoneName');
  const zoneIds = list(call.p, 'ZoneId');
  const zones = accountZones(accountId, region).map((z) => ({ ...z, region }));
  for (const name of names) if (!zones.some((z) => z.name === name)) throw invalidParameterValue(`Invalid availability zone: [${name}]`);
  for (const id of zoneIds) if (!zones.some((z) => z.id === id)) throw invalidParameterValue(`Invalid availability zone: [${id}]`);
  const matches = compileFilters(filters(call.p), ZONE_FILTERS);
  const selected = zones.filter(
    (z) => (names.length === 0 && zoneIds.length === 0) || names.includes(z.name) || zoneIds.includes(z.id),
  );
  return {
    availabilityZoneInfo: selected.filter(matches).map((z) => ({
      zoneName: z.name,
      zoneId: z.id,
      zoneState: 'available',
      regionName: region,
      groupName: region,
      networkBorderGroup: region,
      optInStatus: 'opt-in-not-required',
      zoneType: 'availability-zone',
      messageSet: [],
    })),
  };
};

export const subnetHandlers: Record<string, Handler> = {
  CreateSubnet: createSubnet,
  DescribeSubnets: describeSubnets,
  DeleteSubnet: deleteSubnet,
  DescribeAvailabilityZones: describeAvailabilityZones,
};
