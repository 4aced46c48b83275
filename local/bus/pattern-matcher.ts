/**
 * EventBridge content filtering, as documented in the EventBridge user guide ("Event patterns",
 * "Comparison operators", "Arrays", "Null values"). A pattern is compiled once (and rejected with a
 * readable message, as PutRule would) and then evaluated against events.
 *
 * Known deviation: AWS compares numbers by their JSON text (300 and 3.0e2 differ); after JSON.parse the
 * text is gone, so exact numeric values compare by value here.
 */
import type { EventPattern } from '../../events/pattern-types';

export type CompiledPattern = (event: unknown) => boolean;

export class InvalidEventPatternError extends Error {
  constructor(path: string, message: string) {
    super(`invalid event pattern at ${path || '(root)'}: ${message}`);
    this.name = 'InvalidEventPatternError';
  }
}

/** Does `event` match `pattern`? Compiles on every call: use compilePattern for repeated matching. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) {
    throw new InvalidEventPatternError('', 'a pattern must be a JSON object');
  }
  const node = compileObject(pattern, '');
  return (event) => node(event);
}

/** Matches one object level of the event (AND of its fields, plus any $or alternatives). */
type ObjectMatcher = (value: unknown) => boolean;

/** Matches the value found at a leaf path; an absent field (or parent) is accepted only by `exists: false`. */
interface LeafMatcher {
  matchesAbsent: boolean;
  matchesValue(value: Scalar): boolean;
  /** `exists` only looks at leaves: a field holding an object counts as absent (documented example). */
  matchesNonLeaf: boolean;
}

type Scalar = string | number | boolean | null;

function compileObject(pattern: Record<string, unknown>, path: string): ObjectMatcher {
  const checks: ObjectMatcher[] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (key === '$or') {
      checks.push(compileOr(value, fieldPath));
    } else if (Array.isArray(value)) {
      checks.push(compileField(key, compileLeafList(value, fieldPath)));
    } else if (isPlainObject(value)) {
      checks.push(compileNested(key, compileObject(value, fieldPath)));
    } else {
      throw new InvalidEventPatternError(fieldPath, 'a field must map to an array of matchers or an object');
    }
  }
  if (checks.length === 0 && path !== '') {
    throw new InvalidEventPatternError(path, 'an object in a pattern must not be empty');
  }
  return (value) => checks.every((check) => check(value));
}

function compileOr(value: unknown, path: string): ObjectMatcher {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidEventPatternError(path, '$or takes an array of at least two patterns');
  }
  const alternatives = value.map((alternative, index) => {
    if (!isPlainObject(alternative)) {
      throw new InvalidEventPatternError(`${path}[${index}]`, 'each $or alternative must be an object');
    }
    return compileObject(alternative, `${path}[${index}]`);
  });
  return (object) => alternatives.some((alternative) => alternative(object));
}

/** A nested object pattern: the event must hold an object there (or an array of objects: any one). */
function compileNested(key: string, inner: ObjectMatcher): ObjectMatcher {
  return (object) => {
    if (!isPlainObject(object)) return inner(undefined);
    const value = object[key];
    if (Array.isArray(value)) {
      const objects = value.filter(isPlainObject);
      return objects.length > 0 ? objects.some(inner) : inner(undefined);
    }
    return inner(isPlainObject(value) ? value : undefined);
  };
}

function compileField(key: string, leaf: LeafMatcher): ObjectMatcher {
  return (object) => {
    const value = isPlainObject(object) ? object[key] : undefined;
    // Equivalent mutants below: every match list answers `matchesAbsent` and `matchesNonLeaf` alike (only `exists: false`
    // accepts either, and accepts both), so which of the two an absent value or an array without scalars reads cannot
    // change a match. They stay apart to say what each case means.
    // Stryker disable next-line ConditionalExpression: equivalent when false (see above); true is killed, but shares the node
    if (value === undefined) return leaf.matchesAbsent;
    if (Array.isArray(value)) {
      const scalars = value.filter(isScalar);
      if (scalars.length === 0) {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (see above)
        return value.length > 0 ? leaf.matchesNonLeaf : leaf.matchesAbsent;
      }
      return scalars.some((scalar) => leaf.matchesValue(scalar));
    }
    if (isScalar(value)) return leaf.matchesValue(value);
    return leaf.matchesNonLeaf;
  };
}

/** The array under a field: the event value must satisfy any one of its matchers. */
function compileLeafList(list: unknown[], path: string): LeafMatcher {
  if (list.length === 0) {
    throw new InvalidEventPatternError(path, 'a match list must not be empty');
  }
  const matchers = list.map((item, index) => compileLeaf(item, `${path}[${index}]`));
  return {
    matchesAbsent: matchers.some((m) => m.matchesAbsent),
    matchesNonLeaf: matchers.some((m) => m.matchesNonLeaf),
    matchesValue: (value) => matchers.some((m) => m.matchesValue(value)),
  };
}

function valueMatcher(matchesValue: (value: Scalar) => boolean): LeafMatcher {
  return { matchesAbsent: false, matchesNonLeaf: false, matchesValue };
}

function compileLeaf(item: unknown, path: string): LeafMatcher {
  if (isScalar(item)) return valueMatcher((value) => value === item);
  if (!isPlainObject(item)) {
    throw new InvalidEventPatternError(path, 'a matcher must be a JSON value or an operator object');
  }
  const entries = Object.entries(item);
  const [entry] = entries;
  if (!entry || entries.length !== 1) {
    throw new InvalidEventPatternError(path, 'an operator object must have exactly one operator');
  }
  const [operator, operand] = entry;
  const at = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
      return valueMatcher(stringTest(operand, at, (value, text) => value.startsWith(text), caseless((v, t) => v.startsWith(t))));
    case 'suffix':
      return valueMatcher(stringTest(operand, at, (value, text) => value.endsWith(text), caseless((v, t) => v.endsWith(t))));
    case 'equals-ignore-case': {
      const text = requireString(operand, at);
      return valueMatcher((value) => typeof value === 'string' && equalsIgnoreCase(value, text));
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(operand, at), at);
      return valueMatcher((value) => typeof value === 'string' && regex.test(value));
    }
    case 'anything-but':
      return compileAnythingBut(operand, at);
    case 'numeric':
      return valueMatcher(compileNumeric(operand, at));
    case 'cidr':
      return valueMatcher(compileCidr(operand, at));
    case 'exists': {
      if (typeof operand !== 'boolean') throw new InvalidEventPatternError(at, 'exists takes true or false');
      return operand
        ? { matchesAbsent: false, matchesNonLeaf: false, matchesValue: () => true }
        : // Stryker disable next-line ArrowFunction: equivalent, an undefined answer is as false as false to some()
          { matchesAbsent: true, matchesNonLeaf: true, matchesValue: () => false };
    }
    default:
      throw new InvalidEventPatternError(at, `unknown operator "${operator}"`);
  }
}

type StringTest = (value: string, text: string) => boolean;

/** prefix/suffix take a string, or `{ "equals-ignore-case": string }`. */
function stringTest(operand: unknown, path: string, exact: StringTest, ignoringCase: StringTest) {
  if (typeof operand === 'string') {
    return (value: Scalar) => typeof value === 'string' && exact(value, operand);
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && 'equals-ignore-case' in operand) {
    const text = requireString(operand['equals-ignore-case'], `${path}.equals-ignore-case`);
    return (value: Scalar) => typeof value === 'string' && ignoringCase(value, text);
  }
  throw new InvalidEventPatternError(path, 'expects a string or {"equals-ignore-case": string}');
}

function caseless(test: StringTest): StringTest {
  return (value, text) => test(value.toLowerCase(), text.toLowerCase());
}

function equalsIgnoreCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * anything-but: a value, a list of values (all strings or all numbers), or a nested prefix, suffix,
 * equals-ignore-case or wildcard (each with a string or a list of strings). Absent fields never match.
 */
function compileAnythingBut(operand: unknown, path: string): LeafMatcher {
  if (isScalar(operand) && operand !== null && typeof operand !== 'boolean') {
    return valueMatcher((value) => value !== operand);
  }
  if (Array.isArray(operand)) {
    const allStrings = operand.every((v) => typeof v === 'string');
    const allNumbers = operand.every((v) => typeof v === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidEventPatternError(path, 'anything-but takes a non-empty list of only strings or only numbers');
    }
    const excluded = new Set<unknown>(operand);
    return valueMatcher((value) => !excluded.has(value));
  }
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    const [entry] = entries;
    if (!entry || entries.length !== 1) {
      throw new InvalidEventPatternError(path, 'anything-but takes exactly one nested operator');
    }
    const [operator, nested] = entry;
    const at = `${path}.${operator}`;
    const texts = Array.isArray(nested) ? nested.map((t, i) => requireString(t, `${at}[${i}]`)) : [requireString(nested, at)];
    let test: (value: string, text: string) => boolean;
    switch (operator) {
      case 'prefix':
        test = (value, text) => value.startsWith(text);
        break;
      case 'suffix':
        test = (value, text) => value.endsWith(text);
        break;
      case 'equals-ignore-case':
        test = equalsIgnoreCase;
        break;
      case 'wildcard': {
        const regexes = new Map(texts.map((text) => [text, wildcardRegex(text, at)]));
        // Stryker disable next-line OptionalChaining,BooleanLiteral: equivalent, every text has its regex in the map
        test = (value, text) => regexes.get(text)?.test(value) ?? false;
        break;
      }
      default:
        throw new InvalidEventPatternError(at, `anything-but does not support "${operator}"`);
    }
    // The nested forms apply to strings; any other value is "anything but" them.
    return valueMatcher((value) => typeof value !== 'string' || !texts.some((text) => test(value, text)));
  }
  throw new InvalidEventPatternError(path, 'anything-but takes a string, a number, a list or a nested operator');
}

const NUMERIC_LIMIT = 1e9;

/** numeric: ["<" | "<=" | "=" | ">" | ">=", n] once or twice (a range). Only JSON numbers match. */
function compileNumeric(operand: unknown, path: string): (value: Scalar) => boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternError(path, 'numeric takes [op, n] or [op, n, op, n]');
  }
  const tests: ((n: number) => boolean)[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const operator: unknown = operand[i];
    const bound: unknown = operand[i + 1];
    if (typeof bound !== 'number' || Math.abs(bound) > NUMERIC_LIMIT) {
      throw new InvalidEventPatternError(path, `numeric bounds must be numbers within ±${NUMERIC_LIMIT}`);
    }
    switch (operator) {
      case '<':
        tests.push((n) => n < bound);
        break;
      case '<=':
        tests.push((n) => n <= bound);
        break;
      case '=':
        if (operand.length === 4) throw new InvalidEventPatternError(path, '"=" cannot be part of a range');
        tests.push((n) => n === bound);
        break;
      case '>':
        tests.push((n) => n > bound);
        break;
      case '>=':
        tests.push((n) => n >= bound);
        break;
      default:
        throw new InvalidEventPatternError(path, `unknown numeric operator ${JSON.stringify(operator)}`);
    }
  }
  return (value) => typeof value === 'number' && tests.every((test) => test(value));
}

/** IPv4 CIDR matching on string values. IPv6 patterns are rejected rather than silently mismatched. */
function compileCidr(operand: unknown, path: string): (value: Scalar) => boolean {
  const text = requireString(operand, path);
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  const base = match?.[1] === undefined ? undefined : ipv4ToInt(match[1]);
  const bits = Number(match?.[2]);
  if (base === undefined || bits > 32) {
    throw new InvalidEventPatternError(path, `expected an IPv4 CIDR such as 10.0.0.0/24 (IPv6 is not emulated), got ${text}`);
  }
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (value) => {
    if (typeof value !== 'string') return false;
    const address = ipv4ToInt(value);
    return address !== undefined && (address & mask) >>> 0 === (base & mask) >>> 0;
  };
}

function ipv4ToInt(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let result = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    result = result * 256 + octet;
  }
  return result;
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function wildcardRegex(text: string, path: string): RegExp {
  let source = '';
  // Stryker disable next-line EqualityOperator: equivalent as "<=", as charAt past the end is "", which adds nothing (">=" is killed, but shares the node)
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === '\\') {
      const next = text.charAt(i + 1);
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(path, 'in a wildcard, "\\" may only escape "*" or "\\"');
      }
      source += escapeRegex(next);
      i++;
    } else if (char === '*') {
      if (text.charAt(i + 1) === '*') throw new InvalidEventPatternError(path, 'consecutive "*" are not allowed');
      source += '.*';
    } else {
      source += escapeRegex(char);
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new InvalidEventPatternError(path, 'expects a string');
  return value;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
