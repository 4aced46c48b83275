/**
 * Options shared by every SDK client. Standard retry mode retries throttles (`RequestLimitExceeded`,
 * `TooManyRequestsException`, `ThrottlingException`) with backoff; `maxAttempts` comes from AWS_MAX_ATTEMPTS via the
 * validated config. Endpoints are left to the SDK, which honours AWS_ENDPOINT_URL (the local cloud).
 */
export function clientOptions(maxAttempts: number, region?: string) {
  return { maxAttempts, retryMode: 'standard', ...(region === undefined ? {} : { region }) } as const;
}
