import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResultsFiles, renderRolloutTable, TABLE_END, TABLE_START, withTable } from '../../../bench/support/readme-table';

const ROOT = join(__dirname, '../../..');

describe("the README's rollout benchmark table", () => {
  it('is the one the results files make (run npm run bench:readme after a benchmark)', () => {
    // Prepare
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    // Act
    const expected = withTable(readme, renderRolloutTable(readResultsFiles(join(ROOT, 'bench', 'results'))));

    // Assess
    expect(readme).toBe(expected);
  });

  it('shows each run with its figures, its results file and when it was measured', () => {
    // Act
    const table = renderRolloutTable([
      {
        file: 'rollout.json',
        result: {
          measuredAt: '2026-11-30T07:00:00.000Z', accounts: 1000, vpcsPerAccount: 3, timeScale: 0.5, endpointsWanted: 3000, floorSeconds: 25,
          wallSeconds: 34.12, ratio: 1.3648, totalCalls: 18129, throttleTotal: 0, hubMutatingCalls: 35, hubMutatingCallsMinimum: 31,
          machine: { cores: 2, loadAverage: [1.52, 1, 1] },
        },
      },
    ]);

    // Assess
    expect(table.split('\n')[2]).toBe(
      '| [1,000 accounts x 3 VPCs, `--time-scale 0.5`](bench/results/rollout.json) | 25.0 s | 34.1 s | 1.36 | 0 | 35 (31) | 6.0 | 2026-11-30, 2 cores, load 1.5 |',
    );
  });

  it('refuses a README without its markers rather than lose text', () => {
    expect(() => withTable('no markers here', 'table')).toThrow(TABLE_START);
    expect(TABLE_END).toContain('bench:rollout:end');
  });
});
