/**
 * Fit speed, one core, warm process (fitter prepared once per geometry, as in batch mode):
 * - liver default: 1024 points, 2000 Hz, 127.76 MHz, 20 components (spin-physics liver basis), window 0.5–5.7 ppm
 *   with residual water, spline baseline; 60 synthetic spectra at SNR 50;
 * - ISMRM 2016 challenge: 2048 points, 4000 Hz, 21-component LCModel basis, datasets 1–28.
 * Reports median and 90th percentile of wall time and of process CPU time per spectrum (CPU time is what the
 * fit costs when the machine is shared).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/random.js';
import { Fitter } from '../src/fit/fit.js';
import { LIVER_FIT_OPTIONS, liverBasis } from '../src/fit/liver.js';
import { peakHeight, synthesizeFid } from '../src/fit/synthesize.js';
import { readLcmBasis } from '../src/io/lcmodel/basis.js';
import { readLcmRaw } from '../src/io/lcmodel/raw.js';
import { STUDY_SPEC } from './fit-crlb-study.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const challenge = join(root, 'test', 'extdata', 'ismrm2016_fitting_challenge');

function stats(ms: number[]): { median: number; p90: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: Number(q(0.5).toFixed(2)), p90: Number(q(0.9).toFixed(2)), n: s.length };
}

function time<T>(
  items: T[],
  fitOne: (x: T) => void,
  warm = 3,
): { wallMs: ReturnType<typeof stats>; cpuMs: ReturnType<typeof stats> } {
  for (let i = 0; i < warm; i++) fitOne(items[i % items.length]);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const x of items) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fitOne(x);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wallMs: stats(wall), cpuMs: stats(cpu) };
}

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const basis = liverBasis();
  const spec = { ...STUDY_SPEC, noiseSd: peakHeight(basis, STUDY_SPEC) / 50 };
  const liverFids = Array.from({ length: 60 }, (_, i) => synthesizeFid(basis, spec, Rng.stream(7, i)));
  const tPrep = performance.now();
  const liverFitter = new Fitter(basis, liverFids[0], LIVER_FIT_OPTIONS);
  const liverPrepMs = performance.now() - tPrep;
  const liver = time(liverFids, (f) => liverFitter.fit(f));

  const header = { dwellTime: 1 / 4000, spectrometerFrequency: 123.2 };
  const bfile = join(challenge, 'basisset_LCModel', 'press3T_30ms.BASIS');
  const cbasis = readLcmBasis(readFileSync(bfile, 'utf8'), bfile);
  const cfids = Array.from({ length: 28 }, (_, i) => {
    const f = join(challenge, 'datasets_LCModel', `dataset${i + 1}.RAW`);
    return readLcmRaw(readFileSync(f, 'utf8'), f, header);
  });
  const tPrep2 = performance.now();
  const cFitter = new Fitter(cbasis, cfids[0], {});
  const challengePrepMs = performance.now() - tPrep2;
  const ch = time(cfids, (f) => cFitter.fit(f));
  return {
    // 1-minute load average before and after: the machine is shared, wall times are inflated under load.
    loadAverage: [Number(load0.toFixed(2)), Number(loadavg()[0].toFixed(2))],
    liverDefault: {
      points: 1024,
      components: basis.names.length,
      spectra: liverFids.length,
      ...liver,
      prepareMs: Number(liverPrepMs.toFixed(1)),
      floorMedianMs: 50,
    },
    ismrm2016: {
      points: 2048,
      components: cbasis.names.length,
      spectra: cfids.length,
      ...ch,
      prepareMs: Number(challengePrepMs.toFixed(1)),
      reference:
        'LCModel 5.5-53 s, FSL-MRS median 3.5 s (1.8-45 s), spant ABfit 5.4-7.9 s per spectrum (test/reference/ismrm2016)',
    },
  };
}
