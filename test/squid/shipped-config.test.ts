/**
 * The shipped squid.conf: Squid's own parser accepts it, and the tests' rendering of it changes
 * nothing but ports and paths, so the policy the other suites prove is the policy we ship.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithSquid } from './support/availability';
import { readShippedSquidConf, renderSquidConf, SQUID_CONFIG_DIR, SUBSTITUTED_DIRECTIVES, type RenderOptions } from '../../local/squid-lab/render-config';

const RENDER_OPTIONS: RenderOptions = {
  proxyPort: 13128,
  healthPort: 13129,
  allowlistPath: join(SQUID_CONFIG_DIR, 'allowlist.txt'),
  hostsFilePath: '/tmp/test-hosts',
  runDir: '/tmp/test-run',
  nodeBinary: '/opt/test/node',
  bundleDir: '/opt/test/fleet',
};

function policyLines(conf: string): string[] {
  const begin = conf.indexOf('POLICY BEGIN');
  const end = conf.indexOf('POLICY END');
  if (begin < 0 || end < begin) throw new Error('squid.conf has lost its POLICY BEGIN / POLICY END markers');
  return conf
    .slice(conf.indexOf('\n', begin) + 1, conf.lastIndexOf('\n', end) + 1)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

describe('rendering squid.conf for the tests', () => {
  test('changes only the port, path and hosts-file directives, and leaves every other line byte-identical', () => {
    // Prepare
    const shipped = readShippedSquidConf();

    // Act
    const rendered = renderSquidConf(shipped, RENDER_OPTIONS);

    // Assess
    const shippedLines = shipped.split('\n');
    const renderedLines = rendered.split('\n');
    expect(renderedLines).toHaveLength(shippedLines.length);
    const changed = shippedLines.flatMap((line, index) => (line === renderedLines[index] ? [] : [line]));
    expect(changed).toHaveLength(6);
    for (const line of changed) {
      expect(SUBSTITUTED_DIRECTIVES.some((directive) => line.startsWith(`${directive} `))).toBe(true);
    }
  });

  test('keeps every access rule, ACL other than the allowlist path, and header rule verbatim', () => {
    const shipped = readShippedSquidConf();
    const rendered = renderSquidConf(shipped, RENDER_OPTIONS);

    const untouched = policyLines(shipped).filter((line) => !SUBSTITUTED_DIRECTIVES.some((directive) => line.startsWith(`${directive} `)));
    const renderedPolicy = new Set(policyLines(rendered));

    expect(untouched.filter((line) => /^(http_access|proxy_protocol_access|acl|ssl_bump|cache|via|forwarded_for|request_header_access|logformat) /.test(line)).length).toBeGreaterThan(30);
    expect(untouched.filter((line) => !renderedPolicy.has(line))).toEqual([]);
  });

  test('fails loudly when a directive it substitutes has disappeared', () => {
    const withoutHostsFile = readShippedSquidConf().replace('\nhosts_file /etc/hosts\n', '\n');

    expect(() => renderSquidConf(withoutHostsFile, RENDER_OPTIONS)).toThrow(/hosts_file/);
  });
});

describeWithSquid('squid -k parse', { needNamespaces: false })('squid -k parse (real Squid, through the entrypoint as the image build runs it)', () => {
  /** `entrypoint.sh parse`: generates the ssl-bump port's throw-away certificate, then `squid -k parse`. */
  function parse(conf: string): { status: number | null; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'squid-parse-'));
    const file = join(dir, 'squid.conf');
    writeFileSync(file, conf.split('/tmp/test-run/').join(`${dir}/run/`));
    try {
      const result = spawnSync('sh', [join(SQUID_CONFIG_DIR, 'entrypoint.sh'), 'parse'], { encoding: 'utf8', env: { ...process.env, SQUID_CONF: file } });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    } finally {
      // It holds the generated throw-away key.
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('accepts the shipped squid.conf with the shipped allowlist', () => {
    const result = parse(renderSquidConf(readShippedSquidConf(), RENDER_OPTIONS));

    expect(result.output).not.toMatch(/ERROR|FATAL|WARNING: (?!HTTP requires the use of Via)/);
    expect(result.status).toBe(0);
  });

  test('rejects a config with an undefined ACL (so the check above means something)', () => {
    const broken = `${renderSquidConf(readShippedSquidConf(), RENDER_OPTIONS)}\nhttp_access allow no_such_acl\n`;

    expect(parse(broken).status).not.toBe(0);
  });
});
