import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Logs Insights queries over the audit trail. Every decision is one Powertools record with `message = "audit"` and
 * an `audit` object (functions/shared/audit.ts): action, scope {accountId, vpcId, endpointId}, decision, reason,
 * before/after, dryRun, correlationId.
 */
const AUDIT_FIELDS = [
  '@timestamp',
  'function_name',
  'audit.action',
  'audit.decision',
  'audit.scope.accountId',
  'audit.scope.vpcId',
  'audit.scope.endpointId',
  'audit.reason',
  'audit.dryRun',
  'audit.correlationId',
];

export const AUDIT_QUERIES = {
  /** What was onboarded, when and why (dry-run plans carry audit.dryRun, shown so they are not mistaken for changes). */
  onboarded: new logs.QueryString({
    fields: AUDIT_FIELDS,
    filterStatements: ['message = "audit"', 'audit.decision in ["allow", "create", "update", "accept"]'],
    sort: '@timestamp desc',
    limit: 1000,
  }),
  /** One VPC's endpoint from creation to acceptance or deletion: replace both ids before running. */
  vpcEndpointLifecycle: new logs.QueryString({
    fields: AUDIT_FIELDS,
    filterStatements: ['message = "audit"', 'audit.scope.vpcId = "vpc-REPLACE" or audit.scope.endpointId = "vpce-REPLACE"'],
    sort: '@timestamp asc',
    limit: 1000,
  }),
  /** Every rejected connection or removed principal, every audit error, and every other error the functions logged. */
  rejectionsAndErrors: new logs.QueryString({
    fields: [...AUDIT_FIELDS, 'level', 'message', 'error.name', 'error.message'],
    filterStatements: ['(message = "audit" and audit.decision in ["reject", "remove", "error"]) or level = "ERROR"'],
    sort: '@timestamp desc',
    limit: 1000,
  }),
} as const;

export interface AuditQueryDefinitionsProps {
  readonly logGroups: readonly logs.ILogGroup[];
  /** Folder of the saved queries in the console, e.g. "EgressProxy". */
  readonly folder: string;
}

export class AuditQueryDefinitions extends Construct {
  constructor(scope: Construct, id: string, props: AuditQueryDefinitionsProps) {
    super(scope, id);
    const names: Record<keyof typeof AUDIT_QUERIES, string> = {
      onboarded: 'Onboarded: what, when and why',
      vpcEndpointLifecycle: 'Lifecycle of one VPC endpoint',
      rejectionsAndErrors: 'Rejections and errors',
    };
    for (const [key, queryString] of Object.entries(AUDIT_QUERIES) as [keyof typeof AUDIT_QUERIES, logs.QueryString][]) {
      new logs.QueryDefinition(this, key, {
        queryDefinitionName: `${props.folder}/${names[key]}`,
        queryString,
        logGroups: [...props.logGroups],
      });
    }
  }
}
