import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

/** The credentials shape every SDK v3 client accepts (declared here rather than importing a transitive package). */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}
export type CredentialsProvider = () => Promise<TemporaryCredentials>;

/** Refresh this long before expiry so a call never signs with credentials that expire in flight. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/**
 * A credentials provider that assumes `roleArn` on first use and again shortly before the credentials expire.
 * Concurrent callers share one in-flight AssumeRole.
 */
export function assumeRoleCredentials(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
  durationSeconds = 3600,
): CredentialsProvider {
  let cached: Promise<TemporaryCredentials> | undefined;
  let expiresAt = 0;
  return async () => {
    if (cached === undefined || Date.now() >= expiresAt - EXPIRY_MARGIN_MS) {
      expiresAt = Date.now() + durationSeconds * 1000;
      cached = assume(sts, roleArn, sessionName, durationSeconds).then((credentials) => {
        if (credentials.expiration !== undefined) expiresAt = credentials.expiration.getTime();
        return credentials;
      });
      // A failed assumption must not be cached: the next call tries again.
      cached.catch(() => {
        cached = undefined;
      });
    }
    return cached;
  };
}

async function assume(
  sts: STSClient,
  roleArn: string,
  roleSessionName: string,
  durationSeconds: number,
): Promise<TemporaryCredentials> {
  const response = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: roleSessionName, DurationSeconds: durationSeconds }),
  );
  const c = response.Credentials;
  if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
    throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

/** Session names allow `[\w+=,.@-]` and at most 64 characters; event ids are UUIDs, but be defensive. */
export function sessionNameFor(prefix: string, id: string): string {
  return `${prefix}-${id}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
