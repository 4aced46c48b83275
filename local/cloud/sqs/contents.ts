/** The first character SQS refuses in a body or string attribute value (W3C XML's Char production), as SQS names it (#x0), or undefined. */
export function forbiddenCharacter(text: string): string | undefined {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    if (!allowed) return `#x${code.toString(16).toUpperCase()}`;
  }
  return undefined;
}
