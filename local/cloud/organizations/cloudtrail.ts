/**
 * CloudTrail-shaped Organizations events as EventBridge delivers them: only in the management
 * account, only in us-east-1 (Organizations' home region).
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_DEFAULTS } from '../api';
import type { CallContext } from '../framework';
import type { LocalWorld } from '../core/world';

const EVENT_SOURCE = 'organizations.amazonaws.com';

/** Organizations writes dates inside CloudTrail payloads the Java way: "Nov 21, 2026 10:00:00 PM". */
export function cloudTrailDate(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const hour12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${hour12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function userIdentity(ctx: CallContext): Record<string, unknown> {
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(ctx.callerArn);
  if (!assumed) return { type: 'Root', principalId: ctx.accountId, arn: ctx.callerArn, accountId: ctx.accountId };
  const [, accountId, roleName, sessionName] = assumed as unknown as [string, string, string, string];
  return {
    type: 'AssumedRole',
    principalId: `${roleName}:${sessionName}`,
    arn: ctx.callerArn,
    accountId,
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${accountId}:role/${roleName}`, accountId, userName: roleName },
      attributes: { mfaAuthenticated: 'false' },
    },
  };
}

export class OrganizationsEvents {
  constructor(private readonly world: LocalWorld) {}

  /** "AWS API Call via CloudTrail" for a mutating call made by `ctx`. */
  apiCall(eventName: string, ctx: CallContext, requestParameters: unknown, responseElements: unknown): void {
    this.emit('AWS API Call via CloudTrail', {
      eventVersion: '1.08',
      userIdentity: userIdentity(ctx),
      eventTime: this.world.isoNow(),
      eventSource: EVENT_SOURCE,
      eventName,
      awsRegion: LOCAL_DEFAULTS.organizationsRegion,
      sourceIPAddress: '127.0.0.1',
      userAgent: 'aws-sdk-js',
      requestParameters,
      responseElements,
      requestID: ctx.requestId,
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: this.world.managementAccountId,
      eventCategory: 'Management',
    });
  }

  /** "AWS Service Event via CloudTrail" (CreateAccountResult, AccountJoinedOrganization). */
  serviceEvent(eventName: string, serviceEventDetails: unknown): void {
    this.emit('AWS Service Event via CloudTrail', {
      eventVersion: '1.08',
      userIdentity: { accountId: this.world.managementAccountId, invokedBy: 'AWS Internal' },
      eventTime: this.world.isoNow(),
      eventSource: EVENT_SOURCE,
      eventName,
      awsRegion: LOCAL_DEFAULTS.organizationsRegion,
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      eventID: randomUUID(),
      readOnly: false,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: this.world.managementAccountId,
      serviceEventDetails,
      eventCategory: 'Management',
    });
  }

  private emit(detailType: string, detail: Record<string, unknown>): void {
    this.world.emitEvent({
      'detail-type': detailType,
      source: 'aws.organizations',
      account: this.world.managementAccountId,
      region: LOCAL_DEFAULTS.organizationsRegion,
      resources: [],
      detail,
    });
  }
}
