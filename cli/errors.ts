import { ReconcilerFunctionError, UnexpectedFunctionResponseError } from './function-errors';
import { CliConfigurationError } from './configuration-error';

/** Exit codes: scripts can tell "fix your setup" apart from "the organization has problems". */
export const EXIT = { ok: 0, failed: 1, usage: 2, credentials: 3, denied: 4 } as const;

export interface DescribedError {
  readonly message: string;
  readonly exitCode: number;
}

const DENIED_CODES = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthFailure', 'UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredToken', 'ExpiredTokenException']);
const CREDENTIALS_MISSING = new Set(['CredentialsProviderError', 'ProviderError']);

/** The IAM action an AWS error is about, when the error or its message says it. */
export interface DeniedAction {
  readonly deniedAction?: string;
  /** What the operator can set to be allowed, when the CLI knows (a role it would otherwise act as). */
  readonly deniedHint?: string;
}

/** Turns anything a command throws into one line an operator can act on, and an exit code. */
export function describeError(error: unknown): DescribedError {
  if (!(error instanceof Error)) return { message: `unexpected failure: ${String(error)}`, exitCode: EXIT.failed };
  if (error instanceof CliConfigurationError) return { message: error.message, exitCode: EXIT.usage };
  // The function's own failure, already phrased for people (the reconciler's errors name the accounts).
  if (error instanceof ReconcilerFunctionError || error instanceof UnexpectedFunctionResponseError) return { message: error.message, exitCode: EXIT.failed };
  const unreachable = unreachableEndpoint(error);
  if (unreachable !== undefined) return { message: unreachable, exitCode: EXIT.usage };
  if (CREDENTIALS_MISSING.has(error.name) || /Could not load credentials/i.test(error.message)) {
    return {
      message: 'no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run `aws sso login`',
      exitCode: EXIT.credentials,
    };
  }
  if (DENIED_CODES.has(error.name) || isDeniedMessage(error.message)) {
    const action = deniedActionOf(error);
    const hint = (error as Error & DeniedAction).deniedHint;
    return {
      message: `permission denied${action === undefined ? '' : ` for ${action}`}: ${error.message}${hint === undefined ? '' : `\nhint: ${hint}`}`,
      exitCode: EXIT.denied,
    };
  }
  return { message: `${error.name}: ${error.message}`, exitCode: EXIT.failed };
}

const NETWORK_CODE = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET)\b/;

/**
 * A call that never reached an AWS endpoint is a setup problem (a wrong endpoint or region, the local cloud not
 * running), not a problem of the organization: the sentence names the flags to check. The SDK passes Node's socket
 * error through, sometimes wrapped, so the code is looked for in the error, its cause and its message.
 */
function unreachableEndpoint(error: Error): string | undefined {
  const withCode = (candidate: unknown) => (candidate as { code?: unknown } | undefined)?.code;
  const code = [withCode(error), withCode(error.cause), NETWORK_CODE.exec(error.message)?.[1]].find((c): c is string => typeof c === 'string' && NETWORK_CODE.test(c));
  if (code === undefined) return undefined;
  const endpointFlags = 'check --endpoint-url (or AWS_ENDPOINT_URL)';
  if (code === 'ECONNREFUSED') {
    const address = /ECONNREFUSED (\S+)/.exec(error.message)?.[1] ?? 'the endpoint';
    return `cannot reach ${address}: nothing is listening there (ECONNREFUSED): ${endpointFlags}; is \`npm run local\` running?`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = /(?:ENOTFOUND|EAI_AGAIN) (\S+)/.exec(error.message)?.[1] ?? 'the endpoint';
    return `cannot resolve ${host} (${code}): ${endpointFlags} and --region (or AWS_REGION), and the network`;
  }
  return `cannot reach the AWS endpoint (${error.message}): ${endpointFlags} and the network`;
}

export function isDeniedMessage(message: string): boolean {
  return /AccessDenied|UnauthorizedOperation|not authorized to perform/i.test(message);
}

/** Prefers what AWS wrote (`... is not authorized to perform: ec2:DescribeVpcs ...`), else the call we tagged. */
export function deniedActionOf(error: Error & DeniedAction): string | undefined {
  const fromMessage = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(error.message)?.[1];
  return fromMessage ?? error.deniedAction;
}
