/** The entry files build their runtime at cold start from the environment. */

const ENTRIES = ['account-onboarding', 'vpc-onboarding', 'connection-acceptance', 'reconciler', 'account-reconciler'] as const;
const VALID_ENV = {
  HUB_SERVICE_ID: 'vpce-svc-0fedcba9876543210',
  HUB_SERVICE_NAME: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0fedcba9876543210',
  HUB_EVENT_BUS_NAME: 'egress-control-plane',
  AWS_REGION: 'eu-west-2',
};

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

async function loadEntry(name: (typeof ENTRIES)[number]): Promise<{ handler: unknown }> {
  let loaded: { handler: unknown } | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = (await import(`../../../functions/${name}`)) as { handler: unknown };
  });
  if (loaded === undefined) throw new Error(`entry ${name} did not load`);
  return loaded;
}

describe('entry files', () => {
  it.each(ENTRIES)('functions/%s exports a handler when the configuration is valid', async (name) => {
    Object.assign(process.env, VALID_ENV);
    expect(typeof (await loadEntry(name)).handler).toBe('function');
  });

  // Loading an entry costs seconds (the SDK clients), so the failure path is shown on one of them: they share it.
  it('fails at cold start naming the missing variable', async () => {
    Object.assign(process.env, VALID_ENV);
    delete process.env.HUB_SERVICE_ID;
    await expect(loadEntry('vpc-onboarding')).rejects.toThrow(/HUB_SERVICE_ID/);
  });
});
