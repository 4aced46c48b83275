import { senderOf } from './event-senders';
import { logger } from './logger';

export interface AuditScope {
  readonly accountId: string;
  readonly vpcId?: string | undefined;
  readonly endpointId?: string | undefined;
}

/** What the control plane did (or would do, in a dry run) about one scope. */
export type AuditDecision = 'allow' | 'remove' | 'create' | 'delete' | 'update' | 'accept' | 'reject' | 'noop' | 'warning' | 'error';

export interface AuditRecord {
  /** The operation, e.g. `endpoint-service.allow-principal`, `vpc.create-endpoint`, `connection.accept`. */
  readonly action: string;
  readonly scope: AuditScope;
  readonly decision: AuditDecision;
  readonly reason: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly dryRun: boolean;
  /** The triggering event's id (EventBridge id, SNS MessageId) or the reconcile run's id. */
  readonly correlationId: string;
  /**
   * The account that put the triggering event on the bus (EventBridge's `account`); audit() fills it from the
   * handler's registration (shared/event-senders.ts). Absent for manual invocations and SNS notifications.
   */
  readonly senderAccountId?: string;
}

/**
 * Writes one structured record per decision. The `audit` key and the fixed message let one Logs Insights query
 * (`filter message = "audit"`) read the whole trail.
 */
export function audit(record: AuditRecord): void {
  const senderAccountId = record.senderAccountId ?? senderOf(record.correlationId);
  const payload = { audit: senderAccountId === undefined ? record : { ...record, senderAccountId } };
  if (record.decision === 'error') logger.error('audit', payload);
  else if (record.decision === 'warning') logger.warn('audit', payload);
  else logger.info('audit', payload);
}
