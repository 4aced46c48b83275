/**
 * The VPC tag a spoke team uses to choose its egress policies, e.g. `egress-proxy-policy=payments,stripe`.
 * One parser serves the control plane (which audits what it finds) and the fleet (which decides with it), so the
 * two always read a tag the same way.
 */

/** Names of policies: the file name of `squid-config/policies/<name>.txt`, lowercase, DNS-label-like. */
export const POLICY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** `baseline` names what every spoke gets; it cannot be a named policy. */
export const BASELINE_POLICY_NAME = 'baseline';

/** EC2 allows tag values of up to 256 Unicode characters. */
export const MAX_TAG_VALUE_LENGTH = 256;

export interface ParsedPolicyTag {
  /** Distinct well-formed names, in the order written. */
  readonly names: readonly string[];
  /** Why parts of the tag cannot be used (a malformed name, a value longer than AWS allows). */
  readonly problems: readonly string[];
}

/**
 * Splits a tag value on commas and white space. An empty value is a valid choice: no named policy (the baseline
 * only), overriding any default for the account or OU.
 */
export function parsePolicyTag(value: string): ParsedPolicyTag {
  const problems: string[] = [];
  if ([...value].length > MAX_TAG_VALUE_LENGTH) {
    problems.push(`the tag value is ${[...value].length} characters; AWS allows at most ${MAX_TAG_VALUE_LENGTH}`);
  }
  const names: string[] = [];
  // Stryker disable next-line Regex: splitting a run of separators one at a time only adds empty tokens, skipped below
  for (const token of value.split(/[\s,]+/)) {
    if (token === '') continue;
    // Every VPC has the baseline; naming it changes nothing.
    if (token === BASELINE_POLICY_NAME) continue;
    if (!POLICY_NAME.test(token)) {
      problems.push(`"${token}" is not a policy name (lowercase letters, digits and inner hyphens, at most 64)`);
      continue;
    }
    if (!names.includes(token)) names.push(token);
  }
  return { names, problems };
}
