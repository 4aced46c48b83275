/**
 * The two documents the fleet reads from the policy store, and the per-account shard the control plane writes.
 *
 * - The policy bundle (`policies/bundle.json`): the baseline, the named policies and the defaults per account and
 *   OU, built from squid-config/ in git by the pipeline (`npm run policy:publish`).
 * - The endpoint mapping (`mapping/endpoints.json`): VPC endpoint id -> account, VPC, the VPC's policy tag and the
 *   account's OU chain, compiled by the mapping publisher from the account shards.
 * - An account shard (`mapping/accounts/<account id>.json`): one account's endpoints, written by whichever
 *   control-plane function converged the account last.
 *
 * Each is parsed with its schema before use: a malformed document is refused with a message naming the field, and
 * the fleet keeps the last good one.
 */
import * as z from 'zod';
import { POLICY_NAME } from './policy-tag';

export const POLICY_SCHEMA_VERSION = 1;

const accountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit account id');
const endpointId = z.string().regex(/^vpce-[0-9a-f]{8,17}$/, 'expected a VPC endpoint id (vpce-...)');
const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id (vpc-...)');
const ouOrRootId = z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'expected an OU or root id');
const policyName = z.string().regex(POLICY_NAME, 'expected a policy name');
const destination = z.string().min(1).max(254);

export const policyBundleSchema = z.object({
  schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
  /** Where the bundle came from (the commit the pipeline built), for logs and `egress why`. */
  source: z.object({ revision: z.string().max(128), generatedAt: z.string() }),
  baseline: z.array(destination),
  policies: z.record(policyName, z.array(destination)),
  defaults: z.object({
    accounts: z.record(accountId, z.array(policyName)),
    organizationalUnits: z.record(ouOrRootId, z.array(policyName)),
  }),
});
export type PolicyBundle = z.output<typeof policyBundleSchema>;

export const mappedEndpointSchema = z.object({
  accountId,
  vpcId,
  /** The VPC's policy tag value as read; null when the VPC has no such tag (the defaults then apply). */
  policyTag: z.string().max(1024).nullable(),
  /** The account's parents, nearest first (OU ids, then the root id), for the defaults per OU. */
  ancestorIds: z.array(ouOrRootId).max(8),
});
export type MappedEndpoint = z.output<typeof mappedEndpointSchema>;

export const endpointMappingSchema = z.object({
  schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
  generatedAt: z.string(),
  endpoints: z.record(endpointId, mappedEndpointSchema),
  /** The ETag of each account shard compiled in, so the next compile fetches only the shards that changed. */
  shards: z.record(accountId, z.string()),
});
export type EndpointMapping = z.output<typeof endpointMappingSchema>;

export const accountShardSchema = z.object({
  schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
  accountId,
  updatedAt: z.string(),
  ancestorIds: z.array(ouOrRootId).max(8),
  /** By endpoint id: the live endpoints of the account's tagged VPCs. */
  endpoints: z.record(endpointId, z.object({ vpcId, policyTag: z.string().max(1024).nullable() })),
});
export type AccountShard = z.output<typeof accountShardSchema>;

/** Why a document was refused, one line naming each bad field. */
export class MalformedPolicyDocumentError extends Error {
  override readonly name = 'MalformedPolicyDocumentError';
}

export function parsePolicyDocument<T extends z.ZodType>(schema: T, text: string, what: string): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MalformedPolicyDocumentError(`${what} is not JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map(describeIssue);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    throw new MalformedPolicyDocumentError(`${what} is malformed: ${problems.join('; ')}${more}`);
  }
  return parsed.data;
}

/** One issue in words. A bad record key (an id) says what the key must look like: zod's own message says only "Invalid key in record". */
function describeIssue(issue: z.core.$ZodIssue): string {
  const message = issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join() : issue.message;
  return `${issue.path.join('.') || '(root)'}: ${message}`;
}
