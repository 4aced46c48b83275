/**
 * CloudWatch Logs filter patterns, the subset a control plane's operator uses: JSON patterns
 * (`{ $.message = "audit" && $.audit.dryRun IS FALSE }`, `{ $.messageId = "a" || $.messageId = "b" }`) with `=`, `!=`
 * (strings, with `*` wildcards, numbers), `IS TRUE`, `IS FALSE`, `IS NULL`, `NOT EXISTS`, `&&`, `||` and parentheses;
 * and plain-text patterns (every term, or quoted phrase, must appear). An empty pattern matches everything. Anything
 * else is refused, as CloudWatch refuses an invalid pattern, rather than matched wrongly.
 */

export class InvalidFilterPattern extends Error {}

type Matcher = (message: string) => boolean;
type JsonTest = (value: unknown) => boolean;

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (text.startsWith('{')) return jsonMatcher(text);
  return textMatcher(text);
}

function textMatcher(text: string): Matcher {
  const terms = [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
  if (terms.some((term) => /^[-?[\]]/.test(term))) throw new InvalidFilterPattern(`Invalid filter pattern: ${text} (the local cloud matches plain terms and quoted phrases only)`);
  return (message) => terms.every((term) => message.includes(term));
}

const TOKEN = /\s*(\(|\)|&&|\|\||!=|=|\$(?:\.[A-Za-z_][\w-]*)+|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|[A-Za-z*][\w*.-]*)/y;

function jsonMatcher(text: string): Matcher {
  if (!text.endsWith('}')) throw new InvalidFilterPattern(`Invalid filter pattern: ${text}`);
  const tokens = tokenize(text.slice(1, -1), text);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const expect = (token: string) => {
    if (next() !== token) throw new InvalidFilterPattern(`Invalid filter pattern: ${text} (expected ${token})`);
  };

  const condition = (): JsonTest => {
    if (peek() === '(') {
      next();
      const inner = or();
      expect(')');
      return inner;
    }
    const selector = next() ?? '';
    if (!selector.startsWith('$.')) throw new InvalidFilterPattern(`Invalid filter pattern: ${text} (expected a selector such as $.message)`);
    const path = selector.slice(2).split('.');
    const read = (value: unknown) => path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value);
    const operator = next();
    if (operator === 'IS') {
      const what = next();
      if (what === 'TRUE') return (v) => read(v) === true;
      if (what === 'FALSE') return (v) => read(v) === false;
      if (what === 'NULL') return (v) => read(v) === null;
      throw new InvalidFilterPattern(`Invalid filter pattern: ${text} (IS TRUE, IS FALSE or IS NULL)`);
    }
    if (operator === 'NOT') {
      expect('EXISTS');
      return (v) => read(v) === undefined;
    }
    if (operator !== '=' && operator !== '!=') throw new InvalidFilterPattern(`Invalid filter pattern: ${text} (expected =, !=, IS or NOT EXISTS)`);
    const equals = valueTest(next() ?? '', text);
    return operator === '=' ? (v) => equals(read(v)) : (v) => !equals(read(v));
  };
  const and = (): JsonTest => {
    let test = condition();
    while (peek() === '&&') {
      next();
      const [left, right] = [test, condition()];
      test = (v) => left(v) && right(v);
    }
    return test;
  };
  const or = (): JsonTest => {
    let test = and();
    while (peek() === '||') {
      next();
      const [left, right] = [test, and()];
      test = (v) => left(v) || right(v);
    }
    return test;
  };

  const test = or();
  if (position !== tokens.length) throw new InvalidFilterPattern(`Invalid filter pattern: ${text}`);
  return (message) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      // A JSON pattern matches only JSON log events, as in CloudWatch.
      return false;
    }
    return test(parsed);
  };
}

function tokenize(body: string, text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length) {
    if (body.slice(TOKEN.lastIndex).trim() === '') break;
    const match = TOKEN.exec(body);
    if (match?.[1] === undefined) throw new InvalidFilterPattern(`Invalid filter pattern: ${text}`);
    tokens.push(match[1]);
  }
  return tokens;
}

/** A quoted or bare string (with `*` wildcards) compares with strings; a number with numbers. */
function valueTest(token: string, text: string): (value: unknown) => boolean {
  if (/^-?\d+(\.\d+)?$/.test(token)) return (value) => typeof value === 'number' && value === Number(token);
  const literal = token.startsWith('"') ? (JSON.parse(token) as string) : token;
  if (literal === '' && !token.startsWith('"')) throw new InvalidFilterPattern(`Invalid filter pattern: ${text}`);
  const wildcard = new RegExp(`^${literal.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (value) => typeof value === 'string' && wildcard.test(value);
}
