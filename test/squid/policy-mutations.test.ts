/**
 * "Every policy line has a test that would fail if the line were removed", checked mechanically:
 * each line of squid.conf's POLICY section is deleted in turn (and a few values and flags within
 * lines are), a real Squid starts with the mutated config, and the probe battery must notice.
 * A mutant nobody notices is a line the tests do not really cover; the only ones allowed are
 * listed in EQUIVALENT_MUTANTS with the reason they cannot be observed.
 *
 * Removing an `acl` definition makes Squid refuse the config (its name is still used), which counts
 * as noticed; what each ACL matches is covered through the access rule that uses it, and through
 * the value mutations (each special-use range, the hub CIDR, the proxy port's flags).
 */
import { rmSync } from 'node:fs';
import { describeWithSquid } from './support/availability';
import type { LabNamespace } from '../../local/squid-lab/namespace';
import { POLICY_PROBES, unexpectedObservations } from './support/policy-probes';
import { readShippedSquidConf } from '../../local/squid-lab/render-config';
import { SquidStartError, type SquidInstance } from '../../local/squid-lab/squid-instance';
import { createTestNamespace, createWorkDir, startTestSquid } from './support/squid-world';

interface Mutation {
  readonly description: string;
  readonly apply: (conf: string) => string;
}

/**
 * Mutants that cannot change observable behaviour, with the reason. None today: every policy line
 * is load-bearing (even `http_access deny all`, through the decision it logs). The test also fails
 * if a mutant listed here gets noticed after all, so the list cannot go stale.
 */
const EQUIVALENT_MUTANTS: Readonly<Record<string, string>> = {};

const CONCURRENCY = 3;
const FIRST_PORT = 21000;

function policySection(conf: string): string {
  const begin = conf.indexOf('POLICY BEGIN');
  const end = conf.indexOf('POLICY END');
  if (begin < 0 || end < begin) throw new Error('squid.conf has lost its POLICY BEGIN / POLICY END markers');
  // From the line after the BEGIN marker to the start of the END marker's line.
  return conf.slice(conf.indexOf('\n', begin) + 1, conf.lastIndexOf('\n', end) + 1);
}

function replaceOnce(conf: string, from: string | RegExp, to: string): string {
  const mutated = conf.replace(from, to);
  if (mutated === conf) throw new Error(`mutation did not apply: ${String(from)}`);
  return mutated;
}

function lineRemovals(shipped: string): Mutation[] {
  return policySection(shipped)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => ({ description: `remove: ${line}`, apply: (conf: string) => replaceOnce(conf, `\n${line}\n`, '\n') }));
}

function valueAndFlagMutations(shipped: string): Mutation[] {
  const rangeLines = [...shipped.matchAll(/^acl special_use_destinations dst (.*)$/gm)].map((match) => match[1] ?? '');
  if (rangeLines.length === 0) throw new Error('no special_use_destinations ACL in squid.conf');
  const rangeRemovals = rangeLines.flatMap((ranges) =>
    ranges.split(' ').map((range) => ({
      description: `special_use_destinations without ${range}`,
      apply: (conf: string) => replaceOnce(conf, `dst ${ranges}\n`, `dst ${ranges.split(' ').filter((value) => value !== range).join(' ')}\n`),
    })),
  );
  return [
    ...rangeRemovals,
    { description: 'proxy port without require-proxy-header', apply: (conf) => replaceOnce(conf, ' require-proxy-header', '') },
    { description: 'proxy port without ssl-bump', apply: (conf) => replaceOnce(conf, ' ssl-bump ', ' ') },
    { description: 'proxy port whose TLS context can complete a handshake', apply: (conf) => replaceOnce(conf, / tls-options=\S+/, '') },
    { description: 'PROXY headers trusted from anywhere', apply: (conf) => replaceOnce(conf, /^acl hub_vpc src .*$/m, 'acl hub_vpc src 0.0.0.0/0') },
    { description: 'host logged without %-encoding', apply: (conf) => replaceOnce(conf, '%#>rd', "%'>rd") },
    { description: 'SNI logged without %-encoding', apply: (conf) => replaceOnce(conf, '%#ssl::>sni', "%'ssl::>sni") },
    { description: 'endpoint id logged raw', apply: (conf) => replaceOnce(conf, '%#proxy_protocol::>h{234}', "%'proxy_protocol::>h{234}") },
  ];
}

async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

describeWithSquid('policy mutations', { needNamespaces: true })('policy mutations (real Squid)', () => {
  let workDir: string | undefined;
  let namespace: LabNamespace | undefined;

  beforeAll(async () => {
    workDir = createWorkDir();
    namespace = await createTestNamespace('mutants', workDir);
  });

  afterAll(async () => {
    await namespace?.destroy();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** Starts Squid with `mutate` applied; returns the probes that noticed, or why it did not start. */
  async function verdict(mutate: ((conf: string) => string) | undefined, port: number): Promise<string[]> {
    if (!namespace || !workDir) throw new Error('namespace not created');
    let squid: SquidInstance;
    try {
      squid = await startTestSquid({ namespace, workDir, proxyPort: port, healthPort: port + 1, readiness: 'listening', ...(mutate ? { mutate } : {}) });
    } catch (error) {
      // Refusing to start is a loud, observable failure: the mutant counts as noticed.
      if (error instanceof SquidStartError) return [`squid did not start: ${error.message.split('\n').find((line) => /FATAL|ERROR|entrypoint:/.test(line)) ?? error.message}`];
      throw error;
    }
    try {
      return await unexpectedObservations(squid, `p${port}`, { stopAtFirst: mutate !== undefined });
    } finally {
      await squid.stop();
    }
  }

  test('the probe battery passes against the shipped policy', async () => {
    expect(POLICY_PROBES.length).toBeGreaterThan(25);

    expect(await verdict(undefined, FIRST_PORT - 2)).toEqual([]);
  });

  test('removing any policy line, range, flag or encoding is noticed by at least one probe', async () => {
    // Prepare
    const shipped = readShippedSquidConf();
    const mutations = [...lineRemovals(shipped), ...valueAndFlagMutations(shipped)];

    // Act
    const verdicts = await inPool(mutations, CONCURRENCY, async (mutation, index) => ({
      mutation: mutation.description,
      noticedBy: await verdict(mutation.apply, FIRST_PORT + 2 * index),
    }));

    // Assess
    const survivors = verdicts.filter((v) => v.noticedBy.length === 0).map((v) => v.mutation);
    expect(survivors.sort()).toEqual(Object.keys(EQUIVALENT_MUTANTS).sort());
    expect(verdicts.length).toBeGreaterThan(90);
    // About 100 Squid start-ups: allow for a loaded 2-core CI machine (typically ~60 s).
  }, 300_000);
});
