/** The organization's state and rules, independent of the wire protocol. */
import type { LocalWorld } from '../core/world';
import { randomHex, randomLowerAlnum } from '../core/random';
import { orgErrors } from './errors';

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface Member {
  accountId: string;
  parentId: string;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: number;
  status: AccountStatus;
}

export interface OrganizationalUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface CreateAccountStatus {
  id: string;
  accountName: string;
  email: string;
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  requestedTimestamp: number;
  completedTimestamp?: number;
  accountId?: string;
  failureReason?: string;
}

export const RAM_SERVICE_PRINCIPAL = 'ram.amazonaws.com';

export class OrganizationModel {
  readonly id: string;
  readonly rootId: string;
  readonly members = new Map<string, Member>();
  readonly units = new Map<string, OrganizationalUnit>();
  readonly createRequests = new Map<string, CreateAccountStatus>();
  /**
   * Services with trusted access (EnableAWSServiceAccess), with when it was enabled. RAM's is on from the start: the
   * local RAM associates members directly, as RAM does once sharing with the organization is enabled.
   */
  readonly enabledServicePrincipals = new Map<string, number>();

  constructor(private readonly world: LocalWorld) {
    this.id = `o-${randomLowerAlnum(() => world.random(), 10)}`;
    this.rootId = `r-${randomLowerAlnum(() => world.random(), 4)}`;
    const now = world.clock.now();
    this.join(world.managementAccountId, 'CREATED', now);
    this.join(world.hubAccountId, 'INVITED', now);
    this.enabledServicePrincipals.set(RAM_SERVICE_PRINCIPAL, now);
  }

  get managementAccountId(): string {
    return this.world.managementAccountId;
  }

  arnOfOrganization = () => `arn:aws:organizations::${this.managementAccountId}:organization/${this.id}`;
  arnOfRoot = () => `arn:aws:organizations::${this.managementAccountId}:root/${this.id}/${this.rootId}`;
  arnOfUnit = (ouId: string) => `arn:aws:organizations::${this.managementAccountId}:ou/${this.id}/${ouId}`;
  arnOfAccount = (accountId: string) => `arn:aws:organizations::${this.managementAccountId}:account/${this.id}/${accountId}`;

  join(accountId: string, method: Member['joinedMethod'], at: number): Member {
    const member: Member = { accountId, parentId: this.rootId, joinedMethod: method, joinedTimestamp: at, status: 'ACTIVE' };
    this.members.set(accountId, member);
    return member;
  }

  member(accountId: string): Member {
    const member = this.members.get(accountId);
    if (!member) throw orgErrors.accountNotFound(accountId);
    return member;
  }

  isParent(id: string): boolean {
    return id === this.rootId || this.units.has(id);
  }

  parentTypeOf(id: string): 'ROOT' | 'ORGANIZATIONAL_UNIT' {
    return id === this.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT';
  }

  /** Path of ids from the root to `parentId`, e.g. o-x/r-x/ou-x-y/ (Organizations' Path format). */
  pathOf(parentId: string): string {
    const chain: string[] = [];
    for (let id: string | undefined = parentId; id && id !== this.rootId; id = this.units.get(id)?.parentId) chain.unshift(id);
    return `${this.id}/${this.rootId}/${chain.map((id) => `${id}/`).join('')}`;
  }

  createUnit(parentId: string, name: string): OrganizationalUnit {
    if (!this.isParent(parentId)) throw orgErrors.parentNotFound(parentId);
    if (!name || name.length > 128) throw orgErrors.invalidInput('INVALID_INPUT', 'Name must be 1-128 characters.');
    for (const unit of this.units.values()) {
      if (unit.parentId === parentId && unit.name === name) throw orgErrors.duplicateOu(name);
    }
    const suffix = this.rootId.slice(2);
    let id: string;
    do id = `ou-${suffix}-${randomLowerAlnum(() => this.world.random(), 8)}`;
    while (this.units.has(id));
    const unit = { id, name, parentId };
    this.units.set(id, unit);
    return unit;
  }

  moveAccount(accountId: string, sourceParentId: string, destinationParentId: string): void {
    if (!this.isParent(sourceParentId)) throw orgErrors.sourceParentNotFound(sourceParentId);
    if (!this.isParent(destinationParentId)) throw orgErrors.destinationParentNotFound(destinationParentId);
    const member = this.member(accountId);
    if (member.parentId !== sourceParentId) throw orgErrors.sourceParentNotFound(sourceParentId);
    if (member.parentId === destinationParentId) throw orgErrors.duplicateAccount();
    member.parentId = destinationParentId;
  }

  startCreateAccount(accountName: string, email: string): CreateAccountStatus {
    let id: string;
    do id = `car-${randomHex(() => this.world.random(), 32)}`;
    while (this.createRequests.has(id));
    const status: CreateAccountStatus = { id, accountName, email, state: 'IN_PROGRESS', requestedTimestamp: this.world.clock.now() };
    this.createRequests.set(id, status);
    return status;
  }

  /** Completes a creation: the account exists with its baseline and joins the root. */
  completeCreateAccount(status: CreateAccountStatus): void {
    const now = this.world.clock.now();
    status.completedTimestamp = now;
    const emailTaken = [...this.world.accounts.values()].some((a) => a.email.toLowerCase() === status.email.toLowerCase());
    if (emailTaken) {
      status.state = 'FAILED';
      status.failureReason = 'EMAIL_ALREADY_EXISTS';
      return;
    }
    const accountId = this.world.newAccountId();
    this.world.ensureAccount({ id: accountId, name: status.accountName, email: status.email });
    this.join(accountId, 'CREATED', now);
    status.state = 'SUCCEEDED';
    status.accountId = accountId;
  }

  remove(accountId: string): void {
    if (accountId === this.managementAccountId) throw orgErrors.masterCannotLeave();
    this.member(accountId);
    this.members.delete(accountId);
  }

  startClose(accountId: string): Member {
    if (accountId === this.managementAccountId) {
      throw orgErrors.constraint('CANNOT_CLOSE_MANAGEMENT_ACCOUNT', 'You cannot close the management account with CloseAccount.');
    }
    const member = this.member(accountId);
    if (member.status !== 'ACTIVE') throw orgErrors.accountAlreadyClosed();
    member.status = 'PENDING_CLOSURE';
    return member;
  }
}
