import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { readCdkJsonContext } from '../../../infra/cdk-json-context';
import { loadHubConfig } from '../../../infra/config';
import { addAwsSolutionsChecks } from '../../../infra/nag-checks';
import { addHubStacks, type HubStacks } from '../../../infra/stacks/hub-stacks';

export interface HubTestApp extends HubStacks {
  readonly app: App;
}

/**
 * The hub stacks as `cdk synth` builds them from cdk.json plus the given overrides, with the cdk-nag
 * plugin, but without the control-plane stacks: those have their own suites, and leaving them out keeps
 * these suites fast and independent of them.
 */
export function buildHubTestApp(overrides: Record<string, unknown> = {}): HubTestApp {
  const app = new App({
    context: { ...readCdkJsonContext(), ...overrides },
    outdir: mkdtempSync(join(tmpdir(), 'egress-infra-test-')),
  });
  const stacks = addHubStacks(app, loadHubConfig((key) => app.node.tryGetContext(key)));
  addAwsSolutionsChecks(app);
  return { app, ...stacks };
}

export const SPOKE_PRINCIPALS = ['arn:aws:iam::333333333333:root', 'arn:aws:iam::444444444444:role/NetworkAdmin'];

export const CODECONNECTIONS_CONTEXT = {
  pipelineSource: 'codeconnections',
  connectionArn: 'arn:aws:codeconnections:eu-west-2:222222222222:connection/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  sourceRepositoryOwner: 'platform-team',
  sourceRepositoryName: 'egress-proxy',
  sourceBranch: 'main',
};
