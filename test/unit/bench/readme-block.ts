/**
 * What the README-table tests compare: the README as committed, and the README with one table block written anew
 * from its results file by the renderer `npm run bench:readme` uses. They differ when a results file changed without
 * `npm run bench:readme`, or the README's table was edited by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withBlock } from '../../../bench/support/readme-table';

const ROOT = join(__dirname, '../../..');

export function readmeAndRendered<T>(
  markers: { readonly start: string; readonly end: string },
  resultsFile: string,
  render: (result: T) => string,
): { readme: string; rendered: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const measured = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', resultsFile), 'utf8')) as T;
  return { readme, rendered: withBlock(readme, markers, render(measured)) };
}
