/**
 * The real-Squid half of the demo's policy step: the teams' requests go through Squid 5.7 running the shipped
 * squid.conf, whose policy agent polls the demo's own policy store (the bundle and the mapping the control plane
 * published on the local cloud) and whose helper decides each request. Both teams connect from the same client
 * address; only the VPC endpoint id in the PROXY header tells them apart, as in production.
 *
 * Needs the squid binary, root and network namespaces (local/squid-lab); where one is missing the step says
 * which, and `npm start` still passes on Node alone.
 */
import { labMissingPiece } from '../squid-lab/availability';
import { SquidLab } from '../squid-lab/lab';
import { LabPolicyStore } from '../squid-lab/policy-store';
import { proxyConnect, proxyRequest } from '../squid-lab/spoke-client';
import type { LocalControlPlane } from '../runner/control-plane';
import type { TeamEndpoint } from './policy-step';

/** What Squid answered and what its access-log line said about it. */
export interface SquidAnswer {
  readonly team: string;
  readonly endpointId: string;
  readonly host: string;
  /** `GET http://<host>/`: the status and the access-log line. */
  readonly http: { readonly status: number; readonly logged: LoggedDecision };
  /** `CONNECT <host>:443`, then a TLS ClientHello naming the same host: did a tunnel reach the origin. */
  readonly connect: { readonly tunnel: boolean; readonly logged: LoggedDecision };
}

export interface LoggedDecision {
  readonly decision: string;
  readonly policy: string;
  readonly denyReason: string;
  readonly accountId: string;
  readonly vpcId: string;
}

export type SquidStepOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'ran'; readonly answers: readonly SquidAnswer[]; /** Lab start, requests and teardown. */ readonly tookMs: number };

export async function askThroughSquid(cp: LocalControlPlane, teams: readonly TeamEndpoint[], hosts: readonly string[]): Promise<SquidStepOutcome> {
  const missing = labMissingPiece('running-lab');
  if (missing) return { kind: 'skipped', reason: missing };
  const started = performance.now();
  const lab = await SquidLab.start({
    purpose: 'demo',
    originHosts: hosts,
    openStore: (workDir) => LabPolicyStore.attach(workDir, { cloud: cp.cloud, bucket: cp.hub.policyBucket, region: cp.region }),
  });
  try {
    const answers: SquidAnswer[] = [];
    for (const host of hosts) {
      for (const team of teams) answers.push(await ask(lab, team, host));
    }
    await lab.stop();
    return { kind: 'ran', answers, tookMs: performance.now() - started };
  } catch (error) {
    await lab.stop();
    throw error;
  }
}

async function ask(lab: SquidLab, team: TeamEndpoint, host: string): Promise<SquidAnswer> {
  const { squid } = lab;
  const vpceId = `%01${team.endpointId}`;
  const url = `http://${host}/from-${team.team}`;
  const response = await proxyRequest(squid, url, { endpointId: team.endpointId });
  const httpLine = await squid.waitForLogLine((line) => line.url === url && line.vpce_id === vpceId);
  const authority = `${host}:443`;
  const tunnel = await proxyConnect(squid, authority, { endpointId: team.endpointId });
  // A refused CONNECT may log a second line for the failed error-page handshake, without a rule: skip it.
  const connectLine = await squid.waitForLogLine((line) => line.url === authority && line.vpce_id === vpceId && line.rule !== '-');
  return {
    team: team.team,
    endpointId: team.endpointId,
    host,
    http: { status: response.status, logged: loggedDecision(httpLine) },
    // The origin greets with the SNI it was asked for: a tunnel reached it only if that greeting came back.
    connect: { tunnel: tunnel.throughTunnel.includes(`sni=${host}`), logged: loggedDecision(connectLine) },
  };
}

function loggedDecision(line: Record<string, unknown>): LoggedDecision {
  const field = (name: string) => (typeof line[name] === 'string' ? line[name] : '?');
  return { decision: field('decision'), policy: field('policy'), denyReason: field('deny_reason'), accountId: field('account_id'), vpcId: field('vpc_id') };
}

/** `allow policy=payments` or `deny deny_reason=not_in_policy`: the access-log fields that explain the answer. */
export function describeLogged(logged: LoggedDecision): string {
  return logged.decision === 'allow' ? `allow policy=${logged.policy}` : `${logged.decision} deny_reason=${logged.denyReason}`;
}

/** Squid let the team reach the host both ways: a 200 for plain HTTP and a tunnel to the origin. */
export function reached(answer: SquidAnswer): boolean {
  return answer.http.status === 200 && answer.connect.tunnel;
}

/** Squid refused the team both ways: a 403 for plain HTTP and no tunnel. */
export function refused(answer: SquidAnswer): boolean {
  return answer.http.status === 403 && !answer.connect.tunnel;
}

/** The step's narration: one line per host and team, then whose endpoint each was as the access log names it. */
export function printSquidAnswers(outcome: Extract<SquidStepOutcome, { kind: 'ran' }>, print: (line: string) => void): void {
  const seconds = (outcome.tookMs / 1000).toFixed(1);
  print(`    through the real Squid (shipped squid.conf, its policy agent polling the policy store above; ${seconds} s):`);
  for (const answer of outcome.answers) {
    const http = `HTTP ${answer.http.status} ${describeLogged(answer.http.logged)}`;
    const connect = `CONNECT ${answer.connect.tunnel ? 'tunnel   ' : 'no tunnel'} ${describeLogged(answer.connect.logged)}`;
    print(`    ${answer.team.padEnd(9)} ${answer.host.padEnd(22)} ${http.padEnd(40)} ${connect}`);
  }
  const owners = new Map(outcome.answers.map((answer) => [answer.team, answer.http.logged] as const));
  for (const [team, logged] of owners) print(`    access log, ${team}: account_id ${logged.accountId}, vpc_id ${logged.vpcId}`);
}
