import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BasisSet } from '../../src/core/basis.js';
import { ppmAxis } from '../../src/core/fid.js';
import { fft, fftshift } from '../../src/spectra/fft.js';
import { type Cohort, parseCohort } from '../../src/simulate/cohort-schema.js';
import type { ParameterLayout } from '../../src/simulate/parameters.js';
import type { ModelSettings } from '../../src/simulate/signal-model.js';

export const COHORTS = join(import.meta.dirname, '..', '..', 'data', 'cohorts');

export function builtinCohort(name: string): Cohort {
  const file = join(COHORTS, `${name}.yaml`);
  return parseCohort(readFileSync(file, 'utf8'), file);
}

/**
 * The signal model written the slow, obvious way (exp and cos per point, the project's generic FFT): the
 * independent reference the fast recurrences are checked against. Noise-free; returns fftshift order.
 */
export function referenceSpectrum(
  basis: BasisSet,
  layout: ParameterLayout,
  row: Float64Array,
  settings: ModelSettings,
): Float64Array {
  const n = basis.points;
  const dt = basis.dwellTime;
  const mhz = basis.spectrometerFrequency;
  const v = (c: string) => row[layout.indexOf(c)];
  const deg = Math.PI / 180;
  const phi0 = v('phi0_deg') * deg;
  const fid = new Float64Array(2 * n);
  const wB = settings.baseline.fwhmPpm * mhz;
  for (let i = 0; i < n; i++) {
    const t = i * dt;
    let sr = 0;
    let si = 0;
    layout.components.forEach((c, k) => {
      const e = v(c) * Math.exp(-Math.PI * v(`lw_${c}`) * t);
      sr += e * basis.fids[k][2 * i];
      si += e * basis.fids[k][2 * i + 1];
    });
    const g = Math.exp(-((Math.PI * v('gauss_hz') * t) ** 2) / (4 * Math.LN2));
    const ang = phi0 - 2 * Math.PI * v('shift_hz') * t;
    let re = g * (sr * Math.cos(ang) - si * Math.sin(ang));
    let im = g * (sr * Math.sin(ang) + si * Math.cos(ang));
    settings.baseline.knotsPpm.forEach((ppm, j) => {
      const f = (basis.ppmReference - ppm) * mhz;
      const e = v(`baseline_${j + 1}`) * Math.exp(-((Math.PI * wB * t) ** 2) / (4 * Math.LN2));
      re += e * Math.cos(phi0 + 2 * Math.PI * f * t);
      im += e * Math.sin(phi0 + 2 * Math.PI * f * t);
    });
    const fw = (basis.ppmReference - settings.waterPpm) * mhz - v('water_offset_hz');
    const ew = v('water_amp') * Math.exp(-Math.PI * v('water_lw_hz') * t);
    const aw = v('water_phase_deg') * deg + 2 * Math.PI * fw * t;
    re += ew * Math.cos(aw);
    im += ew * Math.sin(aw);
    fid[2 * i] = re;
    fid[2 * i + 1] = im;
  }
  const spec = fftshift(fft(fid));
  const ppm = ppmAxis({ ...basis });
  const phi1 = v('phi1_deg_per_ppm') * deg;
  for (let k = 0; k < n; k++) {
    const a = phi1 * (ppm[k] - basis.ppmReference);
    const re = spec[2 * k];
    const im = spec[2 * k + 1];
    spec[2 * k] = re * Math.cos(a) - im * Math.sin(a);
    spec[2 * k + 1] = re * Math.sin(a) + im * Math.cos(a);
  }
  return spec;
}

/** Kolmogorov–Smirnov statistic D and its asymptotic p-value (Stephens' small-sample correction). */
export function ksTest(samples: ArrayLike<number>, cdf: (x: number) => number): { d: number; p: number } {
  const x = Float64Array.from(samples).sort();
  const n = x.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(x[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  const sq = Math.sqrt(n);
  const lambda = (sq + 0.12 + 0.11 / sq) * d;
  let p = 0;
  for (let k = 1; k < 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { d, p: Math.min(1, Math.max(0, p)) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Each re-synthesised float64 FID equals the stored float32 one to float precision (2^-24 of its largest sample). */
export function expectFloatPrecision(fids: Float64Array[], stored: ArrayLike<number>): void {
  fids.forEach((fid, i) => {
    let err = 0;
    for (let k = 0; k < fid.length; k++) err = Math.max(err, Math.abs(fid[k] - stored[i * fid.length + k]));
    if (!(err / maxAbs(fid) < 1.2e-7))
      throw new Error(`spectrum ${i}: relative difference ${err / maxAbs(fid)}`);
  });
}
