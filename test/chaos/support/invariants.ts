/**
 * The promises of issue 6, read back through the real SDK (the cloud's injected faults and throttling off, so the
 * reading does not fail for the cloud's reasons) and through the handlers' audit trail.
 */
import { DescribeVpcEndpointConnectionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { LogCapture } from '../../integration/support/log-capture';
import { allowedPrincipals, rootPrincipal } from '../../integration/support/hub-views';
import { endpointsOf } from '../../integration/support/spoke';
import { Checks } from './checks';
import type { ChaosAccount } from './scenario';

export interface Truth {
  hubEc2: EC2Client;
  ec2As: (accountId: string) => EC2Client;
  serviceId: string;
  serviceName: string;
  logs: LogCapture;
}

interface Connection {
  endpointId: string;
  ownerAccountId: string;
  state: string;
}

const ACCEPTED_STATES = new Set(['available', 'pending']);
const LIVE_ENDPOINT = (state: unknown) => !['deleted', 'deleting', 'rejected', 'failed'].includes(String(state).toLowerCase());

/** Every connection the service has seen, deleted ones too (the provider keeps seeing them, as in AWS). */
export async function connectionsOfService(hubEc2: EC2Client, serviceId: string): Promise<Connection[]> {
  const connections: Connection[] = [];
  let NextToken: string | undefined;
  do {
    const page = await hubEc2.send(
      new DescribeVpcEndpointConnectionsCommand({ Filters: [{ Name: 'service-id', Values: [serviceId] }], MaxResults: 1000, NextToken }),
    );
    for (const c of page.VpcEndpointConnections ?? []) {
      connections.push({ endpointId: c.VpcEndpointId ?? '', ownerAccountId: c.VpcEndpointOwner ?? '', state: String(c.VpcEndpointState ?? '') });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return connections;
}

export async function checkInvariants(truth: Truth, accounts: readonly ChaosAccount[]): Promise<Checks> {
  const checks = new Checks();
  const connections = await connectionsOfService(truth.hubEc2, truth.serviceId);
  const connectionOf = new Map(connections.map((c) => [c.endpointId, c]));
  const inScope = accounts.filter((a) => a.role === 'member');

  for (const account of accounts) {
    const ec2 = truth.ec2As(account.accountId);
    for (const vpc of account.vpcs) {
      const live = (await endpointsOf(ec2, vpc.vpcId)).filter((e) => e.ServiceName === truth.serviceName && LIVE_ENDPOINT(e.State));
      const seen = () => JSON.stringify(live.map((e) => ({ id: e.VpcEndpointId, state: e.State, connection: connectionOf.get(e.VpcEndpointId ?? '')?.state })));
      if (account.role === 'member' && vpc.tagged) {
        const only = live[0];
        checks.check(
          `in-scope tagged ${vpc.vpcId} has exactly one available endpoint`,
          live.length === 1 && only !== undefined && String(only.State).toLowerCase() === 'available' && connectionOf.get(only.VpcEndpointId ?? '')?.state === 'available',
          seen,
        );
      } else if (account.role !== 'removed') {
        // A leaver's endpoints stay in its account (the control plane no longer may touch them); see the check below.
        checks.check(`${account.role === 'member' ? 'untagged' : 'excluded account'} ${vpc.vpcId} has no endpoint`, live.length === 0, seen);
      }
    }
    if (account.role !== 'member') {
      const accepted = connections.filter((c) => c.ownerAccountId === account.accountId && (ACCEPTED_STATES.has(c.state) || c.state === 'pendingAcceptance'));
      checks.check(`no connection of out-of-scope (${account.role}) ${account.accountId} is accepted or left pending`, accepted.length === 0, () =>
        JSON.stringify(accepted),
      );
    }
  }

  const principals = [...(await allowedPrincipals(truth.hubEc2, truth.serviceId))].sort();
  const expected = inScope.map((a) => rootPrincipal(a.accountId)).sort();
  checks.check('allowed principals equal the in-scope accounts', JSON.stringify(principals) === JSON.stringify(expected), () =>
    `allowed ${JSON.stringify(principals)}, expected ${JSON.stringify(expected)}`,
  );

  checkAuditTrail(checks, truth.logs, connections, principals, accounts);
  return checks;
}

/** Every change visible in the cloud has its audit record (applied, not dry run). */
function checkAuditTrail(checks: Checks, logs: LogCapture, connections: readonly Connection[], principals: readonly string[], accounts: readonly ChaosAccount[]): void {
  const audited = (action: string, decision: string, scope: { endpointId?: string; accountId?: string }) =>
    logs.audits({ action, decision, dryRun: false, ...scope }).length > 0;

  for (const c of connections) {
    checks.check(`endpoint ${c.endpointId} has a create record`, audited('vpc.endpoint', 'create', { endpointId: c.endpointId }));
    if (ACCEPTED_STATES.has(c.state)) checks.check(`accepted ${c.endpointId} has an accept record`, audited('connection.accept', 'accept', { endpointId: c.endpointId }));
    if (c.state === 'rejected') checks.check(`rejected ${c.endpointId} has a reject record`, audited('connection.reject', 'reject', { endpointId: c.endpointId }));
    if (c.state === 'deleted') checks.check(`deleted ${c.endpointId} has a delete record`, audited('vpc.endpoint', 'delete', { endpointId: c.endpointId }));
  }
  for (const principal of principals) {
    const accountId = principal.split(':')[4] ?? '';
    checks.check(`principal ${accountId} has an allow record`, audited('endpoint-service.allowed-principal', 'allow', { accountId }));
  }
  for (const account of accounts.filter((a) => a.role !== 'member')) {
    const wasAllowed = audited('endpoint-service.allowed-principal', 'allow', { accountId: account.accountId });
    if (wasAllowed) {
      checks.check(`principal ${account.accountId} (${account.role}) has a remove record`, audited('endpoint-service.allowed-principal', 'remove', { accountId: account.accountId }));
    }
  }
}
