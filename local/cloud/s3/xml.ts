/**
 * XML for S3's REST-XML protocol. Responses: elements in object order, lists flattened (a repeated element per
 * item, as S3 writes Contents and CommonPrefixes). Requests: S3's request bodies are tiny and fixed in shape
 * (CreateBucketConfiguration, Delete), so a few readers for named elements are enough.
 */
import type { CallContext } from '../framework';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export type XmlValue = string | number | boolean | undefined | XmlObject | readonly XmlValue[];
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

// As the SDK's own XML writer escapes: a raw CR or LF would be normalised away by any XML parser, and keys
// may contain them.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#x0D;', '\n': '&#x0A;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r\n]/g, (c) => ESCAPES[c] ?? c);
}

function write(out: string[], name: string, value: XmlValue): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value as readonly XmlValue[]) write(out, name, item);
    return;
  }
  out.push('<', name, '>');
  if (typeof value === 'object') {
    for (const [child, childValue] of Object.entries(value as XmlObject)) write(out, child, childValue);
  } else {
    out.push(escapeXml(String(value)));
  }
  out.push('</', name, '>');
}

/** A whole response document; error documents carry no namespace, every other S3 document does. */
export function xmlDocument(root: string, body: XmlObject, namespaced = true): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n<', root, namespaced ? ` xmlns="${S3_XMLNS}">` : '>'];
  for (const [name, value] of Object.entries(body)) write(out, name, value);
  out.push('</', root, '>');
  return out.join('');
}

/** S3's x-amz-id-2 (the SDK's extendedRequestId): opaque; derived from the request id so one call has one. */
export const hostId = (ctx: CallContext) => Buffer.from(ctx.requestId).toString('base64');

/** Headers S3 puts on every response, errors included. */
export function s3Headers(ctx: CallContext): Record<string, string> {
  return { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': hostId(ctx) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Element text with its entity and character references resolved. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g, (_, hex?: string, dec?: string, named?: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(parseInt(dec, 10)) : (ENTITIES[named ?? ''] ?? ''),
  );
}

/** The raw inner XML of every `<name>` element (`<name/>` counts as empty), in document order. */
export function innerXmlOf(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${name}>)`, 'g');
  return [...xml.matchAll(pattern)].map((m) => m[1] ?? '');
}

/** The decoded text of the first `<name>` element, or undefined when there is none. */
export function textOf(xml: string, name: string): string | undefined {
  const inner = innerXmlOf(xml, name)[0];
  return inner === undefined ? undefined : decodeXmlText(inner);
}

/** Whether `xml` is one `<root>` element (after an optional declaration): the shape check S3's parser makes first. */
export function hasRoot(xml: string, root: string): boolean {
  const trimmed = xml.replace(/^\s*<\?xml[^>]*\?>/, '').trim();
  return new RegExp(`^<${root}(?:\\s[^>]*)?>[\\s\\S]*</${root}>$`).test(trimmed) || new RegExp(`^<${root}(?:\\s[^>]*)?/>$`).test(trimmed);
}
