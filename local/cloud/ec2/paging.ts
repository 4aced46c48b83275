/** MaxResults / NextToken over a stable, ordered list of results. */
import { AwsError } from '../framework';
import { int, optional } from './query';
import type { Params } from './query';

export interface PageLimits {
  min: number;
  max: number;
  /** Some APIs document "greater than 1,000 returns only 1,000" instead of refusing. */
  clampAboveMax?: boolean;
}

export const PAGE_5_TO_1000: PageLimits = { min: 5, max: 1000 };
/** DescribeVpcEndpoints, DescribeVpcEndpointServices: no documented minimum, larger values capped. */
export const PAGE_UP_TO_1000: PageLimits = { min: 1, max: 1000, clampAboveMax: true };

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

function decodeToken(token: string): number {
  const match = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new AwsError('InvalidNextToken', `The token '${token}' is invalid.`);
  return Number(match[1]);
}

const encodeToken = (offset: number) => Buffer.from(`o:${offset}`, 'utf8').toString('base64url');

/**
 * Without MaxResults AWS returns everything (the Describe calls we emulate do not cap unpaginated
 * reads at small sizes); with it, at most MaxResults and a NextToken while more remain.
 */
export function paginate<T>(p: Params, all: Iterable<T>, limits: PageLimits): Page<T> {
  const requested = int(p, 'MaxResults');
  const maxResults = requested !== undefined && limits.clampAboveMax ? Math.min(requested, limits.max) : requested;
  const token = optional(p, 'NextToken');
  if (maxResults !== undefined && (maxResults < limits.min || maxResults > limits.max)) {
    throw new AwsError(
      'InvalidParameterValue',
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Parameter must be between ${limits.min} and ${limits.max}.`,
    );
  }
  const start = token ? decodeToken(token) : 0;
  const items = Array.isArray(all) ? (all as T[]) : [...all];
  if (maxResults === undefined) return { items: start ? items.slice(start) : items, nextToken: undefined };
  const end = start + maxResults;
  return { items: items.slice(start, end), nextToken: end < items.length ? encodeToken(end) : undefined };
}
