/**
 * A lean writer for EC2 query-protocol XML. Responses are plain objects: arrays become
 * `<name><item>..</item></name>` (EC2 never flattens lists), nested objects become elements,
 * `undefined` members are left out, Dates print as ISO 8601 as EC2 does.
 */
export type XmlValue = string | number | boolean | Date | undefined | XmlObject | XmlValue[];
export interface XmlObject {
  [element: string]: XmlValue;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const NEEDS_ESCAPE = /[&<>]/;

/** Escape element text (we write no attributes with dynamic values, so quotes stay as AWS sends them). */
export function escapeXml(text: string): string {
  // Most values (ids, states) need no escaping: skip the regex replace on the hot path.
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>]/g, (c) => ESCAPES[c] ?? c) : text;
}

function writeValue(out: string[], value: XmlValue): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined) continue;
      out.push('<item>');
      writeValue(out, item);
      out.push('</item>');
    }
  } else if (value instanceof Date) {
    out.push(value.toISOString());
  } else if (typeof value === 'object') {
    writeObject(out, value);
  } else {
    out.push(escapeXml(String(value)));
  }
}

function writeObject(out: string[], obj: XmlObject): void {
  for (const name in obj) {
    const value = obj[name];
    if (value === undefined) continue;
    out.push('<', name, '>');
    writeValue(out, value);
    out.push('</', name, '>');
  }
}

export function toXml(obj: XmlObject): string {
  const out: string[] = [];
  writeObject(out, obj);
  return out.join('');
}

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function actionResponseXml(action: string, requestId: string, body: XmlObject): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">` +
    `<requestId>${escapeXml(requestId)}</requestId>${toXml(body)}</${action}Response>`
  );
}

export function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${escapeXml(requestId)}</RequestID></Response>`
  );
}
