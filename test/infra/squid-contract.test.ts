import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQUID_CONTRACT } from '../../infra/squid-contract';

// The infrastructure and the files in squid-config/ are written separately; these checks fail when
// one side changes a port, path, variable or file name that the other side relies on.
const root = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('contract between infra/ and squid-config/', () => {
  const squidConf = read('squid-config/squid.conf');
  const dockerfile = read('squid-config/Dockerfile');
  const buildspec = read(SQUID_CONTRACT.buildspecPath);

  it('serves the proxy port with a mandatory PROXY header and the health port without one', () => {
    expect(squidConf).toMatch(new RegExp(`^http_port ${SQUID_CONTRACT.proxyPort} require-proxy-header\\b`, 'm'));
    const healthPort = new RegExp(`^http_port ${SQUID_CONTRACT.healthPort}\\b(.*)$`, 'm').exec(squidConf);
    expect(healthPort?.[1]).toBeDefined();
    expect(healthPort?.[1]).not.toMatch(/require-proxy-header/);
  });

  it('allows the NLB health-check path on the health port', () => {
    const healthUrl = /^acl health_url urlpath_regex (\S+)$/m.exec(squidConf)?.[1];
    expect(healthUrl).toBeDefined();
    expect(new RegExp(healthUrl ?? '$^').test(SQUID_CONTRACT.healthPath)).toBe(true);
  });

  it('ships the container health-check command the task definition runs', () => {
    const command = SQUID_CONTRACT.containerHealthCommand[1];
    const script = command.replace('/usr/local/bin/', '');
    expect(dockerfile).toMatch(new RegExp(`^COPY .*\\b${script}\\b.* /usr/local/bin/$`, 'm'));
    expect(read(`squid-config/${script}`)).toContain(SQUID_CONTRACT.healthPath);
  });

  it('takes the hub VPC CIDR as the build argument the pipeline passes', () => {
    expect(dockerfile).toMatch(new RegExp(`^ARG ${SQUID_CONTRACT.hubCidrBuildArg}=`, 'm'));
    expect(buildspec).toContain(`--build-arg ${SQUID_CONTRACT.hubCidrBuildArg}=`);
  });

  it('requires exactly the variables the pipeline sets and writes imagedefinitions.json', () => {
    for (const variable of ['REPOSITORY_URI', 'CONTAINER_NAME', SQUID_CONTRACT.hubCidrBuildArg]) {
      expect(buildspec).toContain(`\${${variable}:?`);
    }
    expect(buildspec).toMatch(/^\s+- imagedefinitions\.json$/m);
  });

  it('declares every writable path as a VOLUME when the root filesystem is read-only', () => {
    const volumes = [...dockerfile.matchAll(/^VOLUME \[(.*)\]$/gm)].flatMap((match) =>
      (match[1] ?? '').split(',').map((path) => path.trim().replace(/^"|"$/g, '')),
    );
    const required = SQUID_CONTRACT.readOnlyRootFilesystem ? SQUID_CONTRACT.writablePaths : [];
    expect(volumes).toEqual(expect.arrayContaining([...required]));
  });
});
