import { readFileSync } from 'node:fs';

/**
 * Busy CPU-seconds of the whole machine so far (Linux /proc/stat; null elsewhere): benchmarks on the shared
 * machine record how many cores other processes kept busy while they measured.
 */
export function machineBusySeconds(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100;
  } catch {
    return null;
  }
}
