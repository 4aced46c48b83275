import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { instrumentClient } from './aws-calls';

/**
 * The spoke and Organizations roles trust only the control plane's role, so an operator's own identity usually
 * cannot act as the reconciler does. `--role-arn` assumes that role (or another one the spoke roles trust) first.
 * Its session goes into the process environment, which the default credential chain reads first: every client
 * built afterwards, including the functions' runtime, then runs as that role.
 */
export async function assumeOperatorRole(roleArn: string, region: string, env: Record<string, string | undefined>): Promise<void> {
  const sts = new STSClient({ region });
  instrumentClient(sts);
  try {
    const { Credentials: session } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `egress-cli-${Date.now()}`, DurationSeconds: 3600 }),
    );
    if (!session?.AccessKeyId || !session.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    env.AWS_ACCESS_KEY_ID = session.AccessKeyId;
    env.AWS_SECRET_ACCESS_KEY = session.SecretAccessKey;
    env.AWS_SESSION_TOKEN = session.SessionToken ?? '';
    // A profile would otherwise win over the environment in some SDK code paths.
    delete env.AWS_PROFILE;
  } finally {
    sts.destroy();
  }
}
