/** `npm run bench:readme`: writes the README's rollout table from bench/results/rollout*.json (bench/support/readme-table.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResultsFiles, renderRolloutTable, withTable } from './support/readme-table';

const root = join(__dirname, '..');
const readmePath = join(root, 'README.md');
const files = readResultsFiles(join(root, 'bench', 'results'));
writeFileSync(readmePath, withTable(readFileSync(readmePath, 'utf8'), renderRolloutTable(files)));
console.log(`README.md: the rollout table now shows ${files.map((f) => f.file).join(', ')}`);
