/**
 * The local cloud in its own process (as `npm run local --no-control-plane` serves it), so the emulator and the
 * control plane under test each get a core of the machine; plus the few admin endpoints a benchmark reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CloudProcess {
  readonly url: string;
  stop(): void;
}

export function startCloudProcess(timeScale: number): Promise<CloudProcess> {
  const args = ['--import', 'tsx', 'local/serve.ts', '--port', '0', '--no-control-plane', '--quiet', '--time-scale', String(timeScale)];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve({ url: match[1], stop: () => child.kill('SIGTERM') });
      }
    });
    child.once('exit', (code) => reject(new Error(`local cloud exited with ${code} before listening: ${output}`)));
  });
}

export async function adminPost(url: string, path: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

export async function adminGet<T>(url: string, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export interface CloudMetrics {
  totals: { calls: number; throttled: number; faults: number; errors: number };
  calls: Record<string, number>;
  throttled: Record<string, number>;
  errors: Record<string, number>;
  process: { cpuMs: number; rssMb: number };
}

interface StateRegion {
  accountId: string;
  services: { serviceId: string; connections: { state: string }[] }[];
}

/** Connections of the hub service by state, read from the emulator's state (costs no API tokens). */
export async function connectionStates(url: string, serviceId: string): Promise<Map<string, number>> {
  const state = await adminGet<{ ec2: { regions: StateRegion[] } }>(url, '/_local/state');
  const counts = new Map<string, number>();
  for (const region of state.ec2.regions) {
    for (const service of region.services) {
      if (service.serviceId !== serviceId) continue;
      for (const c of service.connections) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
    }
  }
  return counts;
}

/** Difference of two counter maps (calls made between two metric reads). */
export function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}
