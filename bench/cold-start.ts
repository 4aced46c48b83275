/**
 * `npm run bench:cold-start`: each control plane function's Lambda bundle (esbuild with the CDK app's options,
 * infra/function-bundling.ts) against a bare handler that imports and constructs the same SDK clients, bundled the
 * same way: bundle size, and init time (a fresh Node process evaluating the bundle, from process start to the handler
 * being defined, median of `--runs`, the two interleaved so load on the machine hits both alike). The target is
 * init <= 1.2x the bare handler's: what the function adds to the SDK's own cold start. Writes
 * bench/results/cold-start.json.
 */
// First: it settles which Node warnings print before any SDK client exists.
import '../bin/node-support';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { build, type Metafile } from 'esbuild';
import { CONTROL_PLANE_FUNCTIONS } from '../infra/control-plane-config';
import { FUNCTION_NODE_OPTIONS } from '../infra/function-bundling';
import { LAMBDA_ESBUILD_OPTIONS } from '../local/runner/function-bundles';

const REPO_ROOT = join(__dirname, '..');
const TARGET_RATIO = 1.2;

/** The SDK client each package the functions bundle exports (what the bare handler constructs). */
const SDK_CLIENTS: Readonly<Record<string, string>> = {
  '@aws-sdk/client-ec2': 'EC2Client',
  '@aws-sdk/client-eventbridge': 'EventBridgeClient',
  '@aws-sdk/client-organizations': 'OrganizationsClient',
  '@aws-sdk/client-ram': 'RAMClient',
  '@aws-sdk/client-s3': 'S3Client',
  '@aws-sdk/client-sts': 'STSClient',
  '@aws-sdk/client-sqs': 'SQSClient',
  '@aws-sdk/client-sns': 'SNSClient',
  '@aws-sdk/client-cloudwatch-logs': 'CloudWatchLogsClient',
};

/** A valid configuration (functions/shared/config.ts validates it at cold start, as in Lambda). */
const ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDCOLDSTART',
  AWS_SECRET_ACCESS_KEY: 'cold-start',
  HUB_SERVICE_ID: 'vpce-svc-0123456789abcdef0',
  HUB_SERVICE_NAME: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
  HUB_EVENT_BUS_NAME: 'egress-hub',
  ORG_READ_ROLE_ARN: 'arn:aws:iam::111111111111:role/EgressOrganizationsRead',
  RAM_SHARE_ARN: 'arn:aws:ram:eu-west-1:222222222222:resource-share/0123',
  POLICY_BUCKET: 'egress-policy-store',
  POWERTOOLS_SERVICE_NAME: 'egress-control-plane',
  NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const opts = new Command('bench:cold-start')
  .option('--runs <n>', 'cold starts of each bundle (the median is reported)', (v) => {
    const n = Number(v);
    if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('runs must be a positive integer');
    return n;
  }, 9)
  .option('--out <dir>', 'where cold-start.json goes', 'bench/results')
  .parse()
  .opts<{ runs: number; out: string }>();

/** Appended after the handler's import: ESM evaluates imports first, so this runs once the cold start is done. */
const REPORT_INIT = "process.stdout.write(JSON.stringify({ initMs: performance.now(), handler: typeof handler }));";

async function bundle(dir: string, name: string, source: string): Promise<{ path: string; bytes: number; sdkPackages: string[] }> {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const path = join(dir, `${name}.mjs`);
  const result = await build({ ...LAMBDA_ESBUILD_OPTIONS, entryPoints: [entry], outfile: path, metafile: true, absWorkingDir: REPO_ROOT, nodePaths: [join(REPO_ROOT, 'node_modules')], logLevel: 'error' });
  return { path, bytes: statSync(path).size, sdkPackages: sdkPackagesOf(result.metafile) };
}

function sdkPackagesOf(metafile: Metafile): string[] {
  const packages = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return [...packages].sort();
}

function bareSource(packages: readonly string[]): string {
  const imports = packages.map((pkg, i) => {
    const client = SDK_CLIENTS[pkg];
    if (client === undefined) throw new Error(`bench:cold-start: no client class known for ${pkg}; add it to SDK_CLIENTS`);
    return { line: `import { ${client} as C${i} } from '${pkg}';`, construct: `new C${i}({})` };
  });
  return [
    ...imports.map((i) => i.line),
    // Constructed at module scope, as the functions' runtime does at cold start.
    `const clients = [${imports.map((i) => i.construct).join(', ')}];`,
    'export const handler = async () => clients.length;',
    REPORT_INIT,
  ].join('\n');
}

function coldStartMs(path: string): number {
  const run = spawnSync(process.execPath, [path], { env: { PATH: process.env.PATH ?? '', ...ENVIRONMENT }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${path} failed its cold start (${run.status ?? run.signal}): ${run.stderr}`);
  const report = JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('{'))) as { initMs: number; handler: string };
  if (report.handler !== 'function') throw new Error(`${path} defined no handler`);
  return report.initMs;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'egress-cold-start-'));
  const loadBefore = loadavg().map((n) => round(n));
  try {
    const functions = [];
    for (const fn of CONTROL_PLANE_FUNCTIONS) {
      const real = await bundle(dir, fn, `import { handler } from ${JSON.stringify(join(REPO_ROOT, 'functions', fn))};\n${REPORT_INIT}`);
      const bare = await bundle(dir, `${fn}-bare`, bareSource(real.sdkPackages));
      const realMs: number[] = [];
      const bareMs: number[] = [];
      for (let i = 0; i < opts.runs; i++) {
        realMs.push(coldStartMs(real.path));
        bareMs.push(coldStartMs(bare.path));
      }
      const initMs = round(median(realMs), 1);
      const bareInitMs = round(median(bareMs), 1);
      const row = {
        function: fn,
        bundleBytes: real.bytes,
        bareBundleBytes: bare.bytes,
        sdkClients: real.sdkPackages,
        initMs,
        bareInitMs,
        ratio: round(initMs / bareInitMs),
      };
      console.log(`${fn.padEnd(24)} ${(row.bundleBytes / 2 ** 20).toFixed(2)} MiB (bare ${(row.bareBundleBytes / 2 ** 20).toFixed(2)} MiB)  init ${initMs} ms (bare ${bareInitMs} ms)  ${row.ratio}x`);
      functions.push(row);
    }
    const worst = Math.max(...functions.map((f) => f.ratio));
    const result = {
      measuredAt: new Date().toISOString(),
      runs: opts.runs,
      measure: 'median ms from Node process start to the bundle having defined its handler (Node 20 here; Lambda runs nodejs22.x)',
      targetRatio: TARGET_RATIO,
      worstRatio: worst,
      functions,
      machine: { cores: cpus().length, loadAverage: { before: loadBefore, after: loadavg().map((n) => round(n)) } },
    };
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'cold-start.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`worst ratio ${worst} (target <= ${TARGET_RATIO}); load average ${result.machine.loadAverage.after.join(', ')}; wrote ${join(opts.out, 'cold-start.json')}`);
    if (worst > TARGET_RATIO) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
