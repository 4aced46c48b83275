/**
 * Reads the policy files from a squid-config directory: `allowlist.txt` (the baseline), `policies/<name>.txt`
 * (named policies) and `policy-defaults.txt` (defaults per account and OU, optional).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { PolicyFile, PolicyFiles } from './check';

export const BASELINE_FILE = 'allowlist.txt';
export const POLICIES_DIR = 'policies';
export const DEFAULTS_FILE = 'policy-defaults.txt';
const POLICY_SUFFIX = '.txt';

/** `displayRoot` makes file names in messages relative (e.g. to the repository root). */
export function readPolicyFiles(configDir: string, displayRoot = process.cwd()): PolicyFiles {
  const read = (path: string): PolicyFile => ({ file: relative(displayRoot, path) || path, text: readFileSync(path, 'utf8') });
  const policiesDir = join(configDir, POLICIES_DIR);
  const policyFiles = existsSync(policiesDir)
    ? readdirSync(policiesDir).filter((name) => name.endsWith(POLICY_SUFFIX)).sort()
    : [];
  const defaultsPath = join(configDir, DEFAULTS_FILE);
  return {
    baseline: read(join(configDir, BASELINE_FILE)),
    policies: new Map(policyFiles.map((name) => [basename(name, POLICY_SUFFIX), read(join(policiesDir, name))])),
    defaults: existsSync(defaultsPath) ? read(defaultsPath) : undefined,
  };
}
