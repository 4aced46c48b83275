/**
 * `npm run bench:fairness`: what one noisy spoke costs everyone else. The control plane runs on the local cloud with
 * AWS's throttles (the real handlers, the local event bus, emulated time `--time-scale` times faster than wall time).
 * Spoke teams tag a VPC and time how long their endpoint takes to be available: first with nothing else going on,
 * then while another member flips the proxy tag `--flips` times across `--flood-vpcs` of its VPCs as fast as EC2 lets
 * it. Prints both figures (emulated seconds), their ratio (target: within 2x), how long the flood's own backlog took
 * to clear and what the VPC onboarding queue did, and writes bench/results/fairness.json. It asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { Command, InvalidArgumentError } from 'commander';
import { createVpcWithSubnets, ec2As, OrganizationAdmin } from '../local/demo/tenant';
import { startLocalControlPlane } from '../local/runner/control-plane';
import { timeTagToAvailable, type OnboardingTiming } from './support/onboarding-timer';
import { startTagFlood } from './support/tag-flood';

const positive = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return parsed;
};

const opts = new Command('bench:fairness')
  .option('--time-scale <factor>', 'emulated time runs this many times faster than wall time', positive('time-scale'), 10)
  .option('--flips <n>', "the noisy member's tag flips", positive('flips'), 600)
  .option('--flood-vpcs <n>', 'VPCs the flips are spread over', positive('flood-vpcs'), 10)
  .option('--victims <n>', 'spoke teams timed in each phase (one VPC each, one after another)', positive('victims'), 3)
  .option('--warm-up-flips <n>', 'flips made before the first timed team tags its VPC', positive('warm-up-flips'), 60)
  .option('--out <dir>', 'where fairness.json goes', 'bench/results')
  .parse()
  .opts<{ timeScale: number; flips: number; floodVpcs: number; victims: number; warmUpFlips: number; out: string }>();

const TAG = { key: 'egress-proxy', value: 'enabled' };

interface Team {
  accountId: string;
  ec2: EC2Client;
  vpcId: string;
}

async function main(): Promise<void> {
  // The handlers' pacers must measure the emulated time the local cloud refills its buckets in.
  const { systemClock } = await import('../functions/core/pacing');
  Object.assign(systemClock, {
    now: () => performance.now() * opts.timeScale,
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms / opts.timeScale)),
  });
  const cp = await startLocalControlPlane({
    cloud: { port: 0, timeScale: opts.timeScale },
    bus: { timeScale: opts.timeScale },
    // Thousands of audit records would drown the figures.
    settings: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT' },
  });
  const at = { endpoint: cp.cloud.url, region: cp.region };
  const org = new OrganizationAdmin(cp.cloud.world.managementAccountId, cp.cloud.url);
  const clients: EC2Client[] = [];
  const spoke = async (label: string): Promise<{ accountId: string; ec2: EC2Client }> => {
    const accountId = await org.createAccount(`${label}-${process.pid}`, 20);
    const ec2 = ec2As(accountId, at);
    clients.push(ec2);
    return { accountId, ec2 };
  };
  try {
    const team = async (label: string): Promise<Team> => {
      const member = await spoke(label);
      return { ...member, vpcId: await createVpcWithSubnets(member.ec2, '10.1', label) };
    };
    const quietTeams: Team[] = [];
    const floodTeams: Team[] = [];
    for (let i = 0; i < opts.victims; i++) quietTeams.push(await team(`quiet-${i}`));
    for (let i = 0; i < opts.victims; i++) floodTeams.push(await team(`during-flood-${i}`));
    const noisy = await spoke('noisy');
    // The noisy member's own calls are throttled by its own buckets; it retries as a script would.
    const noisyEc2 = new EC2Client({ ...at, credentials: { accessKeyId: noisy.accountId, secretAccessKey: 'local' }, maxAttempts: 50 });
    clients.push(noisyEc2);
    const floodVpcs: string[] = [];
    for (let i = 0; i < opts.floodVpcs; i++) floodVpcs.push(await createVpcWithSubnets(noisy.ec2, `10.${20 + i}`, `noisy-${i}`));
    await cp.idle();
    console.log(`organization ready: ${opts.victims * 2} timed teams, 1 noisy member with ${opts.floodVpcs} VPCs (time scale ${opts.timeScale})`);

    const quiet: OnboardingTiming[] = [];
    for (const timed of quietTeams) {
      quiet.push(await timeTagToAvailable(timed, TAG, { timeScale: opts.timeScale }));
      await cp.idle();
    }
    console.log(`quiet: ${quiet.map((t) => t.seconds).join(', ')} s`);

    const vpcQueueBefore = cp.bus.stats().queues['vpc-onboarding'];
    const floodStarted = performance.now();
    const flood = startTagFlood(noisyEc2, floodVpcs, opts.flips, TAG);
    while (flood.flips() < Math.min(opts.warmUpFlips, opts.flips)) await new Promise((resolve) => setTimeout(resolve, 10));
    const duringFlood: (OnboardingTiming & { flipsDuring: number })[] = [];
    for (const timed of floodTeams) {
      const flipsBefore = flood.flips();
      const timing = await timeTagToAvailable(timed, TAG, { timeScale: opts.timeScale });
      duringFlood.push({ ...timing, flipsDuring: flood.flips() - flipsBefore });
    }
    console.log(`during the flood: ${duringFlood.map((t) => `${t.seconds} s (${t.flipsDuring} flips meanwhile)`).join(', ')}`);
    await flood.done;
    const floodSeconds = seconds(floodStarted);
    // The noisy member's own backlog: the VPC onboarding queue and its intake empty, nothing in flight or waiting.
    const pending = (q: { visible: number; inFlight: number; delayed: number } | undefined) => (q === undefined ? 0 : q.visible + q.inFlight + q.delayed);
    while (pending(cp.bus.stats().queues['vpc-onboarding']) + pending(cp.bus.stats().intakes['vpc-onboarding']) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const vpcQueueDrainedSeconds = seconds(floodStarted);
    // Everything idle: other queues' retries (an acceptance of an endpoint the flood was deleting waits out its
    // six-minute visibility timeout) included.
    await cp.idle();
    const backlogClearedSeconds = seconds(floodStarted);
    const vpcQueue = cp.bus.stats().queues['vpc-onboarding'];

    const quietMedian = median(quiet.map((t) => t.seconds));
    const floodMedian = median(duringFlood.map((t) => t.seconds));
    const floodMax = Math.max(...duringFlood.map((t) => t.seconds));
    const result = {
      measuredAt: new Date().toISOString(),
      timeScale: opts.timeScale,
      flips: opts.flips,
      floodVpcs: opts.floodVpcs,
      quiet: { timings: quiet, medianSeconds: quietMedian },
      duringFlood: { timings: duringFlood, medianSeconds: floodMedian, maxSeconds: floodMax },
      ratio: { median: round(floodMedian / quietMedian), worst: round(floodMax / quietMedian), target: 2 },
      flood: { flipsSeconds: floodSeconds, vpcQueueDrainedSeconds, backlogClearedSeconds },
      vpcOnboardingQueue: {
        messages: vpcQueue.sent - vpcQueueBefore.sent,
        invocations: vpcQueue.invocations - vpcQueueBefore.invocations,
        retried: vpcQueue.retried - vpcQueueBefore.retried,
        deadLettered: vpcQueue.deadLettered - vpcQueueBefore.deadLettered,
        largestBatch: vpcQueue.largestBatch,
      },
      machine: { cores: cpus().length, loadAverage: loadavg().map(round) },
    };
    report(result);
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'fairness.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${join(opts.out, 'fairness.json')}`);
  } finally {
    for (const client of clients) client.destroy();
    org.destroy();
    await cp.stop();
  }
}

function report(r: {
  quiet: { medianSeconds: number };
  duringFlood: { medianSeconds: number; maxSeconds: number };
  ratio: { median: number; worst: number; target: number };
  flood: { flipsSeconds: number; vpcQueueDrainedSeconds: number; backlogClearedSeconds: number };
  vpcOnboardingQueue: Record<string, number>;
}): void {
  const line = (label: string, value: unknown) => console.log(`${label.padEnd(44)} ${String(value)}`);
  console.log(`\nfairness: ${opts.flips} flips over ${opts.floodVpcs} VPCs of one member, time scale ${opts.timeScale} (emulated seconds)`);
  line('tag -> available, quiet (median)', `${r.quiet.medianSeconds} s`);
  line('tag -> available, during the flood (median / worst)', `${r.duringFlood.medianSeconds} s / ${r.duringFlood.maxSeconds} s`);
  line('ratio to quiet (median / worst)', `${r.ratio.median} / ${r.ratio.worst} (target <= ${r.ratio.target})`);
  line("the noisy member's flips took", `${r.flood.flipsSeconds} s`);
  line('the VPC onboarding queue drained after', `${r.flood.vpcQueueDrainedSeconds} s`);
  line('the control plane was idle again after', `${r.flood.backlogClearedSeconds} s`);
  line('VPC onboarding queue during the flood', Object.entries(r.vpcOnboardingQueue).map(([k, v]) => `${k} ${v}`).join(', '));
}

const round = (n: number) => Math.round(n * 100) / 100;
const seconds = (since: number) => round(((performance.now() - since) / 1000) * opts.timeScale);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
