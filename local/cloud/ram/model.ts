/** Resource shares and their associations, independent of the wire protocol. */
import { randomUUID } from 'node:crypto';
import { ramErrors } from './errors';

export interface ResourceShare {
  arn: string;
  name: string;
  owningAccountId: string;
  region: string;
  allowExternalPrincipals: boolean;
  status: 'ACTIVE' | 'DELETED';
  tags: { key: string; value: string }[];
  creationTime: number;
  lastUpdatedTime: number;
}

export type AssociationType = 'PRINCIPAL' | 'RESOURCE';
export type AssociationStatus = 'ASSOCIATING' | 'ASSOCIATED' | 'FAILED' | 'DISASSOCIATING' | 'DISASSOCIATED';

export interface Association {
  resourceShareArn: string;
  resourceShareName: string;
  associatedEntity: string;
  associationType: AssociationType;
  status: AssociationStatus;
  creationTime: number;
  lastUpdatedTime: number;
  external: boolean;
}

const ARN = /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{0,12}:.+$/;
const PRINCIPAL = /^(\d{12}|arn:aws:organizations::\d{12}:(organization\/o-[a-z0-9]+|ou\/o-[a-z0-9]+\/ou-[a-z0-9]+-[a-z0-9]+)|arn:aws:iam::\d{12}:(role|user)\/.+)$/;

/** Membership questions RAM asks the organization (the principal's external flag, OTHER-ACCOUNTS visibility). */
export interface OrganizationView {
  isMember(accountId: string): boolean;
  /** Organization and OU ARNs that contain the account (empty for non-members). */
  containersOf(accountId: string): string[];
  isManagementAccount(accountId: string): boolean;
  /** Turns on RAM's trusted access in the organization (what EnableSharingWithAwsOrganization does there). */
  enableRamTrustedAccess(): void;
}

export class RamModel {
  readonly shares = new Map<string, ResourceShare>();
  readonly associations: Association[] = [];
  private readonly tokens = new Map<string, { fingerprint: string; arn: string }>();

  constructor(
    private readonly org: OrganizationView,
    private readonly now: () => number,
  ) {}

  createShare(input: {
    accountId: string;
    region: string;
    name: string;
    resourceArns: string[];
    principals: string[];
    allowExternalPrincipals: boolean;
    tags: { key: string; value: string }[];
    clientToken?: string;
  }): ResourceShare {
    const fingerprint = JSON.stringify([input.accountId, input.region, input.name, input.resourceArns, input.principals, input.allowExternalPrincipals]);
    if (input.clientToken) {
      const previous = this.tokens.get(`${input.accountId}|${input.clientToken}`);
      if (previous && previous.fingerprint !== fingerprint) throw ramErrors.idempotentMismatch();
      const existing = previous && this.shares.get(previous.arn);
      if (existing) return existing;
    }
    this.validate(input.resourceArns, input.principals, input.allowExternalPrincipals);
    const now = this.now();
    const share: ResourceShare = {
      arn: `arn:aws:ram:${input.region}:${input.accountId}:resource-share/${randomUUID()}`,
      name: input.name,
      owningAccountId: input.accountId,
      region: input.region,
      allowExternalPrincipals: input.allowExternalPrincipals,
      status: 'ACTIVE',
      tags: input.tags,
      creationTime: now,
      lastUpdatedTime: now,
    };
    this.shares.set(share.arn, share);
    if (input.clientToken) this.tokens.set(`${input.accountId}|${input.clientToken}`, { fingerprint, arn: share.arn });
    this.associate(share, input.resourceArns, input.principals);
    return share;
  }

  /** The caller's own share in its region, or UnknownResourceException (other accounts' shares are invisible). */
  ownShare(arn: string, accountId: string, region: string): ResourceShare {
    const share = this.shares.get(arn);
    if (!share || share.owningAccountId !== accountId || share.region !== region || share.status !== 'ACTIVE') {
      throw ramErrors.unknownShare(arn);
    }
    return share;
  }

  associate(share: ResourceShare, resourceArns: string[], principals: string[]): Association[] {
    this.validate(resourceArns, principals, share.allowExternalPrincipals);
    const now = this.now();
    const touched: Association[] = [];
    const upsert = (entity: string, type: AssociationType) => {
      let association = this.associations.find((a) => a.resourceShareArn === share.arn && a.associatedEntity === entity && a.associationType === type);
      if (!association) {
        association = {
          resourceShareArn: share.arn,
          resourceShareName: share.name,
          associatedEntity: entity,
          associationType: type,
          status: 'ASSOCIATED',
          creationTime: now,
          lastUpdatedTime: now,
          external: type === 'PRINCIPAL' && this.isExternal(entity),
        };
        this.associations.push(association);
      } else if (association.status !== 'ASSOCIATED') {
        association.status = 'ASSOCIATED';
        association.lastUpdatedTime = now;
      }
      touched.push(association);
    };
    for (const arn of resourceArns) upsert(arn, 'RESOURCE');
    for (const principal of principals) upsert(principal, 'PRINCIPAL');
    if (touched.length > 0) share.lastUpdatedTime = now;
    return touched;
  }

  disassociate(share: ResourceShare, resourceArns: string[], principals: string[]): Association[] {
    const now = this.now();
    const find = (entity: string, type: AssociationType) => {
      const association = this.associations.find(
        (a) => a.resourceShareArn === share.arn && a.associatedEntity === entity && a.associationType === type && a.status === 'ASSOCIATED',
      );
      if (!association) throw ramErrors.unknownAssociation(entity);
      return association;
    };
    // Check everything before changing anything, so a bad entity leaves the share untouched.
    const targets = [...resourceArns.map((arn) => find(arn, 'RESOURCE')), ...principals.map((p) => find(p, 'PRINCIPAL'))];
    for (const association of targets) {
      association.status = 'DISASSOCIATED';
      association.lastUpdatedTime = now;
    }
    return targets;
  }

  /** Active shares in `region` that have a live principal association covering `accountId`. */
  sharedWith(accountId: string, region: string): ResourceShare[] {
    const principals = new Set([accountId, ...this.org.containersOf(accountId)]);
    const arns = new Set(
      this.associations
        .filter((a) => a.associationType === 'PRINCIPAL' && a.status === 'ASSOCIATED' && principals.has(a.associatedEntity))
        .map((a) => a.resourceShareArn),
    );
    return [...this.shares.values()].filter((s) => arns.has(s.arn) && s.region === region && s.owningAccountId !== accountId && s.status === 'ACTIVE');
  }

  private isExternal(principal: string): boolean {
    const accountId = /^\d{12}$/.test(principal) ? principal : /^arn:aws:iam::(\d{12}):/.exec(principal)?.[1];
    return accountId !== undefined && !this.org.isMember(accountId);
  }

  private validate(resourceArns: string[], principals: string[], allowExternal: boolean): void {
    for (const arn of resourceArns) if (!ARN.test(arn)) throw ramErrors.malformedArn(arn);
    for (const principal of principals) {
      if (!PRINCIPAL.test(principal)) throw ramErrors.malformedArn(principal);
      if (!allowExternal && this.isExternal(principal)) throw ramErrors.externalNotAllowed(principal);
    }
  }
}
