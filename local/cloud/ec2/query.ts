/**
 * Reading EC2 query-protocol parameters: `Name=value`, flattened lists `SubnetId.1`, structure lists
 * `Filter.1.Name` / `Filter.1.Value.1`, tag specifications.
 */
import { AwsError } from '../framework';

export type Params = Map<string, string>;

export function parseParams(body: string, query?: URLSearchParams): Params {
  const params: Params = new Map();
  if (query) for (const [k, v] of query) params.set(k, v);
  for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  return params;
}

export function optional(p: Params, name: string): string | undefined {
  return p.get(name);
}

export function required(p: Params, name: string): string {
  const value = p.get(name);
  if (value === undefined || value === '') {
    throw new AwsError('MissingParameter', `The request must contain the parameter ${name}`);
  }
  return value;
}

export function bool(p: Params, name: string): boolean | undefined {
  const value = p.get(name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new AwsError('InvalidParameterValue', `Value (${value}) for parameter ${name} is invalid. Expected: 'true' or 'false'.`);
}

export function int(p: Params, name: string): number | undefined {
  const value = p.get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw new AwsError('InvalidParameterValue', `Value (${value}) for parameter ${name} is invalid. Expected an integer.`);
  }
  return n;
}

/** `Name.1`, `Name.2`, ... as AWS numbers them (from 1, no gaps). */
export function list(p: Params, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; ; i++) {
    const value = p.get(`${name}.${i}`);
    if (value === undefined) return values;
    values.push(value);
  }
}

/** Prefixes `Name.1.`, `Name.2.`, ... of a list of structures, found by a member every item carries. */
export function structPrefixes(p: Params, name: string, anyMembers: string[]): string[] {
  const prefixes: string[] = [];
  for (let i = 1; ; i++) {
    const prefix = `${name}.${i}.`;
    if (!anyMembers.some((m) => p.has(prefix + m) || p.has(`${prefix}${m}.1`))) return prefixes;
    prefixes.push(prefix);
  }
}

export interface Filter {
  name: string;
  values: string[];
}

export function filters(p: Params): Filter[] {
  return structPrefixes(p, 'Filter', ['Name']).map((prefix) => ({
    name: required(p, `${prefix}Name`),
    values: list(p, `${prefix}Value`),
  }));
}

export interface TagInput {
  key: string;
  /** Undefined when the caller gave no Value member (DeleteTags: delete whatever the value). */
  value: string | undefined;
}

export function tagList(p: Params, name: string): TagInput[] {
  return structPrefixes(p, name, ['Key', 'Value']).map((prefix) => ({
    key: required(p, `${prefix}Key`),
    value: p.get(`${prefix}Value`),
  }));
}

/** Tags of the TagSpecifications for `resourceType`; other resource types are refused as AWS does. */
export function tagSpecifications(p: Params, resourceType: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const prefix of structPrefixes(p, 'TagSpecification', ['ResourceType', 'Tag'])) {
    const type = p.get(`${prefix}ResourceType`);
    if (type !== resourceType) {
      throw new AwsError(
        'InvalidParameterValue',
        `'${type ?? ''}' is not a valid taggable resource type for this operation.`,
      );
    }
    for (const tag of tagList(p, `${prefix}Tag`)) tags.set(tag.key, tag.value ?? '');
  }
  return tags;
}

/** Whether the request asks for a filtered or paginated read (EC2 throttles unbounded reads harder). */
export function isBoundedRead(p: Params): boolean {
  for (const key of p.keys()) {
    if (key === 'MaxResults' || key.startsWith('Filter.')) return true;
  }
  return false;
}
