/**
 * EC2 Describe filters: every filter must match (AND), any value of a filter may match (OR), values
 * may use the `*` and `?` wildcards, and `tag:KEY` / `tag-key` work on every taggable resource.
 */
import { AwsError } from '../framework';
import type { Filter } from './query';

export type FieldReader<T> = (resource: T) => string | readonly string[] | undefined;
export type FilterFields<T> = Record<string, FieldReader<T>>;

/** Tags of any resource that carries them (Taggable resources keep a `tags` Map). */
function tagsOf(resource: unknown): Map<string, string> | undefined {
  if (typeof resource !== 'object' || resource === null || !('tags' in resource)) return undefined;
  return resource.tags instanceof Map ? (resource.tags as Map<string, string>) : undefined;
}

type Matcher = (candidate: string) => boolean;

function valueMatcher(value: string): Matcher {
  if (!/[*?]/.test(value)) return (candidate) => candidate === value;
  const pattern = value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const regex = new RegExp(`^${pattern}$`, 's');
  return (candidate) => regex.test(candidate);
}

/** A compiled filter set, so each resource costs one pass over the filters. */
export function compileFilters<T>(
  filters: Filter[],
  fields: FilterFields<T>,
): (resource: T) => boolean {
  if (filters.length === 0) return () => true;
  const checks = filters.map((filter): ((resource: T) => boolean) => {
    const matchers = filter.values.map(valueMatcher);
    const anyMatches = (candidate: string | undefined) =>
      candidate !== undefined && matchers.some((matches) => matches(candidate));
    if (filter.name.startsWith('tag:')) {
      const key = filter.name.slice(4);
      return (resource) => anyMatches(tagsOf(resource)?.get(key));
    }
    if (filter.name === 'tag-key') {
      return (resource) => [...(tagsOf(resource)?.keys() ?? [])].some(anyMatches);
    }
    const read = fields[filter.name];
    if (!read) throw new AwsError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    return (resource) => {
      const value = read(resource);
      return typeof value === 'string' || value === undefined ? anyMatches(value) : value.some(anyMatches);
    };
  });
  return (resource) => checks.every((check) => check(resource));
}

/** The values of one filter (for index lookups such as vpc-id), when they hold no wildcard. */
export function exactFilterValues(filters: Filter[], name: string): string[] | undefined {
  const filter = filters.find((f) => f.name === name);
  if (!filter || filter.values.some((v) => /[*?]/.test(v))) return undefined;
  return filter.values;
}
