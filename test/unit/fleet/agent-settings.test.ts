import { AgentSettingsError, readAgentSettings } from '../../../squid-config/fleet/agent-settings';

describe('readAgentSettings', () => {
  test('without a bucket per-spoke policy is off, and says the shipped baseline applies', () => {
    expect(readAgentSettings({})).toEqual({ kind: 'off', reason: expect.stringMatching(/EGRESS_POLICY_BUCKET is not set.*baseline/) as string });
  });

  test('defaults: a poll every 10 s, the snapshot under /run/squid', () => {
    expect(readAgentSettings({ EGRESS_POLICY_BUCKET: 'egress-policy' })).toEqual({ kind: 'on', bucket: 'egress-policy', pollSeconds: 10, snapshotFile: '/run/squid/policy/current.json' });
  });

  test.each(['0', '-1', 'ten', '31'])('refuses EGRESS_POLICY_POLL_SECONDS=%s, naming the variable', (value) => {
    expect(() => readAgentSettings({ EGRESS_POLICY_BUCKET: 'b', EGRESS_POLICY_POLL_SECONDS: value })).toThrow(AgentSettingsError);
    expect(() => readAgentSettings({ EGRESS_POLICY_BUCKET: 'b', EGRESS_POLICY_POLL_SECONDS: value })).toThrow(/EGRESS_POLICY_POLL_SECONDS/);
  });
});
