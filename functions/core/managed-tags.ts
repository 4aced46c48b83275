/**
 * Tags the control plane writes. They share a prefix that differs from the proxy tag key, so writing them back on a
 * VPC never matches the onboarding rule (which filters on the proxy tag key) and never re-triggers onboarding.
 */
export const MANAGED_TAG_PREFIX = 'egress-proxy-managed:';

/** Marks a security group or endpoint as created by the control plane: the only things it ever deletes. */
export const MANAGED_BY_TAG = { key: `${MANAGED_TAG_PREFIX}managed-by`, value: 'egress-control-plane' } as const;

/** Written back on the VPC so spoke teams (and their tooling) can find their proxy. */
export const ENDPOINT_ID_TAG_KEY = `${MANAGED_TAG_PREFIX}endpoint-id`;
export const PROXY_URL_TAG_KEY = `${MANAGED_TAG_PREFIX}proxy-url`;
export const WRITE_BACK_TAG_KEYS = [ENDPOINT_ID_TAG_KEY, PROXY_URL_TAG_KEY] as const;

/**
 * Subnet override: `true` forces a subnet into the candidate set (ahead of every heuristic), `false` keeps the
 * endpoint out of it.
 */
export const SUBNET_OVERRIDE_TAG_KEY = 'egress-proxy:subnet';

export type Tags = Readonly<Record<string, string>>;

export function hasTag(tags: Tags, key: string, value: string): boolean {
  return tags[key] === value;
}
