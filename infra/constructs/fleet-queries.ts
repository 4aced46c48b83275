import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Logs Insights queries over the Squid access log: one JSON object per request (squid-config/README.md lists the
 * fields), which Logs Insights discovers on its own. The access log names the policy that allowed a request or why
 * it was denied, and the account and VPC of the endpoint it came through.
 */
export const FLEET_QUERIES = {
  /** Where denials come from: the first thing to look at when a team says "the proxy blocks us". */
  deniedByAccountAndVpc: new logs.QueryString({
    filterStatements: ['decision = "deny"'],
    statsStatements: ['count(*) as denied by account_id, vpc_id, deny_reason, host'],
    sort: 'denied desc',
    limit: 1000,
  }),
  /** Which policy lets each team out, and how much: what a policy change would affect. */
  allowedByPolicy: new logs.QueryString({
    filterStatements: ['decision = "allow"'],
    statsStatements: ['count(*) as requests by policy, account_id, vpc_id'],
    sort: 'requests desc',
    limit: 1000,
  }),
} as const;

export const FLEET_QUERY_NAMES: Record<keyof typeof FLEET_QUERIES, string> = {
  deniedByAccountAndVpc: 'Denied requests by account and VPC',
  allowedByPolicy: 'Allowed requests by policy',
};

export class FleetQueryDefinitions extends Construct {
  constructor(scope: Construct, id: string, props: { readonly logGroup: logs.ILogGroup; readonly folder: string }) {
    super(scope, id);
    for (const [key, queryString] of Object.entries(FLEET_QUERIES) as [keyof typeof FLEET_QUERIES, logs.QueryString][]) {
      new logs.QueryDefinition(this, key, {
        queryDefinitionName: `${props.folder}/${FLEET_QUERY_NAMES[key]}`,
        queryString,
        logGroups: [props.logGroup],
      });
    }
  }
}
