import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { EgressApp } from '../../infra/app';
import { CONTROL_PLANE_FUNCTIONS } from '../../infra/control-plane-config';
import { buildControlPlaneTestApp } from './control-plane-app';

/** The settings every function validates at cold start (values the deployed stack would pass). */
const COLD_START_ENV = {
  HUB_SERVICE_ID: 'vpce-svc-0123456789abcdef0',
  HUB_SERVICE_NAME: 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123456789abcdef0',
  HUB_EVENT_BUS_NAME: 'EgressProxy-egress-control-plane',
  AWS_REGION: 'eu-west-2',
};

// The one suite that bundles: it proves the ESM bundles (Middy, Powertools and the SDK, with the require shim)
// load in Node as Lambda loads them, which template assertions cannot show.
describe('control plane function bundles', () => {
  let egress: EgressApp;

  beforeAll(() => {
    egress = buildControlPlaneTestApp({ 'aws:cdk:bundling-stacks': ['EgressProxy-ControlPlane'] });
  });

  it.each(CONTROL_PLANE_FUNCTIONS)('%s bundles to an ES module that loads and exports the handler', (name) => {
    // Prepare
    const asset = egress.controlPlane.controlPlane.functions[name].function.node.findChild('Code') as Asset;
    const entry = join(egress.app.outdir, asset.assetPath, 'index.mjs');
    // Act: a separate Node process, because Jest's CommonJS runtime cannot import an ES module.
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); process.stdout.write(typeof m.handler);`],
      { env: { PATH: process.env.PATH, ...COLD_START_ENV }, encoding: 'utf8' },
    );
    // Assess
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.stdout).toBe('function');
  });

  it('fails at cold start with a message naming a missing setting', () => {
    // Prepare
    const asset = egress.controlPlane.controlPlane.functions.reconciler.function.node.findChild('Code') as Asset;
    const entry = join(egress.app.outdir, asset.assetPath, 'index.mjs');
    // Act: report the init error as the Lambda runtime does (name and message), instead of letting Node print the
    // throwing line of the minified bundle: a line of hundreds of kilobytes that a pipe may cut off at exit.
    const script = `try { await import(${JSON.stringify(entry)}); } catch (e) { process.stderr.write(e.name + ': ' + e.message); process.exitCode = 1; }`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...COLD_START_ENV, HUB_SERVICE_ID: '' },
      encoding: 'utf8',
    });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ConfigurationError: .*HUB_SERVICE_ID/);
  });
});
