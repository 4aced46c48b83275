/** Figures over all seeds of a run: what was injected, what was checked, what held. */
import type { SeedResult } from './run-seed';

export class ChaosTally {
  private readonly seeds: SeedResult[] = [];

  add(result: SeedResult): void {
    this.seeds.push(result);
  }

  report(): string {
    if (this.seeds.length === 0) return 'chaos: no seed ran';
    const faults = new Map<string, number>();
    for (const seed of this.seeds) for (const [kind, count] of Object.entries(seed.faults)) faults.set(kind, (faults.get(kind) ?? 0) + count);
    const checks = this.seeds.flatMap((s) => s.checks);
    const held = checks.filter((c) => c.held).length;
    const runs = this.seeds.map((s) => s.reconcileRuns);
    const lines = [
      `chaos: ${this.seeds.length} seed(s) [${this.seeds.map((s) => s.seed).join(', ')}], ` +
        `${this.seeds.reduce((a, s) => a + s.accounts, 0)} accounts, ${this.seeds.reduce((a, s) => a + s.vpcs, 0)} VPCs`,
      `  faults injected: ${[...faults].map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
      `  left for the reconciler: ${this.seeds.reduce((a, s) => a + s.pendingBeforeReconcile, 0)} connection(s) pendingAcceptance, ` +
        `${this.seeds.reduce((a, s) => a + s.reconcileRepairs, 0)} repair action(s) applied`,
      `  reconciler: converged in ${this.seeds.filter((s) => s.converged).length}/${this.seeds.length} seeds; applying runs per seed max ${Math.max(...runs)}, ` +
        `mean ${(runs.reduce((a, b) => a + b, 0) / runs.length).toFixed(2)}; runs that met faults ${this.seeds.reduce((a, s) => a + s.reconcileFailures, 0)}`,
      `  invariant checks: ${checks.length} made, ${held} held, ${checks.length - held} failed`,
      ...checks.filter((c) => !c.held).map((c) => `    FAILED ${c.name}${c.detail ? `: ${c.detail}` : ''}`),
    ];
    return lines.join('\n');
  }
}
