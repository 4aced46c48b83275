/**
 * `npm run bench:readme`: writes the README's benchmark tables from bench/results: the rollout table from
 * rollout*.json (bench/support/readme-table.ts) and the Squid profile from proxy.json (bench/support/readme-proxy-table.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROXY_MARKERS, renderProxyTable, type ProxyResult } from './support/readme-proxy-table';
import { readResultsFiles, renderRolloutTable, withBlock, withTable } from './support/readme-table';

const root = join(__dirname, '..');
const readmePath = join(root, 'README.md');
const files = readResultsFiles(join(root, 'bench', 'results'));
const proxy = JSON.parse(readFileSync(join(root, 'bench', 'results', 'proxy.json'), 'utf8')) as ProxyResult;
const readme = withBlock(withTable(readFileSync(readmePath, 'utf8'), renderRolloutTable(files)), PROXY_MARKERS, renderProxyTable(proxy));
writeFileSync(readmePath, readme);
console.log(`README.md: the rollout table now shows ${files.map((f) => f.file).join(', ')}; the Squid profile shows proxy.json`);
