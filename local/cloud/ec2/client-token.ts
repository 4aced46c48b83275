/**
 * ClientToken idempotency: the same token with the same parameters returns what the first call
 * created; with different parameters it is IdempotentParameterMismatch. Tokens are per account,
 * region and action.
 */
import { AwsError } from '../framework';
import type { Call } from './context';

const IGNORED = new Set(['Action', 'Version', 'ClientToken', 'DryRun']);

function fingerprint(call: Call): string {
  return [...call.p]
    .filter(([key]) => !IGNORED.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface Idempotency {
  /** The id the token created before, if any (after checking the parameters match). */
  previous: string | undefined;
  /** Remember what this call created under its token. */
  remember(resourceId: string): void;
}

export function clientToken(call: Call, action: string): Idempotency {
  const token = call.p.get('ClientToken');
  if (token === undefined) return { previous: undefined, remember: () => undefined };
  if (token.length > 64 || !/^[\x20-\x7e]*$/.test(token)) {
    throw new AwsError('InvalidParameterValue', `Value (${token}) for parameter clientToken is invalid. It must be at most 64 ASCII characters.`);
  }
  const key = `${action}:${token}`;
  const print = fingerprint(call);
  const record = call.rs.clientTokens.get(key);
  if (record && record.fingerprint !== print) {
    throw new AwsError(
      'IdempotentParameterMismatch',
      `The client token '${token}' has already been used with different parameters.`,
    );
  }
  return {
    previous: record?.resourceId,
    remember: (resourceId) => call.rs.clientTokens.set(key, { fingerprint: print, resourceId }),
  };
}
