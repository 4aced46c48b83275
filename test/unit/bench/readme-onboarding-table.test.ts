import { ONBOARDING_MARKERS, renderOnboardingTable, type OnboardingResult } from '../../../bench/support/readme-onboarding-table';
import { readmeAndRendered } from './readme-block';

const result = (overrides: Partial<OnboardingResult> = {}): OnboardingResult => ({
  measuredAt: '2026-11-30T12:00:00.000Z',
  settings: { ratePerSecond: 5, durationSeconds: 120, tags: 600, accounts: 120, timeScale: 1 },
  endpointPending: { seconds: 120, basis: 'No AWS-documented figure exists.', sources: [{ url: 'https://github.com/hashicorp/terraform-provider-aws/issues/32774' }, { url: 'https://docs.aws.amazon.com/vpc/latest/privatelink/accept-reject-endpoint-requests.html' }] },
  tagged: 600,
  available: 600,
  tagToCreated: { count: 600, p50: 0.08, p90: 0.2, p99: 0.51, max: 0.9 },
  tagToAccepted: { count: 600, p50: 3.24, p90: 5.1, p99: 6.02, max: 6.5 },
  tagToAvailable: { count: 600, p50: 124.26, p90: 126.1, p99: 127.04, max: 127.5 },
  fromCloudRecord: { tagToAccepted: { count: 600, p50: 2.61, p90: 4.6, p99: 5.07, max: 5.33 } },
  spokePolling: { meanRoundSeconds: 1.02 },
  process: { eventLoopUtilization: 0.41, eventLoopDelayP99Ms: 23.4 },
  machine: { cores: 2, loadAverage: [1.52, 2.04, 2.5] },
  ...overrides,
});

describe("the README's onboarding table", () => {
  it('is the one bench/results/onboarding.json makes (run npm run bench:readme after npm run bench:onboarding)', () => {
    // Act
    const { readme, rendered } = readmeAndRendered(ONBOARDING_MARKERS, 'onboarding.json', renderOnboardingTable);

    // Assess
    expect(readme).toBe(rendered);
  });

  it('shows the three spans with their percentiles, and the rate, time scale, date and load of the run', () => {
    // Act
    const lines = renderOnboardingTable(result()).split('\n');

    // Assess
    expect(lines[0]).toContain('600 tags at 5/s for 120 s over 120 accounts, `--time-scale 1`; 2026-11-30, 2 cores, load average 1.5 / 2.0 / 2.5');
    expect(lines[2]).toBe('| tag -> endpoint created | 0.08 s | 0.20 s | 0.51 s | 0.90 s |');
    expect(lines[3]).toBe("| tag -> accepted (the control plane's share) | 3.2 s | 5.1 s | 6.0 s | 6.5 s |");
    expect(lines[4]).toBe('| tag -> available (what the team waits for) | 124.3 s | 126.1 s | 127.0 s | 127.5 s |');
  });

  it('says how many VPCs got there, how the teams looked, and what the pending time rests on', () => {
    // Act
    const note = renderOnboardingTable(result({ available: 598 })).split('\n')[6];

    // Assess
    expect(note).toMatch(/^598 of 600 tagged VPCs got an available endpoint\./);
    expect(note).toContain('its own DescribeVpcEndpoints every 1.0 s on average');
    expect(note).toContain('without that poll period, puts tag -> accepted at p50 2.6 s, p99 5.1 s.');
    expect(note).toContain('a fixed 120 s (the local cloud models no jitter). No AWS-documented figure exists. Sources: ');
    expect(note).toContain(
      '[terraform-provider-aws #32774](https://github.com/hashicorp/terraform-provider-aws/issues/32774), ' +
        '[docs.aws.amazon.com](https://docs.aws.amazon.com/vpc/latest/privatelink/accept-reject-endpoint-requests.html).',
    );
    expect(note).toContain('busy 41 % of the time, p99 event-loop delay 23 ms');
  });
});
