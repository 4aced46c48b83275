/**
 * `egress why <vpc-id|vpce-id> <host[:port]>`: would the fleet let this spoke reach this host, and by which policy?
 * Pure: it answers from the two documents the fleet itself reads (the bundle and the mapping), with the fleet's own
 * decision code (squid-config/policy/decide.ts) and squid.conf's port rules (ports.ts); no second copy of the rules.
 */
import { CompiledPolicy, type Decision } from '../squid-config/policy/decide';
import type { EndpointMapping, PolicyBundle } from '../squid-config/policy/documents';
import { portVerdict } from '../squid-config/policy/ports';
import { describeSource } from '../squid-config/policy/resolve';

export interface WhyQuestion {
  /** A VPC id (its endpoint is looked up in the mapping) or a VPC endpoint id. */
  readonly target: string;
  readonly host: string;
  /** Undefined: the name only (the answer holds for 80 and 443). */
  readonly port: number | undefined;
}

export interface WhyAnswer {
  readonly question: WhyQuestion;
  readonly allowed: boolean;
  /** The fleet's words: the allowing policy (`baseline` or a name), or the deny reason of the access log. */
  readonly code: string;
  readonly policy?: string;
  readonly endpointId?: string;
  readonly accountId?: string;
  readonly vpcId?: string;
  /** Named policies in force besides the baseline, and where they came from. */
  readonly policies: readonly string[];
  readonly source: string;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
  readonly bundleRevision: string | undefined;
  readonly mappingGeneratedAt: string | undefined;
}

const HOST_PORT = /^(?<host>\[[0-9a-fA-F:.]+\]|[^:\s/]+)(?::(?<port>\d{1,5}))?$/;

export class WhyUsageError extends Error {
  override readonly name = 'WhyUsageError';
}

/** `host`, `host:443`, `[2001:db8::1]:443`; a URL or a port out of range is a usage error. */
export function parseHostPort(text: string): { host: string; port: number | undefined } {
  if (text.includes('://')) throw new WhyUsageError(`"${text}" is a URL: give host or host:port (e.g. api.example.com:443)`);
  const match = HOST_PORT.exec(text);
  if (match?.groups?.host === undefined) throw new WhyUsageError(`"${text}" is not host or host:port`);
  const port = match.groups.port === undefined ? undefined : Number(match.groups.port);
  if (port !== undefined && (port < 1 || port > 65535)) throw new WhyUsageError(`port ${port} is not between 1 and 65535`);
  return { host: match.groups.host.replace(/^\[|\]$/g, ''), port };
}

export function answerWhy(question: WhyQuestion, bundle: PolicyBundle | undefined, mapping: EndpointMapping | undefined): WhyAnswer {
  const policy = new CompiledPolicy({ bundle, mapping, fallbackBaseline: [] });
  const notes: string[] = [];
  const endpointId = findEndpoint(question.target, mapping, notes);
  const mapped = endpointId === undefined ? undefined : policy.endpoint(endpointId);
  const base = {
    question,
    ...(endpointId === undefined ? {} : { endpointId }),
    ...(mapped === undefined ? {} : { accountId: mapped.entry.accountId, vpcId: mapped.entry.vpcId }),
    policies: mapped?.resolution.names ?? [],
    source: mapped === undefined ? 'not in the mapping: the baseline only' : describeSource(mapped.resolution.source),
    problems: mapped?.resolution.problems ?? [],
    bundleRevision: bundle?.source.revision,
    mappingGeneratedAt: mapping?.generatedAt,
  };
  if (bundle === undefined) notes.push('no policy bundle is published: a task applies the baseline shipped in its image, which this answer cannot see');
  const port = question.port === undefined ? undefined : portVerdict(question.port);
  if (port !== undefined && !port.allowed) {
    return { ...base, allowed: false, code: port.reason, notes: [...notes, 'the proxy allows CONNECT to 443 and plain HTTP to 80 only'] };
  }
  // An endpoint id the mapping lacks is still an endpoint: the fleet decides for it with the baseline only.
  const decision: Decision = policy.decide(endpointId ?? (question.target.startsWith('vpce-') ? question.target : undefined), question.host);
  notes.push('Squid also refuses any destination that resolves to a private or special-use address, whatever the policy says');
  return decision.allowed
    ? { ...base, allowed: true, code: 'allowed', policy: decision.policy, notes }
    : { ...base, allowed: false, code: decision.reason, notes };
}

function findEndpoint(target: string, mapping: EndpointMapping | undefined, notes: string[]): string | undefined {
  if (target.startsWith('vpce-')) return target;
  const endpoints = Object.entries(mapping?.endpoints ?? {}).filter(([, entry]) => entry.vpcId === target).map(([id]) => id).sort();
  if (endpoints.length === 0) {
    notes.push(`no endpoint of ${target} is in the published mapping (is the VPC tagged for the proxy, and its endpoint created?)`);
    return undefined;
  }
  if (endpoints.length > 1) notes.push(`${target} has ${endpoints.length} endpoints in the mapping; answering for ${endpoints[0]}`);
  return endpoints[0];
}

/** The answer for people: one verdict line, then what it rests on. */
export function formatWhy(answer: WhyAnswer): string {
  const { question } = answer;
  const where = question.port === undefined ? question.host : `${question.host}:${question.port}`;
  const who = answer.endpointId === undefined ? question.target : `${answer.endpointId}${answer.vpcId ? ` (account ${answer.accountId}, ${answer.vpcId})` : ''}`;
  const verdict = answer.allowed ? `ALLOWED by ${answer.policy === 'baseline' ? 'the baseline' : `policy "${answer.policy}"`}` : `DENIED: ${answer.code}`;
  const inForce = ['baseline', ...answer.policies].join(' + ');
  return [
    `${where} from ${who}: ${verdict}`,
    `  policies in force: ${inForce} (${answer.source})`,
    ...answer.problems.map((p) => `  problem: ${p}`),
    `  published: bundle ${answer.bundleRevision ?? 'none'}, mapping of ${answer.mappingGeneratedAt ?? 'never'}`,
    ...answer.notes.map((n) => `  note: ${n}`),
  ].join('\n');
}
