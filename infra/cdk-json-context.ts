import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The context defaults from cdk.json, for building the app outside the CDK CLI (tests, summaries).
 * The CLI merges these itself.
 */
export function readCdkJsonContext(cdkJsonPath = join(__dirname, '..', 'cdk.json')): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(cdkJsonPath, 'utf8')) as { context?: Record<string, unknown> };
  return { ...parsed.context };
}
