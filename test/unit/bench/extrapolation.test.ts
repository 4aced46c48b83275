import { extrapolateFanOut } from '../../../bench/support/extrapolation';
import { fanOutFloor } from '../../../bench/support/floor';

describe('fan-out extrapolation', () => {
  const measured = {
    accounts: 1000,
    vpcsPerAccount: 3,
    endpointPendingSeconds: 5,
    wallSeconds: 60,
    floorSeconds: 40,
    callsByAction: { 'organizations:ListAccountsForParent': 100, 'organizations:ListRoots': 2, 'ec2:CreateVpcEndpoint': 3000 },
  };

  it("carries the measured ratio over to the larger size's floor", () => {
    const scaled = extrapolateFanOut(measured, 10_000);
    const floor = fanOutFloor({ accounts: 10_000, vpcsPerAccount: 3, endpointPendingSeconds: 5 });

    expect(scaled.floorSeconds).toBeCloseTo(floor.floorSeconds, 2);
    expect(scaled.criticalPath).toBe(floor.criticalPath);
    expect(scaled.assumedRatio).toBe(1.5);
    expect(scaled.wallSeconds).toBeCloseTo(1.5 * floor.floorSeconds, 1);
  });

  it('scales only the Organizations calls per account and states its assumptions', () => {
    const scaled = extrapolateFanOut(measured, 10_000);

    expect(scaled.organizationsCalls).toBe(1020);
    expect(scaled.organizationsSeconds).toBe(102);
    expect(scaled.assumptions.join(' ')).toMatch(/ratio measured at 1000 x 3 \(1\.5\) holds/);
  });
});
