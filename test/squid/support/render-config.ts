/**
 * Renders the shipped squid.conf for a test run. Only ports, file paths and the hosts file change;
 * each substitution must match exactly once, so a renamed directive fails loudly instead of
 * silently leaving the production value in place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SQUID_CONFIG_DIR = join(__dirname, '..', '..', '..', 'squid-config');
export const SHIPPED_SQUID_CONF = join(SQUID_CONFIG_DIR, 'squid.conf');

export interface RenderOptions {
  readonly proxyPort: number;
  readonly healthPort: number;
  readonly allowlistPath: string;
  readonly hostsFilePath: string;
  /** Replaces /run/squid (pid file and access-log FIFO). */
  readonly runDir: string;
}

interface Substitution {
  readonly from: string;
  readonly to: string;
}

/** The directives a rendering may touch; the config test asserts nothing else differs. */
export const SUBSTITUTED_DIRECTIVES = ['http_port', 'acl allowlisted_domains', 'hosts_file', 'pid_filename', 'access_log'] as const;

function substitutions(options: RenderOptions): Substitution[] {
  return [
    { from: '\nhttp_port 3128 ', to: `\nhttp_port ${options.proxyPort} ` },
    { from: '\nhttp_port 3129 ', to: `\nhttp_port ${options.healthPort} ` },
    { from: '"/etc/squid/allowlist.txt"', to: `"${options.allowlistPath}"` },
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
  for (const { from, to } of substitutions(options)) {
    const occurrences = rendered.split(from).length - 1;
    if (occurrences === 0 && allowMissing) continue;
    if (occurrences !== 1) {
      throw new Error(`squid.conf: expected exactly one ${JSON.stringify(from)}, found ${occurrences}`);
    }
    rendered = rendered.replace(from, to);
  }
  return rendered;
}

export function readShippedSquidConf(): string {
  return readFileSync(SHIPPED_SQUID_CONF, 'utf8');
}
