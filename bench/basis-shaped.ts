/**
 * Benchmark "basis-shaped": the 20-component liver basis with real RF pulses (issue 15): PRESS TE 30 (15 + 15)
 * ms, 127.76 MHz, 2000 Hz, 1024 points, Hann-windowed sinc 90 (2.6 ms) and 180s (5.2 ms), 20 mm slices (60 mm field of view) on a
 * 64-point grid per direction (1-D projection), 16 coupling steps per pulse. One warm-up on a 4-point grid,
 * then the median of 3 runs with the line-list cache off. Floor (issue 15): <= 60 s on this 2-core machine.
 */
import { loadavg } from 'node:os';
import { DEFAULT_PROTOCOL, LIVER_COMPONENTS, simulateBasis } from '../src/physics/index.js';
import { defaultPulseSet } from '../src/physics/pulses/index.js';

const FLOOR_SECONDS = 60;
const round = (s: number) => Math.round(s * 1000) / 1000;

export async function run(): Promise<Record<string, unknown>> {
  const grid = 64;
  simulateBasis(DEFAULT_PROTOCOL, LIVER_COMPONENTS, { cache: false, pulses: defaultPulseSet(4) });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    simulateBasis(DEFAULT_PROTOCOL, LIVER_COMPONENTS, { cache: false, pulses: defaultPulseSet(grid) });
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const perComponent: Record<string, number> = {};
  for (const name of LIVER_COMPONENTS) {
    const t0 = performance.now();
    simulateBasis(DEFAULT_PROTOCOL, [name], { cache: false, pulses: defaultPulseSet(grid) });
    perComponent[name] = round((performance.now() - t0) / 1000);
  }
  const seconds = times[1];
  return {
    method:
      'warm process, median of 3 runs after a 4-point-grid warm-up, line-list cache off, one thread; seconds include rendering FIDs',
    loadAverage1min: Math.round(loadavg()[0] * 100) / 100,
    protocol: 'PRESS TE 30 (15 + 15) ms, 127.76 MHz, 2000 Hz, 1024 points',
    pulses:
      'Hann-windowed sinc TBW 6: 90 of 2.6 ms, 180 of 5.2 ms (256 samples each); 20 mm slices, FOV 60 mm (3 thicknesses)',
    gridPerDirection: grid,
    couplingStepsPerPulse: 16,
    components: LIVER_COMPONENTS.length,
    seconds: round(seconds),
    runsSeconds: times.map(round),
    perComponentSeconds: perComponent,
    floorSeconds: FLOOR_SECONDS,
    withinFloor: seconds <= FLOOR_SECONDS,
  };
}
