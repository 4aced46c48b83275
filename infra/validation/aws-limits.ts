/* Value sets that AWS APIs accept, checked at synth time instead of failing mid-deploy. */

/**
 * Fargate accepts only these CPU units and, for each, memory in a fixed range and step (MiB).
 * Checking here turns a deploy-time "No Fargate configuration exists" into a synth-time message.
 */
const MEMORY_BY_CPU: Readonly<Record<number, { min: number; max: number; step: number; extra?: readonly number[] }>> = {
  256: { min: 1024, max: 2048, step: 1024, extra: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export const FARGATE_CPU_UNITS: readonly number[] = Object.keys(MEMORY_BY_CPU).map(Number);

export function isValidFargateMemory(cpu: number, memoryMiB: number): boolean {
  const range = MEMORY_BY_CPU[cpu];
  if (!range) return false;
  if (range.extra?.includes(memoryMiB)) return true;
  return memoryMiB >= range.min && memoryMiB <= range.max && (memoryMiB - range.min) % range.step === 0;
}

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
