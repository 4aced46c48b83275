import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type EgressApp } from '../../../infra/app';
import { readCdkJsonContext } from '../../../infra/cdk-json-context';

/** Builds the app exactly as `cdk synth` would from cdk.json, with the given context overrides. */
export function buildTestApp(overrides: Record<string, unknown> = {}): EgressApp {
  return buildApp({
    context: { ...readCdkJsonContext(), ...overrides },
    outdir: mkdtempSync(join(tmpdir(), 'egress-infra-test-')),
  });
}

export const SPOKE_PRINCIPALS = ['arn:aws:iam::333333333333:root', 'arn:aws:iam::444444444444:role/NetworkAdmin'];

export const CODECONNECTIONS_CONTEXT = {
  pipelineSource: 'codeconnections',
  connectionArn: 'arn:aws:codeconnections:eu-west-2:222222222222:connection/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  sourceRepositoryOwner: 'platform-team',
  sourceRepositoryName: 'egress-proxy',
  sourceBranch: 'main',
};
