/** CreateSecurityGroup, AuthorizeSecurityGroupIngress, DescribeSecurityGroups, DeleteSecurityGroup. */
import { AwsError } from '../framework';
import { parseCidr } from './cidr';
import type { Call, Handler } from './context';
import { invalidParameterValue } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, paginate } from './paging';
import { filters, int, list, optional, required, structPrefixes, tagSpecifications } from './query';
import type { Params } from './query';
import { ruleXml, securityGroupArn, securityGroupXml } from './render';
import type { SecurityGroup, SecurityGroupRule, Vpc } from './state';
import { setTags } from './tagging';
import { findGroup, findVpc } from './lookups';
import { isDeleted } from './lifecycle';

export function createSecurityGroup(call: Call, vpc: Vpc, name: string, description: string, tags: Map<string, string>) {
  for (const group of call.rs.securityGroups.values()) {
    if (group.vpcId === vpc.id && group.name === name) {
      throw new AwsError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpc.id}'`);
    }
  }
  const group: SecurityGroup = call.rs.register(call.rs.securityGroups, {
    id: call.world.newId('sg'),
    type: 'security-group',
    ownerId: call.ctx.accountId,
    region: call.ctx.region,
    tags: new Map(),
    tagVersion: 0,
    vpcId: vpc.id,
    name,
    description,
    ingress: [],
    // Every new group allows all outbound traffic, as in AWS.
    egress: [{ id: call.world.newId('sgr'), protocol: '-1', fromPort: undefined, toPort: undefined, cidrIpv4: '0.0.0.0/0' }],
    usedBy: new Set(),
  });
  if (tags.size > 0) setTags(call.world, group, tags);
  return group;
}

const createGroup: Handler = (call) => {
  const name = required(call.p, 'GroupName');
  const description = required(call.p, 'GroupDescription');
  const vpcId = optional(call.p, 'VpcId');
  if (!vpcId) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user');
  if (name.toLowerCase().startsWith('sg-')) throw invalidParameterValue(`Group names may not be in the format sg-*`);
  const group = createSecurityGroup(call, findVpc(call, vpcId), name, description, tagSpecifications(call.p, 'security-group'));
  return { return: true, groupId: group.id, securityGroupArn: securityGroupArn(group) };
};

const PROTOCOLS: Record<string, string> = { tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp', '-1': '-1', all: '-1' };

function ruleAtoms(call: Call, p: Params, prefix: string, protocolName: string): SecurityGroupRule[] {
  const protocol = PROTOCOLS[p.get(`${prefix}${protocolName}`)?.toLowerCase() ?? ''];
  if (!protocol) throw invalidParameterValue(`Invalid value '${p.get(`${prefix}${protocolName}`) ?? ''}' for IP protocol. Unknown protocol.`);
  let fromPort = int(p, `${prefix}FromPort`);
  let toPort = int(p, `${prefix}ToPort`);
  if (protocol === '-1') {
    fromPort = undefined;
    toPort = undefined;
  } else if (protocol !== 'icmp') {
    if (fromPort === undefined || toPort === undefined || fromPort < 0 || toPort > 65535 || fromPort > toPort) {
      throw invalidParameterValue(`Invalid port range: from port ${fromPort ?? '(none)'} to port ${toPort ?? '(none)'}`);
    }
  }
  const base = { protocol, fromPort, toPort };
  const atoms: SecurityGroupRule[] = [];
  const add = (source: Partial<SecurityGroupRule>, description: string | undefined) =>
    atoms.push({ id: '', ...base, ...source, ...(description !== undefined ? { description } : {}) });
  for (const r of structPrefixes(p, `${prefix}IpRanges`, ['CidrIp'])) {
    const cidr = required(p, `${r}CidrIp`);
    if (!parseCidr(cidr)) throw invalidParameterValue(`CIDR block ${cidr} is malformed`);
    add({ cidrIpv4: cidr }, p.get(`${r}Description`));
  }
  for (const r of structPrefixes(p, `${prefix}Ipv6Ranges`, ['CidrIpv6'])) add({ cidrIpv6: required(p, `${r}CidrIpv6`) }, p.get(`${r}Description`));
  for (const r of structPrefixes(p, `${prefix}Groups`, ['GroupId', 'GroupName'])) {
    add({ groupId: findGroup(call, required(p, `${r}GroupId`)).id }, p.get(`${r}Description`));
  }
  for (const r of structPrefixes(p, `${prefix}PrefixListIds`, ['PrefixListId'])) {
    add({ prefixListId: required(p, `${r}PrefixListId`) }, p.get(`${r}Description`));
  }
  const legacyCidr = p.get(`${prefix}CidrIp`);
  if (legacyCidr !== undefined) add({ cidrIpv4: legacyCidr }, undefined);
  return atoms;
}

const sameRule = (a: SecurityGroupRule, b: SecurityGroupRule) =>
  a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.cidrIpv4 === b.cidrIpv4 &&
  a.cidrIpv6 === b.cidrIpv6 && a.groupId === b.groupId && a.prefixListId === b.prefixListId;

const describeRule = (r: SecurityGroupRule) =>
  `peer: ${r.cidrIpv4 ?? r.cidrIpv6 ?? r.groupId ?? r.prefixListId ?? ''}, ${r.protocol === '-1' ? 'ALL' : r.protocol.toUpperCase()}, ` +
  `from port: ${r.fromPort ?? 'All'}, to port: ${r.toPort ?? 'All'}, ALLOW`;

const authorizeIngress: Handler = (call) => {
  const groupId = optional(call.p, 'GroupId');
  if (!groupId) {
    const name = optional(call.p, 'GroupName') ?? '';
    throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC 'none'`);
  }
  const group = findGroup(call, groupId);
  const atoms = structPrefixes(call.p, 'IpPermissions', ['IpProtocol']).flatMap((prefix) => ruleAtoms(call, call.p, prefix, 'IpProtocol'));
  if (call.p.has('IpProtocol')) atoms.push(...ruleAtoms(call, call.p, '', 'IpProtocol'));
  if (atoms.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter ipPermissions');
  atoms.forEach((atom, i) => {
    if (group.ingress.some((r) => sameRule(r, atom)) || atoms.slice(0, i).some((r) => sameRule(r, atom))) {
      throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${describeRule(atom)}" already exists`);
    }
  });
  for (const atom of atoms) {
    atom.id = call.world.newId('sgr');
    group.ingress.push(atom);
  }
  return { return: true, securityGroupRuleSet: atoms.map((atom) => ruleXml(group, atom, false)) };
};

const revokeIngress: Handler = (call) => {
  const group = findGroup(call, required(call.p, 'GroupId'));
  const atoms = structPrefixes(call.p, 'IpPermissions', ['IpProtocol']).flatMap((prefix) => ruleAtoms(call, call.p, prefix, 'IpProtocol'));
  if (call.p.has('IpProtocol')) atoms.push(...ruleAtoms(call, call.p, '', 'IpProtocol'));
  const unknown = atoms.filter((atom) => !group.ingress.some((r) => sameRule(r, atom)));
  if (atoms.length > 0 && unknown.length === atoms.length) {
    throw new AwsError('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
  }
  group.ingress = group.ingress.filter((r) => !atoms.some((atom) => sameRule(r, atom)));
  return {
    return: true,
    unknownIpPermissionSet: unknown.length > 0
      ? unknown.map((r) => ({ ipProtocol: r.protocol, fromPort: r.fromPort, toPort: r.toPort, ipRanges: r.cidrIpv4 ? [{ cidrIp: r.cidrIpv4 }] : undefined }))
      : undefined,
  };
};

const GROUP_FILTERS: FilterFields<SecurityGroup> = {
  'group-id': (g) => g.id,
  'group-name': (g) => g.name,
  'vpc-id': (g) => g.vpcId,
  'owner-id': (g) => g.ownerId,
  'description': (g) => g.description,
};

const describeGroups: Handler = (call) => {
  const ids = list(call.p, 'GroupId');
  const names = list(call.p, 'GroupName');
  const filterList = filters(call.p);
  let candidates: SecurityGroup[];
  if (ids.length > 0) {
    candidates = ids.map((id) => findGroup(call, id));
  } else {
    const byId = exactFilterValues(filterList, 'group-id');
    candidates = byId
      ? byId.flatMap((id) => { const g = call.rs.securityGroups.get(id); return g ? [g] : []; })
      : [...call.rs.securityGroups.values()];
  }
  if (names.length > 0) {
    for (const name of names) {
      if (!candidates.some((g) => g.name === name)) {
        throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC 'none'`);
      }
    }
    candidates = candidates.filter((g) => names.includes(g.name));
  }
  const matches = compileFilters(filterList, GROUP_FILTERS);
  const page = paginate(call.p, candidates.filter(matches), PAGE_5_TO_1000);
  return { securityGroupInfo: page.items.map(securityGroupXml), nextToken: page.nextToken };
};

const deleteGroup: Handler = (call) => {
  const groupId = optional(call.p, 'GroupId');
  if (!groupId) throw new AwsError('InvalidGroup.NotFound', `The security group '${optional(call.p, 'GroupName') ?? ''}' does not exist in default VPC 'none'`);
  const group = findGroup(call, groupId);
  if (group.name === 'default') {
    throw new AwsError('CannotDelete', `the specified group: "${group.id}" name: "default" cannot be deleted by a user`);
  }
  // A `deleting` endpoint's network interfaces still hold the group; a `deleted` one lets it go.
  const now = call.world.clock.now();
  for (const endpointId of group.usedBy) {
    const endpoint = call.rs.endpoints.get(endpointId);
    if (!endpoint || isDeleted(endpoint, now)) group.usedBy.delete(endpointId);
  }
  if (group.usedBy.size > 0) throw new AwsError('DependencyViolation', `resource ${group.id} has a dependent object`);
  for (const other of call.rs.securityGroups.values()) {
    if (other !== group && other.ingress.some((r) => r.groupId === group.id)) {
      throw new AwsError('DependencyViolation', `resource ${group.id} has a dependent object`);
    }
  }
  call.rs.unregister(call.rs.securityGroups, group);
  return { return: true, groupId: group.id };
};

export const securityGroupHandlers: Record<string, Handler> = {
  CreateSecurityGroup: createGroup,
  AuthorizeSecurityGroupIngress: authorizeIngress,
  RevokeSecurityGroupIngress: revokeIngress,
  DescribeSecurityGroups: describeGroups,
  DeleteSecurityGroup: deleteGroup,
};
