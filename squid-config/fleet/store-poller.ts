/**
 * One poll of the policy store: a conditional GET of the bundle and of the mapping (a 304 costs no body), each new
 * version validated before it may replace the last good one. Pure state in, state out; the agent decides what to
 * write and what to log.
 *
 * - A valid new version becomes the last good one.
 * - A malformed version (schema, or for the bundle the pipeline's own check) is refused: the last good one stays,
 *   and its ETag is remembered so the same bad version is neither fetched nor reported again.
 * - A missing object keeps the last good one too: fail static, as when the store cannot be read at all.
 * - A store that cannot be read throws, and the caller keeps everything as it was.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { bundleProblems } from '../policy/check';
import { endpointMappingSchema, MalformedPolicyDocumentError, parsePolicyDocument, policyBundleSchema, type EndpointMapping, type PolicyBundle } from '../policy/documents';
import { BUNDLE_KEY, MAPPING_KEY, readObject } from '../policy/store';
import type { LoadedDocument, SnapshotContent } from './policy-snapshot';

/** What the store holds for one document, compared with what the agent uses. */
export type DocumentStatus =
  | { readonly kind: 'current' }
  | { readonly kind: 'refused'; readonly etag: string; readonly problem: string }
  | { readonly kind: 'missing' };

export interface DocumentState<T> {
  readonly good: LoadedDocument<T> | null;
  /** The ETag of the last version read, good or refused: the next GET is conditional on it. */
  readonly seenEtag: string | undefined;
  readonly status: DocumentStatus;
}

export interface StoreState {
  readonly bundle: DocumentState<PolicyBundle>;
  readonly mapping: DocumentState<EndpointMapping>;
}

interface DocumentSpec<T> {
  readonly key: string;
  /** Throws MalformedPolicyDocumentError naming the problem. */
  readonly parse: (text: string, where: string) => T;
}

const BUNDLE: DocumentSpec<PolicyBundle> = {
  key: BUNDLE_KEY,
  parse: (text, where) => {
    const bundle = parsePolicyDocument(policyBundleSchema, text, where);
    // A bundle the pipeline's check would refuse (an IP literal in a named policy, ...) must not widen anything.
    const problems = bundleProblems(bundle);
    if (problems.length > 0) throw new MalformedPolicyDocumentError(`${where} fails the policy check: ${problems.slice(0, 5).join('; ')}`);
    return bundle;
  },
};

const MAPPING: DocumentSpec<EndpointMapping> = {
  key: MAPPING_KEY,
  parse: (text, where) => parsePolicyDocument(endpointMappingSchema, text, where),
};

export function initialStoreState(loaded: SnapshotContent): StoreState {
  const start = <T>(good: LoadedDocument<T> | null): DocumentState<T> => ({ good, seenEtag: good?.etag, status: { kind: 'current' } });
  return { bundle: start(loaded.bundle), mapping: start(loaded.mapping) };
}

async function pollDocument<T>(s3: S3Client, bucket: string, spec: DocumentSpec<T>, state: DocumentState<T>): Promise<DocumentState<T>> {
  const read = await readObject(s3, bucket, spec.key, state.seenEtag);
  switch (read.kind) {
    case 'unchanged':
      return state;
    case 'missing':
      return { good: state.good, seenEtag: undefined, status: { kind: 'missing' } };
    case 'found':
      try {
        const document = spec.parse(read.text, `s3://${bucket}/${spec.key}`);
        return { good: { etag: read.etag, document }, seenEtag: read.etag, status: { kind: 'current' } };
      } catch (error) {
        if (!(error instanceof MalformedPolicyDocumentError)) throw error;
        return { good: state.good, seenEtag: read.etag, status: { kind: 'refused', etag: read.etag, problem: error.message } };
      }
  }
}

/** Reads both documents; throws when the store cannot be read (the caller keeps `state`). */
export async function pollStore(s3: S3Client, bucket: string, state: StoreState): Promise<StoreState> {
  const bundle = await pollDocument(s3, bucket, BUNDLE, state.bundle);
  const mapping = await pollDocument(s3, bucket, MAPPING, state.mapping);
  return { bundle, mapping };
}

export function snapshotContent(state: StoreState): SnapshotContent {
  return { bundle: state.bundle.good, mapping: state.mapping.good };
}

/** True when the last good bundle or mapping changed: the snapshot must be rewritten. */
export function goodContentChanged(before: StoreState, after: StoreState): boolean {
  return before.bundle.good?.etag !== after.bundle.good?.etag || before.mapping.good?.etag !== after.mapping.good?.etag;
}

export const DOCUMENT_KEYS = { bundle: BUNDLE_KEY, mapping: MAPPING_KEY } as const;
