/**
 * `npm run bench:proxy`: requests per second and p50/p99 latency of the shipped Squid config, in a Squid lab
 * (local/squid-lab: the real Squid 5.7 in a network namespace, the fleet's policy agent and helper, a local
 * policy store), under one closed-loop load generator (bench/support/proxy-load-generator.ts says why not
 * autocannon or wrk). Scenarios, each with the same generator and settings:
 *
 *   1. direct to the origin (no Squid): the floor the others add to;
 *   2. through Squid, the shipped allowlist as the baseline, no named policy;
 *   3. through Squid, 1,000 endpoints each assigned 1 to 3 of 20 policies of 500 domains, every request allowed
 *      by one of its own endpoint's policies (bench/support/proxy-workloads.ts);
 *   4. through Squid, a 10,000-domain baseline.
 *
 * Each scenario runs twice per round: a throughput run (`--connections`, 16: enough to keep Squid busy) for
 * requests per second and CPU per request, and a latency run (one connection, one request at a time) for p50/p99,
 * because at saturation a closed loop's latency is queueing (connections / throughput), not the proxy's own.
 * The scenarios run in turn, `--rounds` times (A B C D A B C D ...), so a change in what else loads the machine
 * touches every scenario alike; each figure is the median over the rounds.
 *
 * Writes bench/results/proxy.json: the scenarios, policyCostRatio (3 / 2 in requests per second), addedP50Ms
 * (p50 of 2 minus p50 of 1), the load average and the time. Options: --seconds N (throughput window per round,
 * default 4), --latency-seconds N (3), --warmup-seconds N (2), --rounds N (5), --connections N (16),
 * --requests-per-connection N (20). Needs root, ip netns and Debian's squid-openssl, like the real-Squid tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { HUB_NLB_ADDRESS, ORIGIN_ADDRESS } from '../local/squid-lab/addresses';
import { labMissingPiece } from '../local/squid-lab/availability';
import { LAB_PROXY_PORT, SquidLab } from '../local/squid-lab/lab';
import { LabPolicyStore } from '../local/squid-lab/policy-store';
import type { LoadPlan } from './support/proxy-load-generator';
import { printReport, ratios, resultsDocument, summarize, type RoundResult, type ScenarioResult } from './support/proxy-results';
import { allRequestedHosts, baselineOnlyWorkload, largeBaselineWorkload, perEndpointPolicyWorkload, type Workload } from './support/proxy-workloads';
import { runLoad } from './support/run-load';

const RESULTS_FILE = join(__dirname, 'results', 'proxy.json');
const ORIGIN_HTTP_PORT = 80;
const POLICY_SWITCH_LIMIT_MS = 30_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const settings = {
  rounds: option('rounds', 5),
  warmupSeconds: option('warmup-seconds', 2),
  throughputSeconds: option('seconds', 4),
  throughputConnections: option('connections', 16),
  latencySeconds: option('latency-seconds', 3),
  latencyConnections: 1,
  requestsPerConnection: option('requests-per-connection', 20),
};

interface Scenario {
  readonly name: string;
  readonly viaProxy: boolean;
  readonly workload: Workload;
}

function planFor(scenario: Scenario, run: 'throughput' | 'latency'): LoadPlan {
  return {
    target: scenario.viaProxy ? { address: HUB_NLB_ADDRESS, port: LAB_PROXY_PORT } : { address: ORIGIN_ADDRESS, port: ORIGIN_HTTP_PORT },
    viaProxy: scenario.viaProxy,
    connections: run === 'throughput' ? settings.throughputConnections : settings.latencyConnections,
    requestsPerConnection: settings.requestsPerConnection,
    warmupMs: settings.warmupSeconds * 1000,
    measureMs: (run === 'throughput' ? settings.throughputSeconds : settings.latencySeconds) * 1000,
    spokes: scenario.workload.spokes,
  };
}

async function publish(store: LabPolicyStore, workload: Workload): Promise<void> {
  await store.publishBundle(workload.bundle);
  await store.publishMapping(workload.mapping);
}

/** Publishes a scenario's documents and waits until the task's agent has loaded both (the helpers follow within 1 s). */
async function switchPolicy(lab: SquidLab, workload: Workload): Promise<void> {
  await publish(lab.store, workload);
  await lab.squid.waitForAgentLine(
    (line) => line.bundle_revision === workload.bundle.source.revision && line.mapping_generated_at === workload.mapping.generatedAt,
    POLICY_SWITCH_LIMIT_MS,
  );
}

async function measure(lab: SquidLab, scenarios: readonly Scenario[]): Promise<ScenarioResult[]> {
  const rounds = new Map<string, RoundResult[]>(scenarios.map((scenario) => [scenario.name, []]));
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const scenario of scenarios) {
      if (scenario.viaProxy) await switchPolicy(lab, scenario.workload);
      const loadAverageAtStart = loadavg()[0] ?? Number.NaN;
      console.log(`round ${round}/${settings.rounds}: ${scenario.name} (load average ${loadAverageAtStart.toFixed(1)})`);
      const label = scenario.name.replace(/\W+/g, '-');
      const throughput = await runLoad(lab, `${label}-throughput`, planFor(scenario, 'throughput'));
      const latency = await runLoad(lab, `${label}-latency`, planFor(scenario, 'latency'));
      rounds.get(scenario.name)?.push({ throughput, latency, loadAverageAtStart });
    }
  }
  return scenarios.map((scenario) => summarize(scenario.name, rounds.get(scenario.name) ?? []));
}

async function main(): Promise<number> {
  const missing = labMissingPiece('running-lab');
  if (missing) {
    console.error(`bench:proxy runs the real Squid in a network namespace and cannot here: ${missing}`);
    return 2;
  }
  const [baselineOnly, perEndpoint, largeBaseline] = [baselineOnlyWorkload(), perEndpointPolicyWorkload(), largeBaselineWorkload()];
  const scenarios: Scenario[] = [
    { name: 'direct to the origin', viaProxy: false, workload: baselineOnly },
    { name: 'Squid, baseline only', viaProxy: true, workload: baselineOnly },
    { name: 'Squid, 1,000 endpoints, 20 policies x 500', viaProxy: true, workload: perEndpoint },
    { name: 'Squid, 10,000-domain baseline', viaProxy: true, workload: largeBaseline },
  ];
  const originHosts = allRequestedHosts([baselineOnly, perEndpoint, largeBaseline]);
  const measuredAt = new Date().toISOString();
  const loadAverageBefore = loadavg();
  console.log(`starting the Squid lab (${originHosts.length} origin host names; ${cpus().length} cores, load average ${loadAverageBefore.map((l) => l.toFixed(1)).join(' ')})`);
  const lab = await SquidLab.start({
    purpose: 'bench',
    originHosts,
    openStore: async (workDir) => {
      const store = await LabPolicyStore.start(workDir);
      await publish(store, baselineOnly);
      return store;
    },
  });
  let results: ScenarioResult[];
  try {
    results = await measure(lab, scenarios);
  } finally {
    await lab.stop();
  }
  const [direct, baseline, policy] = results as [ScenarioResult, ScenarioResult, ScenarioResult, ScenarioResult];
  const document = resultsDocument({
    measuredAt,
    machine: { cores: cpus().length, loadAverageBefore, loadAverageAfter: loadavg() },
    settings,
    results,
    ratios: ratios(direct, baseline, policy),
  });
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(document, null, 2)}\n`);
  printReport(document, RESULTS_FILE);
  const failed = results.filter((result) => result.errors > 0);
  if (failed.length > 0) console.error(`errors in ${failed.map((r) => `${r.name} (${r.errorSamples.join('; ')})`).join(', ')}: these figures are not of allowed requests`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
