/** CreateVpc, DescribeVpcs, Modify/DescribeVpcAttribute, AssociateVpcCidrBlock. */
import { AwsError } from '../framework';
import { contains, overlaps, parseCidr } from './cidr';
import type { Handler } from './context';
import { invalidParameterValue, vpcNotFound } from './errors';
import { endpointState } from './lifecycle';
import { findVpc } from './lookups';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, paginate } from './paging';
import { bool, filters, list, optional, required, tagSpecifications } from './query';
import { vpcXml } from './render';
import { createSecurityGroup } from './security-groups';
import type { Vpc } from './state';
import { setTags } from './tagging';

function validVpcCidr(cidr: string) {
  const range = parseCidr(cidr);
  if (!range) throw invalidParameterValue(`Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  if (range.prefix < 16 || range.prefix > 28) throw new AwsError('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
  return range;
}

const createVpc: Handler = (call) => {
  const cidr = required(call.p, 'CidrBlock');
  validVpcCidr(cidr);
  const tags = tagSpecifications(call.p, 'vpc');
  const { accountId, region } = call.ctx;
  const vpc: Vpc = call.rs.register(call.rs.vpcs, {
    id: call.world.newId('vpc'),
    type: 'vpc',
    ownerId: accountId,
    region,
    tags: new Map(),
    tagVersion: 0,
    cidrs: [{ associationId: call.world.newId('vpc-cidr-assoc'), cidr }],
    dhcpOptionsId: 'dopt-default',
    enableDnsSupport: true,
    enableDnsHostnames: false,
    defaultSecurityGroupId: '',
  });
  vpc.defaultSecurityGroupId = createSecurityGroup(call, vpc, 'default', 'default VPC security group', new Map()).id;
  if (tags.size > 0) setTags(call.world, vpc, tags);
  return { vpc: vpcXml(vpc) };
};

const VPC_FILTERS: FilterFields<Vpc> = {
  'vpc-id': (v) => v.id,
  'owner-id': (v) => v.ownerId,
  'cidr': (v) => v.cidrs[0]?.cidr,
  'cidr-block-association.cidr-block': (v) => v.cidrs.map((c) => c.cidr),
  'cidr-block-association.association-id': (v) => v.cidrs.map((c) => c.associationId),
  'cidr-block-association.state': () => 'associated',
  'dhcp-options-id': (v) => v.dhcpOptionsId,
  'is-default': () => 'false',
  'state': () => 'available',
};

const describeVpcs: Handler = (call) => {
  const ids = list(call.p, 'VpcId');
  const filterList = filters(call.p);
  const byId = ids.length > 0 ? ids : exactFilterValues(filterList, 'vpc-id');
  let candidates: Iterable<Vpc>;
  if (byId) {
    candidates = byId.flatMap((id) => {
      const vpc = call.rs.vpcs.get(id);
      if (!vpc && ids.length > 0) throw vpcNotFound(id);
      return vpc ? [vpc] : [];
    });
  } else {
    candidates = call.rs.vpcs.values();
  }
  const matches = compileFilters(filterList, VPC_FILTERS);
  const page = paginate(call.p, [...candidates].filter(matches), PAGE_5_TO_1000);
  return { vpcSet: page.items.map(vpcXml), nextToken: page.nextToken };
};

const modifyVpcAttribute: Handler = (call) => {
  const vpc = findVpc(call, required(call.p, 'VpcId'));
  const support = bool(call.p, 'EnableDnsSupport.Value');
  const hostnames = bool(call.p, 'EnableDnsHostnames.Value');
  if (support === undefined && hostnames === undefined) {
    throw new AwsError('InvalidParameterCombination', 'No attributes specified.');
  }
  if (support !== undefined && hostnames !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'Only one attribute can be modified per request.');
  }
  if (support !== undefined) vpc.enableDnsSupport = support;
  if (hostnames !== undefined) {
    if (hostnames && !vpc.enableDnsSupport) {
      throw new AwsError('InvalidParameterValue', 'Cannot enable DNS hostnames without DNS support.');
    }
    vpc.enableDnsHostnames = hostnames;
  }
  return { return: true };
};

const describeVpcAttribute: Handler = (call) => {
  const vpc = findVpc(call, required(call.p, 'VpcId'));
  const attribute = required(call.p, 'Attribute');
  if (attribute === 'enableDnsSupport') return { vpcId: vpc.id, enableDnsSupport: { value: vpc.enableDnsSupport } };
  if (attribute === 'enableDnsHostnames') return { vpcId: vpc.id, enableDnsHostnames: { value: vpc.enableDnsHostnames } };
  if (attribute === 'enableNetworkAddressUsageMetrics') {
    return { vpcId: vpc.id, enableNetworkAddressUsageMetrics: { value: false } };
  }
  throw invalidParameterValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
};

/** A VPC goes only once its subnets, its own security groups and its endpoints are gone, as in AWS. */
const deleteVpc: Handler = (call) => {
  const vpc = findVpc(call, required(call.p, 'VpcId'));
  const now = call.world.clock.now();
  const hasSubnets = [...call.rs.subnets.values()].some((s) => s.vpcId === vpc.id);
  const hasGroups = [...call.rs.securityGroups.values()].some((g) => g.vpcId === vpc.id && g.id !== vpc.defaultSecurityGroupId);
  const hasEndpoints = [...(call.rs.endpointsByVpc.get(vpc.id) ?? [])].some((e) => endpointState(e, now) !== 'deleted');
  if (hasSubnets || hasGroups || hasEndpoints) {
    throw new AwsError('DependencyViolation', `The vpc '${vpc.id}' has dependencies and cannot be deleted.`);
  }
  const defaultGroup = call.rs.securityGroups.get(vpc.defaultSecurityGroupId);
  if (defaultGroup) call.rs.unregister(call.rs.securityGroups, defaultGroup);
  call.rs.endpointsByVpc.delete(vpc.id);
  call.rs.unregister(call.rs.vpcs, vpc);
  return { return: true };
};

const MAX_CIDRS_PER_VPC = 5;

const associateVpcCidrBlock: Handler = (call) => {
  const vpc = findVpc(call, required(call.p, 'VpcId'));
  const cidr = optional(call.p, 'CidrBlock');
  if (!cidr) throw new AwsError('MissingParameter', 'Either CidrBlock or AmazonProvidedIpv6CidrBlock must be given.');
  const range = validVpcCidr(cidr);
  if (vpc.cidrs.length >= MAX_CIDRS_PER_VPC) {
    throw new AwsError('CidrLimitExceeded', `This network '${vpc.id}' has met its maximum number of allowed CIDRs: ${MAX_CIDRS_PER_VPC}`);
  }
  for (const existing of vpc.cidrs) {
    const other = parseCidr(existing.cidr);
    if (other && (overlaps(other, range) || contains(other, range))) {
      throw new AwsError('InvalidVpc.Range', `The CIDR '${cidr}' conflicts with another CIDR block of ${vpc.id}.`);
    }
  }
  const association = { associationId: call.world.newId('vpc-cidr-assoc'), cidr };
  vpc.cidrs.push(association);
  return {
    vpcId: vpc.id,
    cidrBlockAssociation: { associationId: association.associationId, cidrBlock: cidr, cidrBlockState: { state: 'associated' } },
  };
};

export const vpcHandlers: Record<string, Handler> = {
  CreateVpc: createVpc,
  DescribeVpcs: describeVpcs,
  ModifyVpcAttribute: modifyVpcAttribute,
  DescribeVpcAttribute: describeVpcAttribute,
  AssociateVpcCidrBlock: associateVpcCidrBlock,
  DeleteVpc: deleteVpc,
};
