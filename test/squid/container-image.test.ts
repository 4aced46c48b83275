/**
 * The Dockerfile and its helper scripts agree with squid.conf. (No Docker daemon in the test
 * environment: the image itself is built and `squid -k parse`d by the pipeline, buildspec.yml.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readShippedSquidConf, SQUID_CONFIG_DIR } from './support/render-config';

const dockerfile = readFileSync(join(SQUID_CONFIG_DIR, 'Dockerfile'), 'utf8');
const healthcheck = readFileSync(join(SQUID_CONFIG_DIR, 'healthcheck.sh'), 'utf8');
const conf = readShippedSquidConf();

function instructions(keyword: string): string[] {
  return dockerfile.split('\n').filter((line) => line.startsWith(`${keyword} `));
}

describe('squid-config/Dockerfile', () => {
  test('pins its base image by a dated tag or a digest', () => {
    const [from, ...more] = instructions('FROM');

    expect(more).toEqual([]);
    expect(from).toMatch(/^FROM debian:bookworm-\d{8}-slim(@sha256:[0-9a-f]{64})?$/);
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

  test('lets /run/squid belong to the user Squid runs as (pid file and log FIFO live there)', () => {
    const user = instructions('USER')[0]?.split(' ')[1];

    expect(dockerfile).toContain(`install -d -o ${user} -g ${user} -m 0750 /run/squid`);
    expect(conf).toMatch(/^pid_filename \/run\/squid\//m);
    expect(conf).toMatch(/^access_log stdio:\/run\/squid\//m);
  });
});
