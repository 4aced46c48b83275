import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROXY_MARKERS, renderProxyTable, type ProxyResult } from '../../../bench/support/readme-proxy-table';
import { withBlock } from '../../../bench/support/readme-table';

const ROOT = join(__dirname, '../../..');

const result = (overrides: Partial<ProxyResult> = {}): ProxyResult => ({
  measuredAt: '2026-11-30T07:17:01.520Z',
  machine: { cores: 2, loadAverageBefore: [7.45, 9, 9], loadAverageAfter: [10.67, 9, 9] },
  settings: { rounds: 5 },
  scenarios: [
    { name: 'direct to the origin', requestsPerSecond: 5470.4, p50Ms: 0.119, p99Ms: 3.959, cpuMsPerRequest: { squid: 0.0004, helper: 0 } },
    { name: 'Squid, baseline only', requestsPerSecond: 787, p50Ms: 0.908, p99Ms: 13.378, cpuMsPerRequest: { squid: 0.4625, helper: 0.0534 } },
  ],
  policyCostRatio: 1.079,
  addedP50Ms: 0.789,
  targets: { policyCostRatio: 0.9, addedP50Ms: 1 },
  ...overrides,
});

describe("the README's Squid profile table", () => {
  it('is the one bench/results/proxy.json makes (run npm run bench:readme after npm run bench:proxy)', () => {
    // Prepare
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const measured = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'proxy.json'), 'utf8')) as ProxyResult;

    // Act
    const expected = withBlock(readme, PROXY_MARKERS, renderProxyTable(measured));

    // Assess
    expect(readme).toBe(expected);
  });

  it('says when and at what load, and leaves the CPU columns empty for the direct run', () => {
    // Act
    const lines = renderProxyTable(result()).split('\n');

    // Assess
    expect(lines[0]).toMatch(/^\| run of 2026-11-30, 2 cores, load average up to 10\.7 \(medians of 5 rounds\) \|/);
    expect(lines[2]).toBe('| direct to the origin | 5,470 | 0.12 | 4.0 | - | - |');
    expect(lines[3]).toBe('| Squid, baseline only | 787 | 0.91 | 13.4 | 0.46 | 0.053 |');
  });

  it('says whether each target was met', () => {
    const met = renderProxyTable(result());
    const missed = renderProxyTable(result({ policyCostRatio: 0.85, addedP50Ms: 1.2 }));

    expect(met).toContain('`policyCostRatio` 1.08 (per-endpoint policy over baseline-only throughput; target >= 0.90: met)');
    expect(met).toContain('`addedP50Ms` 0.79 ms (Squid\'s added median latency over direct; target <= 1.0: met)');
    expect(missed).toContain('target >= 0.90: not met');
    expect(missed).toContain('target <= 1.0: not met');
  });
});
