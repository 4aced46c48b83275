/**
 * CPU time used so far by a process and its descendants, by role (Squid, its policy helpers, ...), read from
 * /proc. CPU per request does not depend on how busy the machine is, unlike requests per second, so it shows what
 * a scenario costs even while other jobs load the machine.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Names what a process is from its command line, or undefined to leave it out. */
export type RoleOf = (argv: readonly string[]) => string | undefined;

interface ProcessStat {
  readonly pid: number;
  readonly parent: number;
  readonly cpuMs: number;
}

function readStat(pid: string): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces: state, ppid, ..., utime (12th), stime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), parent: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined; // the process ended while we looked
  }
}

/**
 * Milliseconds of CPU (user + system) per role, summed over `root` and its live descendants. By descent, not by
 * process group: Squid starts its helpers in sessions of their own.
 */
export function cpuMsByRole(root: number, roleOf: RoleOf): Map<string, number> {
  const stats = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => readStat(pid) ?? []);
  const children = new Map<number, ProcessStat[]>();
  for (const stat of stats) children.set(stat.parent, [...(children.get(stat.parent) ?? []), stat]);
  const totals = new Map<string, number>();
  const visit = (stat: ProcessStat): void => {
    let argv: string[] = [];
    try {
      argv = readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      // ended meanwhile: its descendants still count
    }
    const role = roleOf(argv);
    if (role !== undefined) totals.set(role, (totals.get(role) ?? 0) + stat.cpuMs);
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const rootStat = stats.find((stat) => stat.pid === root);
  if (rootStat) visit(rootStat);
  return totals;
}

/** Roles in a Squid task: Squid itself, the policy helpers; the rest (agent, entrypoint, log relay) apart. */
export const squidTaskRole: RoleOf = (argv) => {
  if (argv.some((arg) => arg.endsWith('policy-helper.js'))) return 'helper';
  if (argv[0] !== undefined && basename(argv[0]) === 'squid') return 'squid';
  return 'other';
};

export function difference(after: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...after].map(([role, ms]) => [role, ms - (before.get(role) ?? 0)]));
}
