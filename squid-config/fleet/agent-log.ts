/**
 * The policy agent's log: one JSON line on the container's stdout per change of state, never one per poll, so a
 * store outage of an hour is two lines (unreachable, reachable again), not 360. Every line starts with the key
 * `policy_agent` (its state), which tells it apart from Squid's access-log lines on the same stream.
 *
 *   {"policy_agent":"store_unreachable","keeping":"bundle 3f2c... (etag), mapping ...","since":"...","error":"..."}
 */
import { describeSnapshot, unquote, type SnapshotContent } from './policy-snapshot';
import { DOCUMENT_KEYS, snapshotContent, type DocumentStatus, type StoreState } from './store-poller';

export type LogSink = (line: string) => void;

type Fields = Record<string, string | number | boolean>;

export class AgentLog {
  private unreachableSince: Date | undefined;

  constructor(
    private readonly sink: LogSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private emit(state: string, fields: Fields): void {
    this.sink(JSON.stringify({ policy_agent: state, time: this.now().toISOString(), ...fields }));
  }

  off(reason: string): void {
    this.emit('off', { reason });
  }

  started(fields: Fields, loaded: SnapshotContent): void {
    this.emit('started', { ...fields, keeping: describeSnapshot(loaded) });
  }

  /** A new last good bundle or mapping was written for the helpers. */
  loaded(content: SnapshotContent, tookMs: number): void {
    this.emit('loaded', {
      policy: describeSnapshot(content),
      ...(content.bundle ? { bundle_revision: content.bundle.document.source.revision, policies: Object.keys(content.bundle.document.policies).length } : {}),
      ...(content.mapping ? { mapping_generated_at: content.mapping.document.generatedAt, endpoints: Object.keys(content.mapping.document.endpoints).length } : {}),
      took_ms: tookMs,
    });
  }

  /** After a poll that read the store: reports recovery and each document whose status changed. */
  polled(before: StoreState, after: StoreState): void {
    if (this.unreachableSince) {
      this.emit('store_reachable', { unreachable_since: this.unreachableSince.toISOString(), after_seconds: Math.round((this.now().getTime() - this.unreachableSince.getTime()) / 1000) });
      this.unreachableSince = undefined;
    }
    const keeping = describeSnapshot(snapshotContent(after));
    for (const document of ['bundle', 'mapping'] as const) {
      const was = before[document].status;
      const is = after[document].status;
      if (sameStatus(was, is)) continue;
      if (is.kind === 'refused') this.emit('refused', { document: DOCUMENT_KEYS[document], etag: unquote(is.etag), problem: is.problem, keeping });
      if (is.kind === 'missing') this.emit('missing', { document: DOCUMENT_KEYS[document], keeping });
    }
  }

  /** A poll that could not read the store: logged once, when the outage starts. */
  unreachable(error: unknown, kept: SnapshotContent): void {
    if (this.unreachableSince) return;
    this.unreachableSince = this.now();
    this.emit('store_unreachable', { keeping: describeSnapshot(kept), since: this.unreachableSince.toISOString(), error: describeError(error) });
  }

  failed(error: unknown): void {
    this.emit('failed', { error: describeError(error) });
  }
}

function sameStatus(a: DocumentStatus, b: DocumentStatus): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'refused' || b.kind !== 'refused' || a.etag === b.etag;
}

/** `Name: message (HTTP 403)`: enough to tell a network failure from a permission problem. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as NodeJS.ErrnoException).code;
  return `${error.name}: ${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}${status ? ` (HTTP ${status})` : ''}`;
}
