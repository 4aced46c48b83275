/**
 * `npm run bench:local-cloud`: how many AWS calls per second the local cloud serves, throttling off.
 *
 * The emulator runs in its own process (as `npm run local` does), so the SDK's client-side cost and
 * the server's cost each get a core of the 2-core machine. Two figures:
 *   - sdk: a mix of EC2 calls through the real EC2 client (what a rollout benchmark sees);
 *   - raw: the same mix as pre-built query requests over keep-alive HTTP (the server's own ceiling).
 * Options: --calls N (default 6000), --concurrency N (default 32), --accounts N (default 20).
 */
// First: it settles which Node warnings print before any SDK client exists.
import '../bin/node-support';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand, DescribeAvailabilityZonesCommand, DescribeSubnetsCommand, DescribeTagsCommand, DescribeVpcEndpointsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { percentile } from './support/percentile';

const REGION = 'eu-west-2';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const totalCalls = argument('calls', 6000);
const concurrency = argument('concurrency', 32);
const accountCount = argument('accounts', 20);
const accounts = Array.from({ length: accountCount }, (_, i) => String(300000000000 + i));

/** Starts `npm run local` equivalent on a free port; resolves with its URL. */
function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/serve.ts', '--port', '0', '--no-throttling', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1], child });
    });
    child.once('exit', (code) => reject(new Error(`local cloud exited with ${code} before listening: ${output}`)));
  });
}

interface Workload {
  name: string;
  /** One call of the mix, the i-th; resolves when answered. */
  call(i: number): Promise<void>;
}

interface Result {
  name: string;
  /** CPU ms the server process spent per call (from /_local/metrics), independent of machine load. */
  serverCpuMsPerCall: number;
  calls: number;
  seconds: number;
  errors: number;
  latencies: number[];
}

interface ServerMetrics {
  totals: Record<string, number>;
  process: { cpuMs: number; rssMb: number };
}

let metricsUrl = '';
const serverMetrics = async () => (await (await fetch(`${metricsUrl}/_local/metrics`)).json()) as ServerMetrics;

async function run(workload: Workload): Promise<Result> {
  const before = await serverMetrics();
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < totalCalls) {
      const i = next++;
      const t = performance.now();
      try {
        await workload.call(i);
      } catch (err) {
        errors++;
        if (errors <= 3) console.error(`${workload.name}: call ${i} failed:`, (err as Error).message);
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const after = await serverMetrics();
  const serverCpuMsPerCall = (after.process.cpuMs - before.process.cpuMs) / totalCalls;
  return { name: workload.name, serverCpuMsPerCall, calls: totalCalls, seconds, errors, latencies };
}


function report(result: Result): void {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  console.log(
    `${result.name.padEnd(4)} ${String(result.calls).padStart(6)} calls in ${result.seconds.toFixed(2)} s = ` +
      `${Math.round(result.calls / result.seconds)} calls/s   latency p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
      `p99 ${percentile(sorted, 0.99).toFixed(1)} ms   errors ${result.errors}\n` +
      `     server CPU ${result.serverCpuMsPerCall.toFixed(3)} ms/call = capacity ~${Math.round(1000 / result.serverCpuMsPerCall)} calls/s on one free core`,
  );
}

async function main(): Promise<void> {
  const { url, child } = await startServer();
  metricsUrl = url;
  try {
    const clients = new Map(
      accounts.map((id) => [id, new EC2Client({ endpoint: url, region: REGION, credentials: { accessKeyId: id, secretAccessKey: 'local' }, maxAttempts: 1 })]),
    );
    const client = (i: number) => clients.get(accounts[i % accounts.length] ?? '') as EC2Client;

    // Fixtures: a VPC with a subnet in every account, so reads have something to find.
    const vpcs = new Map<string, string>();
    for (const [id, ec2] of clients) {
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const vpcId = Vpc?.VpcId ?? '';
      await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }));
      vpcs.set(id, vpcId);
    }
    const vpcOf = (i: number) => vpcs.get(accounts[i % accounts.length] ?? '') ?? '';

    // The mix: mostly reads filtered to one VPC (what the control plane does), some tag writes.
    const sdkMix = [
      (i: number) => client(i).send(new DescribeVpcsCommand({ VpcIds: [vpcOf(i)] })),
      (i: number) => client(i).send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcOf(i)] }] })),
      (i: number) => client(i).send(new CreateTagsCommand({ Resources: [vpcOf(i)], Tags: [{ Key: 'bench', Value: String(i) }] })),
      (i: number) => client(i).send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcOf(i)] }] })),
      (i: number) => client(i).send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [vpcOf(i)] }] })),
      (i: number) => client(i).send(new DescribeAvailabilityZonesCommand({})),
    ];
    const sdk = await run({ name: 'sdk', call: async (i) => void (await (sdkMix[i % sdkMix.length] as (i: number) => Promise<unknown>)(i)) });

    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const rawBody = (i: number) => {
      const vpc = vpcOf(i);
      const bodies = [
        `Action=DescribeVpcs&Version=2016-11-15&VpcId.1=${vpc}`,
        `Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=${vpc}`,
        `Action=CreateTags&Version=2016-11-15&ResourceId.1=${vpc}&Tag.1.Key=bench&Tag.1.Value=${i}`,
        `Action=DescribeVpcEndpoints&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=${vpc}`,
        `Action=DescribeTags&Version=2016-11-15&Filter.1.Name=resource-id&Filter.1.Value.1=${vpc}`,
        'Action=DescribeAvailabilityZones&Version=2016-11-15',
      ];
      return bodies[i % bodies.length] ?? '';
    };
    const raw = await run({
      name: 'raw',
      call: (i) =>
        new Promise((resolve, reject) => {
          const account = accounts[i % accounts.length] ?? '';
          const req = request(
            url,
            {
              method: 'POST',
              agent,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                authorization: `AWS4-HMAC-SHA256 Credential=${account}/20261121/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
            },
          );
          req.on('error', reject);
          req.end(rawBody(i));
        }),
    });
    agent.destroy();
    for (const ec2 of clients.values()) ec2.destroy();

    console.log(`local cloud benchmark: EC2 mix (DescribeVpcs, DescribeSubnets, CreateTags, DescribeVpcEndpoints, DescribeTags,`);
    console.log(`DescribeAvailabilityZones), ${accountCount} accounts, concurrency ${concurrency}, throttling off, server in its own process`);
    report(sdk);
    report(raw);
    const metrics = await serverMetrics();
    console.log(`server counted: ${JSON.stringify(metrics.totals)}, rss ${metrics.process.rssMb} MB`);
    console.log(`machine load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (figures above shrink with load)`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
