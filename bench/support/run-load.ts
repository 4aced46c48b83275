/**
 * Runs the load generator inside the lab's namespace for one scenario and measures, over the same window, the CPU
 * that Squid, its policy helpers and the origin used.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TSX_BIN } from '../../local/squid-lab/namespace';
import type { SquidLab } from '../../local/squid-lab/lab';
import { cpuMsByRole, difference, squidTaskRole } from './process-cpu';
import { MEASURING_LINE, type LoadPlan, type LoadResult } from './proxy-load-generator';

const GENERATOR = join(__dirname, 'proxy-load-generator.ts');

export interface MeasuredLoad extends LoadResult {
  /** CPU ms per measured request, by role: squid, helper (the policy helpers), origin, generator. */
  readonly cpuMsPerRequest: Readonly<Record<string, number>>;
}

function cpuNow(lab: SquidLab): Map<string, number> {
  const taskRoot = lab.squid.processGroup;
  const originRoot = lab.namespace.agentProcessGroup;
  const task = taskRoot === undefined ? new Map<string, number>() : cpuMsByRole(taskRoot, squidTaskRole);
  const origin = originRoot === undefined ? new Map<string, number>() : cpuMsByRole(originRoot, () => 'origin');
  return new Map([...task, ...origin]);
}

export async function runLoad(lab: SquidLab, name: string, plan: LoadPlan): Promise<MeasuredLoad> {
  const planPath = join(lab.workDir, `load-plan-${name}.json`);
  writeFileSync(planPath, JSON.stringify(plan));
  const generator = lab.namespace.spawn(TSX_BIN, [GENERATOR, planPath]);
  let output = '';
  let stderr = '';
  let before: Map<string, number> | undefined;
  let after: Map<string, number> | undefined;
  generator.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  generator.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    // Sampled as the generator's window opens and as its result arrives, i.e. as the window closes.
    if (before === undefined && output.includes(`${MEASURING_LINE}\n`)) before = cpuNow(lab);
    if (after === undefined && before !== undefined && output.trimEnd().endsWith('}')) after = cpuNow(lab);
  });
  const [code] = (await once(generator, 'exit')) as [number | null];
  const resultLine = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !before || !after) throw new Error(`load generator for ${name} failed (exit ${code}): ${stderr}${output}`);
  const result = JSON.parse(resultLine) as LoadResult;
  const perRequest = (ms: number) => (result.requests === 0 ? Number.NaN : ms / result.requests);
  const used = difference(after, before);
  used.set('generator', result.generatorCpuMs);
  return { ...result, cpuMsPerRequest: Object.fromEntries([...used].map(([role, ms]) => [role, perRequest(ms)])) };
}
