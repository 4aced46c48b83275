/**
 * The size EventBridge charges a PutEvents entry against its 256 KB limit, per AWS's "Calculating PutEvents event
 * entry size" (docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html): 14 bytes for Time if given,
 * plus the UTF-8 bytes of Source, DetailType, Detail and each Resources entry. The delivered event is larger (its
 * envelope), but the limit is on the entry.
 *
 * Measured where the local cloud hands events to the bus: every event the control plane put with PutEvents passes
 * there (AWS services' own events, `aws.*` sources, are not entries and are left out).
 */
import type { CloudEvent, LocalCloudSinks } from '../../local/cloud/api';

export const PUT_EVENTS_ENTRY_LIMIT_BYTES = 256 * 1024;

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

export function putEventsEntryBytes(event: CloudEvent): number {
  // The control plane sets no Time (EventBridge stamps it), so it is not counted.
  return utf8Bytes(event.source) + utf8Bytes(event['detail-type']) + utf8Bytes(JSON.stringify(event.detail)) + event.resources.reduce((sum, r) => sum + utf8Bytes(r), 0);
}

export interface EventSizes {
  /** Entries put with PutEvents, counted once each (a forwarded copy is the same entry). */
  readonly entries: number;
  readonly maxBytes: number;
  /** The detail type of the largest entry. */
  readonly largestDetailType: string | undefined;
  readonly overLimit: number;
}

/** Passes everything on to `inner`, measuring each PutEvents entry once (by event id) on the way. */
export class EventSizeMeter implements LocalCloudSinks {
  private readonly seen = new Set<string>();
  private maxBytes = 0;
  private largestDetailType: string | undefined;
  private overLimit = 0;

  constructor(private readonly inner: LocalCloudSinks) {}

  onEvent(event: CloudEvent, busName: string): void {
    if (!event.source.startsWith('aws.') && !this.seen.has(event.id)) {
      this.seen.add(event.id);
      const bytes = putEventsEntryBytes(event);
      if (bytes > this.maxBytes) {
        this.maxBytes = bytes;
        this.largestDetailType = event['detail-type'];
      }
      if (bytes > PUT_EVENTS_ENTRY_LIMIT_BYTES) this.overLimit++;
    }
    this.inner.onEvent(event, busName);
  }

  onNotification(topicArn: string, message: string): void {
    this.inner.onNotification(topicArn, message);
  }

  sizes(): EventSizes {
    return { entries: this.seen.size, maxBytes: this.maxBytes, largestDetailType: this.largestDetailType, overLimit: this.overLimit };
  }
}
