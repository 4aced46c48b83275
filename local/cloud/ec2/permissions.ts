/** Allowed principals of an endpoint service: who may see it and connect to it. */
import { AwsError } from '../framework';
import type { Handler } from './context';
import { invalidParameter } from './errors';
import { compileFilters, exactFilterValues } from './filters';
import type { FilterFields } from './filters';
import { PAGE_5_TO_1000, paginate } from './paging';
import { filters, list, required } from './query';
import { ownService } from './services';
import type { ServicePermission } from './state';

/** Account roots, IAM roles and users without a path, or `*` (AWS refuses ARNs with paths). */
const PRINCIPAL = /^arn:aws:iam::(\d{12}):(root|role\/[\w+=,.@-]+|user\/[\w+=,.@-]+)$/;

function principalType(principal: string): ServicePermission['principalType'] {
  if (principal === '*') return 'All';
  const match = PRINCIPAL.exec(principal);
  if (!match?.[2]) throw new AwsError('InvalidPrincipal', `Invalid principal '${principal}'. Principals must be an account root, IAM role or user ARN without a path, or '*'.`);
  if (match[2] === 'root') return 'Account';
  return match[2].startsWith('role/') ? 'Role' : 'User';
}

const modifyPermissions: Handler = (call) => {
  const service = ownService(call, required(call.p, 'ServiceId'));
  const additions = list(call.p, 'AddAllowedPrincipals');
  const removals = list(call.p, 'RemoveAllowedPrincipals');
  if (additions.length === 0 && removals.length === 0) {
    throw invalidParameter('At least one of AddAllowedPrincipals or RemoveAllowedPrincipals must be specified.');
  }
  // Validate every principal before changing anything.
  const types = additions.map(principalType);
  removals.forEach(principalType);
  const added = additions.map((principal, i) => {
    let permission = service.permissions.get(principal);
    if (!permission) {
      permission = { id: call.world.newId('vpce-svc-perm'), principal, principalType: types[i] ?? 'Account' };
      service.permissions.set(principal, permission);
    }
    return permission;
  });
  // Removing a principal leaves its existing connections alone, as in AWS.
  for (const principal of removals) service.permissions.delete(principal);
  return {
    addedPrincipalSet: added.length > 0
      ? added.map((p) => ({ principalType: p.principalType, principal: p.principal, servicePermissionId: p.id, serviceId: service.id }))
      : undefined,
    return: true,
  };
};

const PERMISSION_FILTERS: FilterFields<ServicePermission> = {
  principal: (p) => p.principal,
  'principal-type': (p) => p.principalType,
};

const describePermissions: Handler = (call) => {
  const service = ownService(call, required(call.p, 'ServiceId'));
  const filterList = filters(call.p);
  const matches = compileFilters(filterList, PERMISSION_FILTERS);
  // "Is this account allowed yet?" is asked per account of a large organization: answer from the map.
  const principals = exactFilterValues(filterList, 'principal');
  const candidates = principals
    ? principals.flatMap((p) => { const permission = service.permissions.get(p); return permission ? [permission] : []; })
    : [...service.permissions.values()];
  const page = paginate(call.p, candidates.filter(matches), PAGE_5_TO_1000);
  return {
    allowedPrincipals: page.items.map((p) => ({
      principalType: p.principalType,
      principal: p.principal,
      servicePermissionId: p.id,
      serviceId: service.id,
    })),
    nextToken: page.nextToken,
  };
};

export const permissionHandlers: Record<string, Handler> = {
  ModifyVpcEndpointServicePermissions: modifyPermissions,
  DescribeVpcEndpointServicePermissions: describePermissions,
};
