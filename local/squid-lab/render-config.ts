/**
 * Renders the shipped squid.conf for a lab run (tests, demo, benchmark). Only ports and file paths
 * change (and the hosts file); each substitution must match exactly as often as expected, so a renamed directive fails
 * loudly instead of silently leaving the production value in place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SQUID_CONFIG_DIR = join(__dirname, '..', '..', 'squid-config');
export const SHIPPED_SQUID_CONF = join(SQUID_CONFIG_DIR, 'squid.conf');

export interface RenderOptions {
  readonly proxyPort: number;
  readonly healthPort: number;
  /** The baseline shipped in the image (/etc/squid/allowlist.txt), which the helper falls back to. */
  readonly allowlistPath: string;
  readonly hostsFilePath: string;
  /** Replaces /run/squid (pid file, access-log FIFO, policy snapshot, the port's TLS certificate). */
  readonly runDir: string;
  /** Replaces /usr/local/bin/node, which runs the policy helper. */
  readonly nodeBinary: string;
  /** Replaces /usr/local/lib/egress-proxy, where the image keeps the helper and agent bundles. */
  readonly bundleDir: string;
}

interface Substitution {
  readonly from: string;
  readonly to: string;
  readonly count?: number;
}

/** The directives a rendering may touch; test/squid/shipped-config.test.ts asserts nothing else differs. */
export const SUBSTITUTED_DIRECTIVES = ['http_port', 'external_acl_type', 'hosts_file', 'pid_filename', 'access_log'] as const;

function substitutions(options: RenderOptions): Substitution[] {
  return [
    { from: '\nhttp_port 3128 ', to: `\nhttp_port ${options.proxyPort} ` },
    { from: '\nhttp_port 3129 ', to: `\nhttp_port ${options.healthPort} ` },
    // tls-cert= and tls-key=
    { from: '=/run/squid/tls/', to: `=${options.runDir}/tls/`, count: 2 },
    { from: ' /usr/local/bin/node ', to: ` ${options.nodeBinary} ` },
    { from: ' /usr/local/lib/egress-proxy/', to: ` ${options.bundleDir}/` },
    { from: ' /run/squid/policy/', to: ` ${options.runDir}/policy/` },
    { from: ' /etc/squid/allowlist.txt\n', to: ` ${options.allowlistPath}\n` },
    { from: '\nhosts_file /etc/hosts\n', to: `\nhosts_file ${options.hostsFilePath}\n` },
    { from: '\npid_filename /run/squid/', to: `\npid_filename ${options.runDir}/` },
    { from: ' stdio:/run/squid/', to: ` stdio:${options.runDir}/` },
  ];
}

/**
 * `allowMissing` is for the policy-mutation tests only, whose mutants may have deleted a line
 * that would otherwise be substituted.
 */
export function renderSquidConf(shipped: string, options: RenderOptions, { allowMissing = false } = {}): string {
  let rendered = shipped;
  for (const { from, to, count = 1 } of substitutions(options)) {
    const occurrences = rendered.split(from).length - 1;
    if (occurrences === 0 && allowMissing) continue;
    if (occurrences !== count) {
      throw new Error(`squid.conf: expected ${count} of ${JSON.stringify(from)}, found ${occurrences}`);
    }
    rendered = rendered.split(from).join(to);
  }
  return rendered;
}

export function readShippedSquidConf(): string {
  return readFileSync(SHIPPED_SQUID_CONF, 'utf8');
}
