/**
 * AWS Organizations over awsJson1_1 (X-Amz-Target AWSOrganizationsV20161128.Action). The organization
 * of the management account exists from the start, with the hub account a member.
 */
import { AwsError } from '../framework';
import type { CallContext, RawRequest, ServiceModule } from '../framework';
import {
  awsJsonError,
  awsJsonResponse,
  epochSeconds,
  jsonBody,
  optionalNumber,
  optionalString,
  targetAction,
} from '../core/json-protocol';
import type { JsonObject } from '../core/json-protocol';
import { paginate } from '../core/pagination';
import type { LocalWorld } from '../core/world';
import { rootArn } from '../core/world';
import { cloudTrailDate, OrganizationsEvents } from './cloudtrail';
import { orgErrors } from './errors';
import { OrganizationModel } from './model';
import type { CreateAccountStatus, Member } from './model';

export interface OrganizationsOptions {
  /** Emulated ms from CreateAccount to SUCCEEDED (AWS: minutes). */
  createAccountDelayMs?: number;
  /** Emulated ms from CloseAccount (PENDING_CLOSURE) to SUSPENDED. */
  closeAccountDelayMs?: number;
}

/** Calls a member account may make; everything else is for the management account only. */
const MEMBER_ACTIONS = new Set(['DescribeOrganization']);

export function createOrganizationsService(world: LocalWorld, options: OrganizationsOptions = {}) {
  const org = new OrganizationModel(world);
  const events = new OrganizationsEvents(world);
  const createDelay = options.createAccountDelayMs ?? 2000;
  const closeDelay = options.closeAccountDelayMs ?? 2000;

  /** Organizations' ServicePrincipal: 1-128 of [\w+=,.@-]. */
  const servicePrincipal = (body: JsonObject): string => {
    const value = required(body, 'ServicePrincipal');
    if (!/^[\w+=,.@-]{1,128}$/.test(value)) {
      throw orgErrors.invalidInput('INVALID_PATTERN', `ServicePrincipal ${value} does not match the pattern [\\w+=,.@-]*.`);
    }
    return value;
  };

  const required = (body: JsonObject, name: string): string => {
    const value = optionalString(body, name);
    if (!value) throw orgErrors.invalidInput('INPUT_REQUIRED', `You must specify a value for ${name}.`);
    return value;
  };

  const page = <T>(body: JsonObject, all: readonly T[], scope: string) =>
    paginate(
      all,
      { maxResults: optionalNumber(body, 'MaxResults'), nextToken: optionalString(body, 'NextToken'), defaultMax: 20, limit: 20, scope },
      () => orgErrors.invalidInput('INVALID_NEXT_TOKEN', 'The specified NextToken is not valid.'),
      () => orgErrors.invalidInput('MAX_VALUE_EXCEEDED', 'MaxResults must be between 1 and 20.'),
    );

  const accountJson = (member: Member) => {
    const account = world.accounts.get(member.accountId);
    return {
      Id: member.accountId,
      Arn: org.arnOfAccount(member.accountId),
      Email: account?.email,
      Name: account?.name,
      Status: member.status,
      State: member.status,
      JoinedMethod: member.joinedMethod,
      JoinedTimestamp: epochSeconds(member.joinedTimestamp),
    };
  };

  const statusJson = (s: CreateAccountStatus) => ({
    Id: s.id,
    AccountName: s.accountName,
    State: s.state,
    RequestedTimestamp: epochSeconds(s.requestedTimestamp),
    CompletedTimestamp: s.completedTimestamp === undefined ? undefined : epochSeconds(s.completedTimestamp),
    AccountId: s.accountId,
    FailureReason: s.failureReason,
  });

  const rootJson = () => ({
    Id: org.rootId,
    Arn: org.arnOfRoot(),
    Name: 'Root',
    PolicyTypes: [],
  });

  const unitJson = (id: string) => {
    const unit = org.units.get(id);
    if (!unit) throw orgErrors.parentNotFound(id);
    return { Id: unit.id, Arn: org.arnOfUnit(unit.id), Name: unit.name, Path: `${org.pathOf(unit.id)}` };
  };

  const cloudTrailStatus = (s: CreateAccountStatus) => ({
    id: s.id,
    state: s.state,
    accountName: s.accountName,
    accountId: s.accountId,
    requestedTimestamp: cloudTrailDate(s.requestedTimestamp),
    completedTimestamp: s.completedTimestamp === undefined ? undefined : cloudTrailDate(s.completedTimestamp),
    failureReason: s.failureReason,
  });

  async function finishCreateAccount(status: CreateAccountStatus): Promise<void> {
    await world.clock.delay(createDelay);
    org.completeCreateAccount(status);
    events.serviceEvent('CreateAccountResult', { createAccountStatus: cloudTrailStatus(status) });
    if (status.state === 'SUCCEEDED' && status.accountId) {
      events.serviceEvent('AccountJoinedOrganization', {
        accountId: status.accountId,
        joinedMethod: 'Created',
        joinedTime: world.isoNow(),
        organizationId: org.id,
      });
    }
  }

  async function finishClose(member: Member): Promise<void> {
    await world.clock.delay(closeDelay);
    if (member.status === 'PENDING_CLOSURE') member.status = 'SUSPENDED';
  }

  type Handler = (body: JsonObject, ctx: CallContext) => unknown;
  const handlers: Record<string, Handler> = {
    DescribeOrganization: () => ({
      Organization: {
        Id: org.id,
        Arn: org.arnOfOrganization(),
        FeatureSet: 'ALL',
        MasterAccountArn: org.arnOfAccount(world.managementAccountId),
        MasterAccountId: world.managementAccountId,
        MasterAccountEmail: world.accounts.get(world.managementAccountId)?.email,
        AvailablePolicyTypes: [],
      },
    }),
    ListRoots: (body) => {
      const { items, nextToken } = page(body, [rootJson()], 'roots');
      return { Roots: items, NextToken: nextToken };
    },
    ListAccounts: (body) => {
      const { items, nextToken } = page(body, [...org.members.values()], 'accounts');
      return { Accounts: items.map(accountJson), NextToken: nextToken };
    },
    DescribeAccount: (body) => ({ Account: accountJson(org.member(required(body, 'AccountId'))) }),
    ListAccountsForParent: (body) => {
      const parentId = required(body, 'ParentId');
      if (!org.isParent(parentId)) throw orgErrors.parentNotFound(parentId);
      const children = [...org.members.values()].filter((m) => m.parentId === parentId);
      const { items, nextToken } = page(body, children, `accounts:${parentId}`);
      return { Accounts: items.map(accountJson), NextToken: nextToken };
    },
    ListOrganizationalUnitsForParent: (body) => {
      const parentId = required(body, 'ParentId');
      if (!org.isParent(parentId)) throw orgErrors.parentNotFound(parentId);
      const units = [...org.units.values()].filter((u) => u.parentId === parentId);
      const { items, nextToken } = page(body, units, `units:${parentId}`);
      return { OrganizationalUnits: items.map((u) => unitJson(u.id)), NextToken: nextToken };
    },
    ListParents: (body) => {
      const childId = required(body, 'ChildId');
      const parentId = org.members.get(childId)?.parentId ?? org.units.get(childId)?.parentId;
      if (!parentId) throw orgErrors.childNotFound(childId);
      const { items, nextToken } = page(body, [{ Id: parentId, Type: org.parentTypeOf(parentId) }], `parents:${childId}`);
      return { Parents: items, NextToken: nextToken };
    },
    CreateOrganizationalUnit: (body, ctx) => {
      const unit = org.createUnit(required(body, 'ParentId'), required(body, 'Name'));
      const response = { OrganizationalUnit: unitJson(unit.id) };
      events.apiCall('CreateOrganizationalUnit', ctx, { parentId: unit.parentId, name: unit.name }, {
        organizationalUnit: { id: unit.id, arn: org.arnOfUnit(unit.id), name: unit.name },
      });
      return response;
    },
    MoveAccount: (body, ctx) => {
      const accountId = required(body, 'AccountId');
      const sourceParentId = required(body, 'SourceParentId');
      const destinationParentId = required(body, 'DestinationParentId');
      org.moveAccount(accountId, sourceParentId, destinationParentId);
      events.apiCall('MoveAccount', ctx, { accountId, sourceParentId, destinationParentId }, null);
      return {};
    },
    CreateAccount: (body, ctx) => {
      const email = required(body, 'Email');
      const accountName = required(body, 'AccountName');
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 64) {
        throw orgErrors.invalidInput('INVALID_EMAIL_ADDRESS_TARGET', 'You must specify a valid email address.');
      }
      if (accountName.length > 50) throw orgErrors.invalidInput('MAX_LENGTH_EXCEEDED', 'AccountName must be at most 50 characters.');
      const status = org.startCreateAccount(accountName, email);
      const response = { CreateAccountStatus: statusJson(status) };
      events.apiCall(
        'CreateAccount',
        ctx,
        { email: 'HIDDEN_DUE_TO_SECURITY_REASONS', accountName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        { createAccountStatus: { id: status.id, state: status.state, accountName: 'HIDDEN_DUE_TO_SECURITY_REASONS', requestedTimestamp: cloudTrailDate(status.requestedTimestamp) } },
      );
      void finishCreateAccount(status);
      return response;
    },
    DescribeCreateAccountStatus: (body) => {
      const id = required(body, 'CreateAccountRequestId');
      const status = org.createRequests.get(id);
      if (!status) throw orgErrors.createStatusNotFound(id);
      return { CreateAccountStatus: statusJson(status) };
    },
    RemoveAccountFromOrganization: (body, ctx) => {
      const accountId = required(body, 'AccountId');
      org.remove(accountId);
      events.apiCall('RemoveAccountFromOrganization', ctx, { accountId }, null);
      return {};
    },
    ListAWSServiceAccessForOrganization: (body) => {
      const enabled = [...org.enabledServicePrincipals].sort(([a], [b]) => a.localeCompare(b));
      const { items, nextToken } = page(body, enabled, 'service-access');
      return { EnabledServicePrincipals: items.map(([principal, at]) => ({ ServicePrincipal: principal, DateEnabled: epochSeconds(at) })), NextToken: nextToken };
    },
    EnableAWSServiceAccess: (body, ctx) => {
      const principal = servicePrincipal(body);
      if (!org.enabledServicePrincipals.has(principal)) org.enabledServicePrincipals.set(principal, world.clock.now());
      events.apiCall('EnableAWSServiceAccess', ctx, { servicePrincipal: principal }, null);
      return {};
    },
    DisableAWSServiceAccess: (body, ctx) => {
      const principal = servicePrincipal(body);
      org.enabledServicePrincipals.delete(principal);
      events.apiCall('DisableAWSServiceAccess', ctx, { servicePrincipal: principal }, null);
      return {};
    },
    CloseAccount: (body, ctx) => {
      const accountId = required(body, 'AccountId');
      const member = org.startClose(accountId);
      events.apiCall('CloseAccount', ctx, { accountId }, null);
      void finishClose(member);
      return {};
    },
  };

  /**
   * An existing account joins as if it had accepted an invitation (the handshake itself is not
   * emulated): the account is a member under the root and AccountJoinedOrganization says "Invited".
   */
  function admitInvited(accountId: string): void {
    if (!world.accounts.has(accountId)) throw orgErrors.accountNotFound(accountId);
    if (org.members.has(accountId)) throw new AwsError('DuplicateAccountException', 'That account is already a member of the organization.');
    org.join(accountId, 'INVITED', world.clock.now());
    events.serviceEvent('AccountJoinedOrganization', { accountId, joinedMethod: 'Invited', joinedTime: world.isoNow(), organizationId: org.id });
  }

  const service: ServiceModule & { readonly model: OrganizationModel; admitInvited(accountId: string): void } = {
    signingName: 'organizations',
    model: org,
    admitInvited,
    actionOf: (req: RawRequest) => targetAction(req),
    throttleClass: () => 'default',
    handle(req, ctx) {
      const action = targetAction(req);
      const handler = handlers[action];
      if (!handler) throw new AwsError('UnknownOperationException', `Unknown operation ${action}`, 400);
      if (!org.members.has(ctx.accountId)) throw orgErrors.notInUse();
      if (ctx.accountId !== world.managementAccountId && !MEMBER_ACTIONS.has(action)) throw orgErrors.accessDenied();
      return awsJsonResponse(handler(jsonBody(req), ctx), ctx);
    },
    errorResponse: (err, ctx) => awsJsonError(err, ctx),
    snapshot: () => ({
      id: org.id,
      rootId: org.rootId,
      managementAccount: rootArn(world.managementAccountId),
      members: [...org.members.values()].map(accountJson),
      organizationalUnits: [...org.units.keys()].map(unitJson),
      createAccountRequests: [...org.createRequests.values()].map(statusJson),
      enabledServicePrincipals: [...org.enabledServicePrincipals.keys()].sort(),
    }),
  };
  return service;
}
