/** Just enough XML writing for the query protocols (STS): elements, lists as <member>, escaping. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function xmlElement(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  return `<${name}>${xmlContent(value)}</${name}>`;
}

function xmlContent(value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => xmlElement('member', item)).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([name, child]) => xmlElement(name, child))
      .join('');
  }
  return escapeXml(String(value));
}
