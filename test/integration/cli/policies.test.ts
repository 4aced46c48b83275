/**
 * What spoke teams and operators ask of per-spoke policy, through the CLI against the local cloud: `status` shows the
 * policies each VPC gets (and says when its choice is refused), `why` answers allowed or denied for a VPC or its
 * endpoint with the fleet's own decision code, from the documents the control plane published.
 */
import type { StatusReport } from '../../../cli/status';
import type { WhyAnswer } from '../../../cli/why';
import { onboardedMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, SUPPORTED_AZ_IDS, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { PolicyStoreView } from '../support/policy-store-view';
import { createVpc, liveEndpointsOf, tagVpc } from '../support/spoke';
import { waitFor } from '../support/wait';
import { egress } from '../../support/egress-cli';

let fx: ControlPlaneFixture;
let store: PolicyStoreView;

beforeAll(async () => {
  fx = await startControlPlaneFixture();
  store = new PolicyStoreView(fx);
});

afterAll(async () => {
  store?.destroy();
  await fx?.stop();
});

/** A member's VPC tagged for the proxy with `policy`, once its endpoint is in the published mapping. */
async function mappedVpc(label: string, policy: string): Promise<{ member: Member; vpcId: string; endpointId: string }> {
  const member = await onboardedMember(fx, label);
  const vpc = await createVpc(member.ec2, { name: label, azIds: SUPPORTED_AZ_IDS });
  await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy-policy', policy);
  await tagVpc(member.ec2, vpc.vpcId, 'egress-proxy', 'enabled');
  const [endpoint] = await waitFor(`the endpoint of ${label}`, () => liveEndpointsOf(member.ec2, vpc.vpcId), (live) => live.length === 1, { between: () => fx.cp.idle() });
  const endpointId = endpoint?.VpcEndpointId ?? '';
  await waitFor(`${endpointId} in the mapping`, async () => (await store.mapping())?.endpoints[endpointId], (e) => e !== undefined, { between: () => fx.cp.idle() });
  return { member, vpcId: vpc.vpcId, endpointId };
}

describe('egress status with per-spoke policies', () => {
  it("shows each tagged VPC's policies as the fleet resolves them, and why a refused choice gets the baseline only", async () => {
    // Prepare
    const good = await mappedVpc('status-good', 'payments');
    const typo = await mappedVpc('status-typo', 'paymnets');

    // Act
    const run = await egress('status', '--json', '--account', good.member.accountId, '--account', typo.member.accountId);
    const table = await egress('status', '--account', typo.member.accountId);

    // Assess
    const rows = (JSON.parse(run.stdout) as StatusReport).rows;
    expect(rows.find((r) => r.vpcId === good.vpcId)?.policies).toEqual({ names: ['payments'], source: 'the VPC tag', problems: [] });
    expect(rows.find((r) => r.vpcId === typo.vpcId)?.policies).toEqual({
      names: [],
      source: 'the VPC tag',
      problems: ['unknown policy "paymnets": the baseline only applies'],
    });
    expect(table.stdout).toMatch(/baseline!.*unknown policy "paymnets": the baseline only applies/);
  });
});

describe('egress why', () => {
  it('answers allowed, by which policy, for a VPC id and for its endpoint id alike (exit 0)', async () => {
    // Prepare
    const { vpcId, endpointId, member } = await mappedVpc('why-allowed', 'payments');

    // Act
    const byVpc = await egress('why', vpcId, 'api.stripe.com:443');
    const byEndpoint = await egress('why', '--json', endpointId, 'api.stripe.com');

    // Assess
    expect(byVpc.exitCode).toBe(0);
    expect(byVpc.stdout).toContain(`api.stripe.com:443 from ${endpointId} (account ${member.accountId}, ${vpcId}): ALLOWED by policy "payments"`);
    const answer = JSON.parse(byEndpoint.stdout) as WhyAnswer;
    expect(answer).toMatchObject({ allowed: true, code: 'allowed', policy: 'payments', endpointId, vpcId, policies: ['payments'], source: 'the VPC tag' });
  });

  it("answers denied with the fleet's reason code (exit 1): another team's host, a port Squid refuses, an unknown endpoint", async () => {
    // Prepare
    const { vpcId } = await mappedVpc('why-denied', 'observability');

    // Act
    const otherTeams = await egress('why', vpcId, 'api.stripe.com:443');
    const badPort = await egress('why', '--json', vpcId, 'intake.datadoghq.com:8443');
    const unknown = await egress('why', '--json', 'vpce-0123456789abcdef0', 'api.stripe.com:443');
    const baseline = await egress('why', '--json', 'vpce-0123456789abcdef0', 'github.com:443');

    // Assess
    expect(otherTeams.exitCode).toBe(1);
    expect(otherTeams.stdout).toMatch(/DENIED: not_in_policy\n {2}policies in force: baseline \+ observability \(the VPC tag\)/);
    expect(badPort.exitCode).toBe(1);
    expect(JSON.parse(badPort.stdout)).toMatchObject({ allowed: false, code: 'port_not_allowed' });
    expect(JSON.parse(unknown.stdout)).toMatchObject({ allowed: false, code: 'unknown_endpoint' });
    expect(JSON.parse(baseline.stdout)).toMatchObject({ allowed: true, policy: 'baseline' });
  });

  it('refuses bad input with a sentence and exit 2', async () => {
    const notAnId = await egress('why', 'i-0123456789abcdef0', 'github.com');
    const url = await egress('why', 'vpc-0123456789abcdef0', 'https://github.com/');
    expect([notAnId.exitCode, url.exitCode]).toEqual([2, 2]);
    expect(notAnId.stderr).toContain('neither a VPC id (vpc-...) nor a VPC endpoint id (vpce-...)');
    expect(url.stderr).toContain('is a URL: give host or host:port');
  });
});
