/**
 * What each spoke team sees of its tagged VPCs' endpoints: every `pollMs` (emulated), one DescribeVpcEndpoints per
 * account that still waits for something, as that account, filtered to its waiting VPCs; the first poll that shows
 * the endpoint past `pendingAcceptance` marks it accepted, the first that shows it `available` marks it available.
 * Both are the spoke's view, so each is late by up to one poll period (plus the call); the endpoint's
 * `creationTimestamp` in the same answer is the cloud's own stamp, exact.
 *
 * One call per account rather than one per VPC, and raw query calls rather than SDK clients: with hundreds of VPCs
 * waiting at once (a 120 s pending time at 5 tags/s), per-VPC SDK polling would cost more CPU than the control plane
 * under measurement (bench/support/onboarding-timer.ts polls per VPC, for a few teams at a time).
 */
import { Agent } from 'node:http';
import { ec2Query } from './ec2-query';

export interface SpokeEndpointView {
  readonly vpcId: string;
  readonly state: string;
  /** Emulated epoch ms, from the endpoint's creationTimestamp. */
  readonly createdAt: number;
}

/** Endpoints in a DescribeVpcEndpoints answer of the local cloud (each item names its endpoint id first). */
export function parseEndpoints(xml: string): SpokeEndpointView[] {
  return xml
    .split('<vpcEndpointId>')
    .slice(1)
    .map((item) => {
      const vpcId = /<vpcId>([^<]+)<\/vpcId>/.exec(item)?.[1];
      const state = /<state>([^<]+)<\/state>/.exec(item)?.[1];
      const created = /<creationTimestamp>([^<]+)<\/creationTimestamp>/.exec(item)?.[1];
      if (vpcId === undefined || state === undefined || created === undefined) throw new Error(`an endpoint without vpcId, state or creationTimestamp: ${item.slice(0, 300)}`);
      return { vpcId, state, createdAt: Date.parse(created) };
    });
}

export interface WatchedVpc {
  readonly accountId: string;
  readonly vpcId: string;
  /** Emulated epoch ms at which the spoke sent its CreateTags. */
  readonly taggedAt: number;
  createdAt?: number;
  acceptedAt?: number;
  availableAt?: number;
  /** Most endpoints the spoke saw in this VPC at once (the control plane should make one). */
  endpoints: number;
  /** Last state seen (a refusal shows as `rejected`). */
  lastState?: string;
}

export interface SpokeWatchOptions {
  readonly url: string;
  readonly region: string;
  /** Emulated epoch ms (the local cloud's clock). */
  readonly now: () => number;
  readonly timeScale: number;
  /** Emulated ms between the starts of two rounds of polls. */
  readonly pollMs: number;
}

const LEFT_PENDING_ACCEPTANCE = new Set(['pending', 'available']);

export class SpokeWatch {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private readonly waiting = new Map<string, Map<string, WatchedVpc>>();
  readonly all: WatchedVpc[] = [];
  /** The watch's own calls, throttling errors among them, and rounds of polls. */
  calls = 0;
  throttles = 0;
  rounds = 0;
  private stopped = false;
  private firstRoundAt: number | undefined;
  private lastRoundAt: number | undefined;
  private readonly loop: Promise<void>;

  constructor(private readonly options: SpokeWatchOptions) {
    this.loop = this.run();
  }

  watch(accountId: string, vpcId: string, taggedAt: number): void {
    const vpc: WatchedVpc = { accountId, vpcId, taggedAt, endpoints: 0 };
    this.all.push(vpc);
    const account = this.waiting.get(accountId) ?? new Map<string, WatchedVpc>();
    account.set(vpcId, vpc);
    this.waiting.set(accountId, account);
  }

  /** VPCs watched whose endpoint is not yet seen available. */
  outstanding(): number {
    let count = 0;
    for (const account of this.waiting.values()) count += account.size;
    return count;
  }

  /** Mean emulated seconds between rounds (the achieved poll period: longer than asked when the process is busy). */
  meanRoundSeconds(): number {
    if (this.firstRoundAt === undefined || this.lastRoundAt === undefined || this.rounds < 2) return Number.NaN;
    return (this.lastRoundAt - this.firstRoundAt) / 1000 / (this.rounds - 1);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.agent.destroy();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const started = this.options.now();
      if (this.waiting.size > 0) {
        this.firstRoundAt ??= started;
        this.lastRoundAt = started;
        this.rounds += 1;
        await Promise.all([...this.waiting].map(([accountId, vpcs]) => this.poll(accountId, vpcs)));
      }
      const wait = (started + this.options.pollMs - this.options.now()) / this.options.timeScale;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    }
  }

  private async poll(accountId: string, vpcs: Map<string, WatchedVpc>): Promise<void> {
    const filter: Record<string, string> = { 'Filter.1.Name': 'vpc-id' };
    [...vpcs.keys()].forEach((vpcId, i) => (filter[`Filter.1.Value.${i + 1}`] = vpcId));
    this.calls += 1;
    let xml: string;
    try {
      xml = await ec2Query(this.options.url, this.agent, accountId, this.options.region, { Action: 'DescribeVpcEndpoints', ...filter });
    } catch (error) {
      // A spoke's script would try again at its next poll; the control plane's calls share this bucket.
      if (!String(error).includes('RequestLimitExceeded')) throw error;
      this.throttles += 1;
      return;
    }
    const seenAt = this.options.now();
    const endpoints = parseEndpoints(xml);
    for (const vpc of vpcs.values()) {
      const mine = endpoints.filter((endpoint) => endpoint.vpcId === vpc.vpcId);
      vpc.endpoints = Math.max(vpc.endpoints, mine.length);
      for (const endpoint of mine) {
        vpc.createdAt = Math.min(vpc.createdAt ?? Infinity, endpoint.createdAt);
        vpc.lastState = endpoint.state;
        if (LEFT_PENDING_ACCEPTANCE.has(endpoint.state)) vpc.acceptedAt ??= seenAt;
        if (endpoint.state === 'available') vpc.availableAt ??= seenAt;
      }
      if (vpc.availableAt !== undefined) vpcs.delete(vpc.vpcId);
    }
    if (vpcs.size === 0) this.waiting.delete(accountId);
  }
}
