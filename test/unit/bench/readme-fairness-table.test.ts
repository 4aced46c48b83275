import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAIRNESS_MARKERS, renderFairnessTable, type FairnessResult } from '../../../bench/support/readme-fairness-table';
import { withBlock } from '../../../bench/support/readme-table';

const ROOT = join(__dirname, '../../..');

const result = (overrides: Partial<FairnessResult> = {}): FairnessResult => ({
  measuredAt: '2026-12-01T09:30:00.000Z',
  timeScale: 10,
  flips: 600,
  floodVpcs: 10,
  quiet: { timings: [{ seconds: 14.69 }, { seconds: 13.41 }, { seconds: 12.27 }], medianSeconds: 13.41 },
  duringFlood: { timings: [{ seconds: 18.77 }, { seconds: 11.1 }, { seconds: 13.62 }], medianSeconds: 13.62, maxSeconds: 18.77 },
  ratio: { median: 1.02, worst: 1.4, target: 2 },
  flood: { flipsSeconds: 162.42, backlogClearedSeconds: 376.79 },
  vpcOnboardingQueue: { messages: 603, invocations: 64, retried: 0, deadLettered: 0, largestBatch: 10 },
  machine: { cores: 2, loadAverage: [8.01, 14.06, 14.22] },
  ...overrides,
});

describe("the README's fairness table", () => {
  it('is the one bench/results/fairness.json makes (run npm run bench:readme after npm run bench:fairness)', () => {
    // Prepare
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const measured = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'fairness.json'), 'utf8')) as FairnessResult;

    // Act
    const expected = withBlock(readme, FAIRNESS_MARKERS, renderFairnessTable(measured));

    // Assess
    expect(readme).toBe(expected);
  });

  it('shows both phases with their time scale, load and date, and the ratio against the target', () => {
    // Act
    const lines = renderFairnessTable(result()).split('\n');

    // Assess
    expect(lines[0]).toContain('`--time-scale 10`, 3 teams per phase, 600 flips over 10 VPCs; 2026-12-01, 2 cores, load average 8.0 / 14.1 / 14.2');
    expect(lines[2]).toBe('| quiet | 13.4 s | 14.7 s | - |');
    expect(lines[3]).toBe('| during the flood | 13.6 s | 18.8 s | 1.02 / 1.40 |');
    expect(lines[5]).toMatch(/^Target: within 2x the quiet median during the flood, worst case included: met\./);
    expect(lines[5]).toContain('the control plane was idle again after 376.8 s (every queue, retries waiting out their visibility timeouts included)');
    expect(lines[5]).toContain('The VPC onboarding queue ran 64 invocations (603 messages, largest batch 10, 0 retried, 0 dead-lettered)');
    expect(lines[5]).not.toContain('drained');
    expect(renderFairnessTable(result({ flood: { flipsSeconds: 162.42, vpcQueueDrainedSeconds: 170.04, backlogClearedSeconds: 376.79 } }))).toContain(
      'the VPC onboarding queue drained 170.0 s after the flood began, and the control plane was idle again after 376.8 s',
    );
  });

  it('says when the target is missed, and when the run recorded no date', () => {
    const missed = renderFairnessTable(result({ measuredAt: undefined, ratio: { median: 1.5, worst: 2.3, target: 2 } }));

    expect(missed).toContain('worst case included: not met.');
    expect(missed).toContain('date not recorded');
  });
});
