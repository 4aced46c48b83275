/**
 * `npm run bench:readme`: writes the README's benchmark tables from bench/results: the rollout table from
 * rollout*.json (bench/support/readme-table.ts), the Squid profile from proxy.json (bench/support/readme-proxy-table.ts)
 * and the fairness table from fairness.json (bench/support/readme-fairness-table.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAIRNESS_MARKERS, renderFairnessTable, type FairnessResult } from './support/readme-fairness-table';
import { PROXY_MARKERS, renderProxyTable, type ProxyResult } from './support/readme-proxy-table';
import { readResultsFiles, renderRolloutTable, withBlock, withTable } from './support/readme-table';

const root = join(__dirname, '..');
const readmePath = join(root, 'README.md');
const files = readResultsFiles(join(root, 'bench', 'results'));
const proxy = JSON.parse(readFileSync(join(root, 'bench', 'results', 'proxy.json'), 'utf8')) as ProxyResult;
const fairness = JSON.parse(readFileSync(join(root, 'bench', 'results', 'fairness.json'), 'utf8')) as FairnessResult;
const withTables = withBlock(withTable(readFileSync(readmePath, 'utf8'), renderRolloutTable(files)), PROXY_MARKERS, renderProxyTable(proxy));
writeFileSync(readmePath, withBlock(withTables, FAIRNESS_MARKERS, renderFairnessTable(fairness)));
console.log(`README.md: the rollout table now shows ${files.map((f) => f.file).join(', ')}; the Squid profile shows proxy.json; fairness shows fairness.json`);
