import { EC2Client } from '@aws-sdk/client-ec2';
import type { STSClient } from '@aws-sdk/client-sts';
import { assumeRoleCredentials, sessionNameFor } from './assume-role';
import { clientOptions } from './client-config';
import { nameForeignAnswers } from './foreign-answers';
import { addPacing } from './pacing-middleware';
import { sharedRequestHandler } from './shared-transport';

export interface SpokeSessionSettings {
  readonly spokeRoleName: string;
  readonly maxAttempts: number;
  /** How long one account's client (and its credentials) is reused across events. */
  readonly ttlSeconds: number;
  readonly partition?: string;
}

/**
 * EC2 clients acting in spoke accounts through the spoke role, cached briefly per account and region so a batch of
 * events for one account assumes the role once.
 */
export class SpokeSessions {
  private readonly clients = new Map<string, { client: EC2Client; expiresAt: number }>();

  constructor(
    private readonly sts: STSClient,
    private readonly settings: SpokeSessionSettings,
  ) {}

  roleArn(accountId: string): string {
    return `arn:${this.settings.partition ?? 'aws'}:iam::${accountId}:role/${this.settings.spokeRoleName}`;
  }

  /**
   * Assumes the role up front (not lazily on the first EC2 call) so a missing or untrusted role fails here with an
   * error naming the role. `correlationId` names the role session: CloudTrail in the spoke ties each call to the
   * triggering event.
   */
  async ec2(accountId: string, region: string, correlationId: string): Promise<EC2Client> {
    const key = `${accountId}/${region}`;
    const now = Date.now();
    const cached = this.clients.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.client;
    const roleArn = this.roleArn(accountId);
    const credentials = assumeRoleCredentials(this.sts, roleArn, sessionNameFor('egress', correlationId));
    try {
      await credentials();
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SpokeRoleError(`cannot assume ${roleArn}: ${reason}`, { cause: error });
    }
    // The expired client is dropped, not destroyed: its sockets belong to the shared pool, in use by other accounts.
    // Paced to the account's CreateVpcEndpoint bucket: a run over many VPCs waits for tokens instead of retrying.
    const client = nameForeignAnswers(
      addPacing(new EC2Client({ ...clientOptions(this.settings.maxAttempts, region), credentials, requestHandler: sharedRequestHandler() })),
    );
    this.clients.set(key, { client, expiresAt: now + this.settings.ttlSeconds * 1000 });
    return client;
  }
}

/** The spoke role is missing or does not trust the control plane (for example the baseline StackSet has not run yet). */
export class SpokeRoleError extends Error {
  override readonly name = 'SpokeRoleError';
}
