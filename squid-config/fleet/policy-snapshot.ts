/**
 * The file the policy agent hands to Squid's helpers (/run/squid/policy/current.json): the last good bundle and
 * mapping the agent read from the policy store, with the ETags it read them under.
 *
 * The agent writes it atomically (a temporary file in the same directory, then rename), so a helper reading at any
 * moment sees either the previous snapshot or the next one, never half of one. The helper validates it again with
 * the same schemas: a snapshot it cannot read changes nothing (it keeps what it has).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod';
import { endpointMappingSchema, parsePolicyDocument, policyBundleSchema, type EndpointMapping, type PolicyBundle } from '../policy/documents';

export const SNAPSHOT_SCHEMA_VERSION = 1;

const loadedDocument = <T extends z.ZodType>(document: T) => z.object({ etag: z.string(), document }).nullable();

export const policySnapshotSchema = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  writtenAt: z.string(),
  /** Null until the store has given a valid bundle: the image's own allowlist is the baseline meanwhile. */
  bundle: loadedDocument(policyBundleSchema),
  /** Null until the store has given a valid mapping: every endpoint gets the baseline only meanwhile. */
  mapping: loadedDocument(endpointMappingSchema),
});
export type PolicySnapshot = z.output<typeof policySnapshotSchema>;

export interface LoadedDocument<T> {
  readonly etag: string;
  readonly document: T;
}

export interface SnapshotContent {
  readonly bundle: LoadedDocument<PolicyBundle> | null;
  readonly mapping: LoadedDocument<EndpointMapping> | null;
}

export function writeSnapshotAtomically(path: string, content: SnapshotContent, now: Date = new Date()): void {
  const snapshot: PolicySnapshot = { schemaVersion: SNAPSHOT_SCHEMA_VERSION, writtenAt: now.toISOString(), ...content };
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(snapshot));
    // On disk before the rename publishes it: a crash never leaves the name pointing at an empty file.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Throws (ENOENT, or MalformedPolicyDocumentError naming the field) when there is no usable snapshot. */
export function readSnapshot(path: string): PolicySnapshot {
  return parsePolicyDocument(policySnapshotSchema, readFileSync(path, 'utf8'), `policy snapshot ${path}`);
}

/** A short description of what a snapshot holds, for log lines: `bundle <revision> (<etag>), mapping <time> (<etag>)`. */
export function describeSnapshot(content: SnapshotContent): string {
  const bundle = content.bundle ? `bundle ${content.bundle.document.source.revision} (${unquote(content.bundle.etag)})` : 'no bundle (the shipped baseline)';
  const mapping = content.mapping
    ? `mapping ${content.mapping.document.generatedAt} (${unquote(content.mapping.etag)})`
    : 'no mapping (every endpoint gets the baseline only)';
  return `${bundle}, ${mapping}`;
}

/** S3 ETags come quoted (`"abc"`); logged inside JSON the quotes only add backslashes. */
export function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}
