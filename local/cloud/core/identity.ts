import { AwsError } from '../framework';
import type { CredentialScope } from './sigv4';
import type { LocalWorld } from './world';
import { rootArn } from './world';

export interface Caller {
  accountId: string;
  callerArn: string;
  /** The IAM role behind an assumed-role session, for trust policy checks. */
  roleArn?: string;
  /** The UserId GetCallerIdentity reports. */
  userId: string;
}

/**
 * The account convention (as in LocalStack): a 12-digit access key id acts as that account's root;
 * an ASIA key is a session STS issued. Any other key acts as the management account, so the AWS CLI
 * with dummy credentials works out of the box.
 */
export function resolveCaller(world: LocalWorld, scope: CredentialScope): Caller {
  const { accessKeyId } = scope;
  if (/^\d{12}$/.test(accessKeyId)) {
    world.ensureAccount({ id: accessKeyId, name: `account-${accessKeyId}`, email: `account+${accessKeyId}@example.com` });
    return { accountId: accessKeyId, callerArn: rootArn(accessKeyId), userId: accessKeyId };
  }
  const session = world.sessions.get(accessKeyId);
  if (session) {
    if (scope.sessionToken !== session.sessionToken) {
      throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    }
    return {
      accountId: session.accountId,
      callerArn: session.assumedRoleArn,
      roleArn: session.roleArn,
      userId: session.assumedRoleId,
    };
  }
  if (accessKeyId.startsWith('ASIA')) {
    throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  const id = world.managementAccountId;
  announceOnce(world, accessKeyId);
  return { accountId: id, callerArn: rootArn(id), userId: id };
}

const announced = new WeakMap<LocalWorld, Set<string>>();

/** A key that silently acts as the management account surprises: say so once per key, in the cloud's log. */
function announceOnce(world: LocalWorld, accessKeyId: string): void {
  const seen = announced.get(world) ?? new Set<string>();
  announced.set(world, seen);
  if (seen.has(accessKeyId)) return;
  seen.add(accessKeyId);
  console.warn(
    `local cloud: access key id "${accessKeyId}" is not a 12-digit account id, so it acts as the management account ${world.managementAccountId}; ` +
      'set AWS_ACCESS_KEY_ID to an account id to act as that account',
  );
}
