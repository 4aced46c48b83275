/**
 * AWS RAM over restJson1: POST /createresourceshare and friends, JSON bodies with camelCase members,
 * errors named by the x-amzn-errortype header with a {message} body.
 */
import { AwsError } from '../framework';
import type { CallContext, RawResponse, ServiceModule } from '../framework';
import { epochSeconds, jsonBody, optionalBoolean, optionalNumber, optionalString, optionalStringList } from '../core/json-protocol';
import type { JsonObject } from '../core/json-protocol';
import { paginate } from '../core/pagination';
import type { LocalWorld } from '../core/world';
import { ramErrors } from './errors';
import { RamModel } from './model';
import type { Association, OrganizationView, ResourceShare } from './model';

const ACTIONS: Record<string, string> = {
  '/createresourceshare': 'CreateResourceShare',
  '/getresourceshares': 'GetResourceShares',
  '/associateresourceshare': 'AssociateResourceShare',
  '/disassociateresourceshare': 'DisassociateResourceShare',
  '/getresourceshareassociations': 'GetResourceShareAssociations',
  '/enablesharingwithawsorganization': 'EnableSharingWithAwsOrganization',
};

const shareJson = (s: ResourceShare) => ({
  resourceShareArn: s.arn,
  name: s.name,
  owningAccountId: s.owningAccountId,
  allowExternalPrincipals: s.allowExternalPrincipals,
  status: s.status,
  tags: s.tags,
  creationTime: epochSeconds(s.creationTime),
  lastUpdatedTime: epochSeconds(s.lastUpdatedTime),
  featureSet: 'STANDARD',
});

const associationJson = (a: Association) => ({
  resourceShareArn: a.resourceShareArn,
  resourceShareName: a.resourceShareName,
  associatedEntity: a.associatedEntity,
  associationType: a.associationType,
  status: a.status,
  creationTime: epochSeconds(a.creationTime),
  lastUpdatedTime: epochSeconds(a.lastUpdatedTime),
  external: a.external,
});

function tagsOf(body: JsonObject): { key: string; value: string }[] {
  const tags = body.tags;
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw ramErrors.invalid('tags must be a list');
  return tags.map((tag: unknown) => {
    const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== 'string') throw ramErrors.invalid('Each tag needs a key');
    return { key, value: typeof value === 'string' ? value : '' };
  });
}

export function createRamService(world: LocalWorld, org: OrganizationView) {
  const model = new RamModel(org, () => world.clock.now());

  const required = (body: JsonObject, name: string): string => {
    const value = optionalString(body, name);
    if (!value) throw ramErrors.missing(name);
    return value;
  };

  const page = <T>(body: JsonObject, all: readonly T[], scope: string) =>
    paginate(
      all,
      { maxResults: optionalNumber(body, 'maxResults'), nextToken: optionalString(body, 'nextToken'), defaultMax: 500, limit: 500, scope },
      ramErrors.invalidNextToken,
      ramErrors.invalidMaxResults,
    );

  type Handler = (body: JsonObject, ctx: CallContext) => unknown;
  const handlers: Record<string, Handler> = {
    CreateResourceShare: (body, ctx) => {
      const clientToken = optionalString(body, 'clientToken');
      const share = model.createShare({
        accountId: ctx.accountId,
        region: ctx.region,
        name: required(body, 'name'),
        resourceArns: optionalStringList(body, 'resourceArns') ?? [],
        principals: optionalStringList(body, 'principals') ?? [],
        allowExternalPrincipals: optionalBoolean(body, 'allowExternalPrincipals') ?? true,
        tags: tagsOf(body),
        clientToken,
      });
      return { resourceShare: shareJson(share), clientToken };
    },
    GetResourceShares: (body, ctx) => {
      const owner = required(body, 'resourceOwner');
      if (owner !== 'SELF' && owner !== 'OTHER-ACCOUNTS') throw ramErrors.invalid(`resourceOwner must be SELF or OTHER-ACCOUNTS, got ${owner}`);
      const arns = optionalStringList(body, 'resourceShareArns');
      const status = optionalString(body, 'resourceShareStatus');
      const name = optionalString(body, 'name');
      const candidates =
        owner === 'SELF'
          ? [...model.shares.values()].filter((s) => s.owningAccountId === ctx.accountId && s.region === ctx.region)
          : model.sharedWith(ctx.accountId, ctx.region);
      const matching = candidates.filter(
        (s) => (!arns || arns.includes(s.arn)) && (!status || s.status === status) && (!name || s.name === name),
      );
      const { items, nextToken } = page(body, matching, `shares:${ctx.accountId}:${owner}`);
      return { resourceShares: items.map(shareJson), nextToken };
    },
    AssociateResourceShare: (body, ctx) => {
      const share = model.ownShare(required(body, 'resourceShareArn'), ctx.accountId, ctx.region);
      const touched = model.associate(share, optionalStringList(body, 'resourceArns') ?? [], optionalStringList(body, 'principals') ?? []);
      return { resourceShareAssociations: touched.map(associationJson), clientToken: optionalString(body, 'clientToken') };
    },
    DisassociateResourceShare: (body, ctx) => {
      const share = model.ownShare(required(body, 'resourceShareArn'), ctx.accountId, ctx.region);
      const touched = model.disassociate(share, optionalStringList(body, 'resourceArns') ?? [], optionalStringList(body, 'principals') ?? []);
      return { resourceShareAssociations: touched.map(associationJson), clientToken: optionalString(body, 'clientToken') };
    },
    // Management account only; RAM enables its trusted access in Organizations (and, in AWS, creates its
    // service-linked role, which the local cloud does not model).
    EnableSharingWithAwsOrganization: (_body, ctx) => {
      if (!org.isManagementAccount(ctx.accountId)) throw ramErrors.notManagementAccount();
      org.enableRamTrustedAccess();
      return { returnValue: true };
    },
    GetResourceShareAssociations: (body, ctx) => {
      const type = required(body, 'associationType');
      if (type !== 'PRINCIPAL' && type !== 'RESOURCE') throw ramErrors.invalid(`associationType must be PRINCIPAL or RESOURCE, got ${type}`);
      const principal = optionalString(body, 'principal');
      const resourceArn = optionalString(body, 'resourceArn');
      if (principal && type !== 'PRINCIPAL') throw ramErrors.invalid('principal can be used only with associationType PRINCIPAL');
      if (resourceArn && type !== 'RESOURCE') throw ramErrors.invalid('resourceArn can be used only with associationType RESOURCE');
      const arns = optionalStringList(body, 'resourceShareArns');
      const status = optionalString(body, 'associationStatus');
      const matching = model.associations.filter((a) => {
        const share = model.shares.get(a.resourceShareArn);
        return (
          share?.owningAccountId === ctx.accountId &&
          share.region === ctx.region &&
          a.associationType === type &&
          (!arns || arns.includes(a.resourceShareArn)) &&
          (!principal || a.associatedEntity === principal) &&
          (!resourceArn || a.associatedEntity === resourceArn) &&
          (!status || a.status === status)
        );
      });
      const { items, nextToken } = page(body, matching, `associations:${ctx.accountId}:${type}`);
      return { resourceShareAssociations: items.map(associationJson), nextToken };
    },
  };

  const headers = (ctx: CallContext) => ({ 'content-type': 'application/json', 'x-amzn-requestid': ctx.requestId });

  const service: ServiceModule & { readonly model: RamModel } = {
    signingName: 'ram',
    model,
    actionOf: (req) => ACTIONS[req.path.toLowerCase()] ?? '',
    throttleClass: () => 'default',
    handle(req, ctx): RawResponse {
      const action = ACTIONS[req.path.toLowerCase()];
      const handler = action ? handlers[action] : undefined;
      if (!handler || req.method !== 'POST') throw new AwsError('UnknownOperationException', `No operation at ${req.method} ${req.path}`, 404);
      return { status: 200, headers: headers(ctx), body: JSON.stringify(handler(jsonBody(req), ctx)) };
    },
    errorResponse: (err, ctx) => ({
      status: err.status,
      headers: { ...headers(ctx), 'x-amzn-errortype': err.code },
      body: JSON.stringify({ message: err.message }),
    }),
    snapshot: () => ({
      resourceShares: [...model.shares.values()].map((s) => ({ ...shareJson(s), region: s.region })),
      associations: model.associations.map(associationJson),
    }),
  };
  return service;
}
