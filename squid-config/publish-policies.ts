/**
 * CLI: `npm run policy:publish -- --bucket NAME [--revision ID] [--dir SQUID_CONFIG_DIR] [--out FILE]`.
 * Checks the policy files (exit 1 on any problem, publishing nothing) and writes the bundle to the policy store
 * (`s3://NAME/policies/bundle.json`), where every Squid task picks it up within a minute; `--out` writes it to a
 * file instead. The pipeline runs it on every commit: no image build is needed for a policy change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { checkPolicyFiles, formatPolicyProblems } from './policy/check';
import { policyBundleSchema, type PolicyBundle } from './policy/documents';
import { readPolicyFiles } from './policy/repository';
import { BUNDLE_KEY, readObject, writeObject } from './policy/store';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      bucket: { type: 'string' },
      revision: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (values.bucket === undefined && values.out === undefined) {
    console.error('usage: publish-policies.ts --bucket NAME | --out FILE [--revision ID] [--dir SQUID_CONFIG_DIR]');
    return 2;
  }
  const check = checkPolicyFiles(readPolicyFiles(values.dir ?? join(__dirname)));
  if (check.problems.length > 0 || check.bundle === undefined) {
    console.error(formatPolicyProblems(check.problems));
    console.error(`${check.problems.length} problem(s): nothing published`);
    return 1;
  }
  const revision = values.revision ?? process.env.CODEBUILD_RESOLVED_SOURCE_VERSION ?? 'local';
  const bundle: PolicyBundle = policyBundleSchema.parse({ ...check.bundle, source: { revision, generatedAt: new Date().toISOString() } });
  const text = `${JSON.stringify(bundle, null, 1)}\n`;
  if (values.out !== undefined) {
    writeFileSync(values.out, text);
    console.log(`wrote ${values.out} (${text.length} bytes)`);
    return 0;
  }
  const bucket = values.bucket as string;
  const s3 = new S3Client({});
  try {
    const current = await readObject(s3, bucket, BUNDLE_KEY);
    if (current.kind === 'found' && sameContent(current.text, bundle)) {
      console.log(`s3://${bucket}/${BUNDLE_KEY} already holds these policies (${current.etag}): nothing to publish`);
      return 0;
    }
    const written = await writeObject(s3, bucket, BUNDLE_KEY, text, current.kind === 'found' ? { ifMatch: current.etag } : { ifAbsent: true });
    if (written.kind === 'conflict') {
      console.error(`s3://${bucket}/${BUNDLE_KEY} changed while publishing (another pipeline run?): run again`);
      return 1;
    }
    console.log(`published s3://${bucket}/${BUNDLE_KEY} ${written.etag} (revision ${revision})`);
    return 0;
  } finally {
    s3.destroy();
  }
}

/** Equal apart from where and when it was built: republishing an unchanged policy would make every task reload. */
function sameContent(publishedText: string, bundle: PolicyBundle): boolean {
  try {
    const published = JSON.parse(publishedText) as Partial<PolicyBundle>;
    const strip = (b: Partial<PolicyBundle>) => JSON.stringify({ ...b, source: undefined });
    return strip(published) === strip(bundle);
  } catch {
    return false;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`policy publish failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exitCode = 1;
  },
);
