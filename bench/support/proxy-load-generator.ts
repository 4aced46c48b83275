/**
 * The proxy benchmark's load generator; runs inside the lab's network namespace
 * (`ip netns exec NS tsx proxy-load-generator.ts PLAN.json`) and prints one JSON result line.
 *
 * Why not autocannon or wrk: an NLB in front of Squid starts every TCP connection with a PROXY v2 header that
 * names the spoke's VPC endpoint (TLV 0xEA), and the shipped squid.conf refuses connections without one. Neither
 * tool can write bytes at the start of a connection only: wrk's Lua `request()` builds every request, and
 * autocannon builds requests from its own request templates and reconnects by itself, so a header put in front
 * of "the first request" would be sent again mid-connection or lost after a reconnect. This one is small:
 *
 * - closed loop: `connections` keep-alive connections, each with one request outstanding at a time;
 * - each connection starts with the PROXY header of the next spoke (round robin over the plan's spokes), sends
 *   `requestsPerConnection` requests for that spoke's hosts, then closes and opens the next one, so requests
 *   spread over many endpoints as they do behind an NLB;
 * - latency from writing a request to reading the whole response, with process.hrtime; only responses that start
 *   and end inside the measuring window count (after the warm-up);
 * - the same code for every scenario, direct to the origin too (no PROXY header, origin-form requests), so the
 *   figures compare.
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { HUB_NLB_ADDRESS } from '../../local/squid-lab/addresses';
import { nlbProxyHeader } from '../../local/squid-lab/spoke-client';
import { percentile } from './percentile';
import type { Spoke } from './proxy-workloads';

export interface LoadPlan {
  readonly target: { readonly address: string; readonly port: number };
  /** true: through Squid (PROXY v2 header, absolute-form requests); false: to the origin itself (origin-form). */
  readonly viaProxy: boolean;
  readonly connections: number;
  readonly requestsPerConnection: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly spokes: readonly Spoke[];
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  /** The first few errors, in words (a non-200 status, a connection closed mid-request). */
  readonly errorSamples: readonly string[];
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU the generator itself used while measuring: it shares the machine with what it measures. */
  readonly generatorCpuMs: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** Printed when the measuring window opens; the result line follows when it closes. */
export const MEASURING_LINE = 'measuring';

class LoadRun {
  private readonly latencies: number[] = [];
  private readonly errorSamples: string[] = [];
  private errors = 0;
  private nextSpoke = 0;
  private readonly sockets = new Set<Socket>();
  private stopped = false;
  private readonly measureFrom: bigint;
  private readonly measureUntil: bigint;

  constructor(private readonly plan: LoadPlan) {
    const now = process.hrtime.bigint();
    this.measureFrom = now + BigInt(plan.warmupMs) * 1_000_000n;
    this.measureUntil = this.measureFrom + BigInt(plan.measureMs) * 1_000_000n;
  }

  async run(): Promise<LoadResult> {
    for (let i = 0; i < this.plan.connections; i += 1) this.openConnection();
    const cpuBefore = await this.cpuAtMeasureStart();
    await new Promise((resolve) => setTimeout(resolve, Number(this.measureUntil - process.hrtime.bigint()) / 1e6));
    const cpu = process.cpuUsage(cpuBefore);
    this.stopped = true;
    for (const socket of this.sockets) socket.destroy();
    const sorted = this.latencies.sort((a, b) => a - b);
    const seconds = this.plan.measureMs / 1000;
    return {
      requests: sorted.length,
      errors: this.errors,
      errorSamples: this.errorSamples,
      seconds,
      requestsPerSecond: sorted.length / seconds,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
    };
  }

  /** Tells the parent the window opens (`measuring`), so it can sample the other processes' CPU at the same time. */
  private async cpuAtMeasureStart(): Promise<NodeJS.CpuUsage> {
    await new Promise((resolve) => setTimeout(resolve, Number(this.measureFrom - process.hrtime.bigint()) / 1e6));
    process.stdout.write(`${MEASURING_LINE}\n`);
    return process.cpuUsage();
  }

  private spokeForNextConnection(): Spoke {
    const spoke = this.plan.spokes[this.nextSpoke % this.plan.spokes.length];
    this.nextSpoke += 1;
    if (!spoke) throw new Error('the plan has no spokes');
    return spoke;
  }

  private requestFor(host: string): Buffer {
    const target = this.plan.viaProxy ? `http://${host}/` : '/';
    return Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: egress-bench\r\n\r\n`, 'latin1');
  }

  private openConnection(): void {
    if (this.stopped) return;
    const spoke = this.spokeForNextConnection();
    const socket = connect({ host: this.plan.target.address, port: this.plan.target.port, localAddress: HUB_NLB_ADDRESS, noDelay: true });
    this.sockets.add(socket);
    let sent = 0;
    let started = 0n;
    let pending: Buffer = Buffer.alloc(0);
    let finished = false;
    const finish = (error?: string): void => {
      if (finished) return;
      finished = true;
      this.sockets.delete(socket);
      if (error !== undefined && !this.stopped) this.recordError(error);
      socket.end();
      socket.destroy();
      // A fresh connection (and spoke) replaces this one, as an NLB's clients come and go.
      setImmediate(() => this.openConnection());
    };
    const sendNext = (): void => {
      const host = spoke.hosts[sent % spoke.hosts.length] ?? '';
      sent += 1;
      started = process.hrtime.bigint();
      socket.write(this.requestFor(host));
    };
    socket.once('connect', () => {
      // The header the NLB writes: the spoke client's address and the spoke's endpoint id, as the lab's spoke client sends it.
      if (this.plan.viaProxy) socket.write(nlbProxyHeader(this.plan.target.port, spoke.endpointId));
      sendNext();
    });
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const response = completeResponse(pending);
      if (response === undefined) return;
      if (response.kind === 'unreadable') return finish(response.reason);
      const ended = process.hrtime.bigint();
      pending = pending.subarray(response.length);
      if (response.status !== 200) return finish(`HTTP ${response.status} for ${spoke.endpointId}`);
      if (started >= this.measureFrom && ended <= this.measureUntil) this.latencies.push(Number(ended - started) / 1e6);
      if (sent >= this.plan.requestsPerConnection) return finish();
      sendNext();
    });
    socket.on('error', (error) => finish(`${error.name}: ${error.message}`));
    socket.on('close', () => finish('connection closed with a request outstanding'));
  }

  private recordError(reason: string): void {
    this.errors += 1;
    if (this.errorSamples.length < 5) this.errorSamples.push(reason);
  }
}

type ParsedResponse = { readonly kind: 'complete'; readonly status: number; readonly length: number } | { readonly kind: 'unreadable'; readonly reason: string };

/** A whole response at the start of `buffer`, or undefined while it is incomplete. Content-Length bodies only. */
export function completeResponse(buffer: Buffer): ParsedResponse | undefined {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = buffer.toString('latin1', 0, headerEnd);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? Number.NaN);
  const contentLength = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (Number.isNaN(status) || contentLength === undefined) return { kind: 'unreadable', reason: `no status or Content-Length in ${JSON.stringify(head.slice(0, 120))}` };
  const length = headerEnd + HEADER_END.length + Number(contentLength);
  return buffer.length < length ? undefined : { kind: 'complete', status, length };
}

async function main(): Promise<void> {
  const planPath = process.argv[2];
  if (!planPath) throw new Error('usage: proxy-load-generator.ts PLAN.json');
  const plan = JSON.parse(readFileSync(planPath, 'utf8')) as LoadPlan;
  const result = await new LoadRun(plan).run();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
