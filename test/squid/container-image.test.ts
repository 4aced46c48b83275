/**
 * The Dockerfile, its helper scripts and the buildspec agree with squid.conf and with each other. (No
 * Docker daemon in the test environment: the image itself is built and `entrypoint.sh parse`d by the
 * pipeline, buildspec.yml; the real-Squid suites run the same entrypoint, config and bundles.)
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_BUNDLE_DIR, FLEET_BUNDLES } from '../../squid-config/fleet/build-bundles';
import { DEFAULT_SNAPSHOT_FILE } from '../../squid-config/fleet/agent-settings';
import { readShippedSquidConf, SQUID_CONFIG_DIR } from '../../local/squid-lab/render-config';

const dockerfile = readFileSync(join(SQUID_CONFIG_DIR, 'Dockerfile'), 'utf8');
const healthcheck = readFileSync(join(SQUID_CONFIG_DIR, 'healthcheck.sh'), 'utf8');
const entrypoint = readFileSync(join(SQUID_CONFIG_DIR, 'entrypoint.sh'), 'utf8');
const buildspec = readFileSync(join(SQUID_CONFIG_DIR, 'buildspec.yml'), 'utf8');
const conf = readShippedSquidConf();

function instructions(keyword: string): string[] {
  return dockerfile.split('\n').filter((line) => line.startsWith(`${keyword} `));
}

/** The helper command of squid.conf's external_acl_type line: node binary, bundle, snapshot, baseline. */
function helperCommand(): { node: string; bundle: string; snapshot: string; baseline: string } {
  const match = /^external_acl_type .* %ssl::>sni (\S+) (\S+) (\S+) (\S+)$/m.exec(conf);
  if (!match?.[1] || !match[2] || !match[3] || !match[4]) throw new Error('no external_acl_type helper command in squid.conf');
  return { node: match[1], bundle: match[2], snapshot: match[3], baseline: match[4] };
}

describe('squid-config/Dockerfile', () => {
  test('takes both bases from ECR Public (no Docker Hub rate limit), Debian pinned by a dated tag or a digest', () => {
    const [node, debian, ...more] = instructions('FROM');

    expect(more).toEqual([]);
    expect(node).toBe('FROM public.ecr.aws/docker/library/node:22-bookworm-slim AS node');
    expect(debian).toMatch(/^FROM public\.ecr\.aws\/docker\/library\/debian:bookworm-\d{8}-slim(@sha256:[0-9a-f]{64})?$/);
  });

  test('installs the OpenSSL build of Squid (ssl_bump) and checks it is 5.x with OpenSSL', () => {
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends squid-openssl openssl\b/);
    expect(dockerfile).not.toMatch(/install[^\n]* squid( |$)/m);
    expect(dockerfile).toContain("squid -v | grep -q -- '--with-openssl'");
  });

  test('copies only the node binary from the Node stage, to where squid.conf runs the helper', () => {
    expect(instructions('COPY').filter((line) => line.includes('--from='))).toEqual([`COPY --from=node /usr/local/bin/node ${helperCommand().node}`]);
  });

  test('ships the helper and agent bundles that `npm run build:fleet` writes, where squid.conf and the entrypoint expect them', () => {
    const bundleDir = relative(SQUID_CONFIG_DIR, DEFAULT_BUNDLE_DIR);
    const installedDir = helperCommand().bundle.replace(/\/[^/]+$/, '');

    expect(instructions('COPY')).toContain(`COPY ${bundleDir}/${FLEET_BUNDLES.agent} ${bundleDir}/${FLEET_BUNDLES.helper} ${installedDir}/`);
    expect(helperCommand().bundle).toBe(`${installedDir}/${FLEET_BUNDLES.helper}`);
    expect(entrypoint).toContain(`POLICY_AGENT="\${EGRESS_POLICY_AGENT:-${installedDir}/${FLEET_BUNDLES.agent}}"`);
    expect(entrypoint).toContain(`NODE_BINARY="\${EGRESS_NODE_BINARY:-${helperCommand().node}}"`);
  });

  test('the agent writes the snapshot the helper reads, the baseline is the allowlist it ships, and the poll fits the budget', () => {
    expect(helperCommand().snapshot).toBe(DEFAULT_SNAPSHOT_FILE);
    expect(dockerfile).toContain(`EGRESS_POLICY_FILE=${DEFAULT_SNAPSHOT_FILE}`);
    expect(instructions('COPY')).toContain(`COPY squid.conf allowlist.txt ${helperCommand().baseline.replace(/allowlist\.txt$/, '')}`);
    expect(dockerfile).toMatch(/^ENV EGRESS_POLICY_POLL_SECONDS=10 /m);
  });

  test('runs as a non-root user, set after every RUN', () => {
    const lines = dockerfile.split('\n');
    const userLine = lines.findIndex((line) => line.startsWith('USER '));
    const lastRun = lines.map((line) => line.startsWith('RUN ')).lastIndexOf(true);

    expect(lines[userLine]).toMatch(/^USER (?!root|0\b)\w+$/);
    expect(userLine).toBeGreaterThan(lastRun);
  });

  test('has a real HEALTHCHECK (the script), not a command that always passes', () => {
    const [check] = instructions('HEALTHCHECK');

    expect(check).toContain('/usr/local/bin/healthcheck.sh');
    expect(check).not.toMatch(/exit 0|true"?\]/);
  });

  test('exposes exactly the ports squid.conf listens on, and the health check probes the health one', () => {
    const confPorts = [...conf.matchAll(/^http_port (\d+)/gm)].map((match) => match[1]);
    const healthPort = /^http_port (\d+) name=health$/m.exec(conf)?.[1];

    expect(instructions('EXPOSE')).toEqual([`EXPOSE ${confPorts.join(' ')}`]);
    expect(healthcheck).toContain(`HEALTH_PORT:-${healthPort ?? 'missing'}`);
    expect(healthcheck).toContain(/^acl health_url urlpath_regex \^(\S+)\$$/m.exec(conf)?.[1]?.replace('\\.', '.') ?? 'missing health_url');
  });

  test('its HUB_VPC_CIDR substitution targets exactly one squid.conf line', () => {
    const sedPattern = /s#\^(acl hub_vpc src )\.\*#/.exec(dockerfile)?.[1];

    expect(sedPattern).toBe('acl hub_vpc src ');
    expect(conf.split('\n').filter((line) => line.startsWith('acl hub_vpc src '))).toHaveLength(1);
  });

  test('lets /run/squid belong to the user Squid runs as (pid file, log FIFO, policy snapshot, port certificate)', () => {
    const user = instructions('USER')[0]?.split(' ')[1];

    expect(dockerfile).toContain(`install -d -o ${user} -g ${user} -m 0750 /run/squid`);
    expect(conf).toMatch(/^pid_filename \/run\/squid\//m);
    expect(conf).toMatch(/^access_log stdio:\/run\/squid\//m);
    expect(conf).toMatch(/^http_port 3128 .* tls-cert=\/run\/squid\/tls\/\S+ tls-key=\/run\/squid\/tls\/\S+ /m);
    expect(helperCommand().snapshot.startsWith('/run/squid/')).toBe(true);
  });

  test('parses the config at build time through the entrypoint, and ships no private key', () => {
    expect(dockerfile).toMatch(/&& \/usr\/local\/bin\/entrypoint\.sh parse \\\n && rm -rf \/run\/squid\/tls\n/);
    expect(dockerfile).not.toMatch(/\.key\b|\.pem\b/);
  });
});

describe('squid-config/buildspec.yml', () => {
  test('bundles the agent and helper before the image build, and parses the config in the built image', () => {
    const bundle = buildspec.indexOf('- npm run build:fleet');
    const dockerBuild = buildspec.indexOf('docker build ');

    expect(bundle).toBeGreaterThan(0);
    expect(dockerBuild).toBeGreaterThan(bundle);
    expect(buildspec).toContain('docker run --rm "$IMAGE_URI" parse');
  });
});

describe('squid-config/buildspec.yml image tag', () => {
  /** What the Dockerfile copies from the build context (not from another stage). */
  const copiedFromContext = instructions('COPY')
    .filter((line) => !line.startsWith('COPY --from='))
    .flatMap((line) => line.split(/\s+/).slice(1, -1));
  const digestLine = buildspec.split('\n').find((line) => line.includes('IMAGE_TAG="${IMAGE_TAG:-cfg-')) ?? '';

  test('is a digest of everything the image is built from except the policies, so a policy-only commit builds nothing', () => {
    expect(copiedFromContext.length).toBeGreaterThan(3);
    for (const input of ['Dockerfile', ...copiedFromContext.filter((file) => file !== 'allowlist.txt')]) expect(digestLine).toContain(` ${input}`);
    expect(digestLine).toContain('$HUB_VPC_CIDR');
    expect(digestLine).not.toMatch(/allowlist\.txt|policies|policy-defaults/);
  });

  test('publishes the policies before any image work, and exports whether the service already runs the image', () => {
    expect(buildspec.indexOf('npm run policy:publish')).toBeGreaterThan(0);
    expect(buildspec.indexOf('npm run policy:publish')).toBeLessThan(buildspec.indexOf('docker build '));
    expect(buildspec).toMatch(/exported-variables:\n\s+- IMAGE_CHANGED\n/);
    expect(buildspec).toContain('if [ "$RUNNING_IMAGE" = "$IMAGE_URI" ]; then IMAGE_CHANGED=false; else IMAGE_CHANGED=true; fi');
  });
});
