import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { ppmAxis } from '../core/fid.js';
import { dimSize, fidCount, fidView, type MrsData, toFid } from '../core/mrs-data.js';
import { alignTransients } from '../preproc/align.js';
import { type AverageReport, averageTransients } from '../preproc/average.js';
import { combineCoils } from '../preproc/combine.js';
import { fidToSpectrum } from '../spectra/fft.js';
import type { Preprocessing } from '../networks/contract.js';

/**
 * From a file's data to what the networks and the spectrum display need. Pure functions on arrays, used by the
 * browser app and meant to be shared with training (the qCNN/cCNN datasets must be preprocessed the same way).
 */

export interface CombinedFid {
  fid: Fid;
  /** How many FIDs of the voxel went into it. */
  averaged: number;
  notes: string[];
}

/**
 * One FID per file for single-voxel data, with the project's preprocessing steps (src/preproc): coil
 * combination (SNR-optimal weights, Roemer 1990) when the file has a coil dimension, frequency/phase alignment
 * and averaging with outlier rejection along DIM_DYN, then a plain mean over any other dimension. MRSI files
 * use the first voxel (noted).
 */
export function combineFids(mrs: MrsData): CombinedFid {
  const notes: string[] = [];
  const voxels = mrs.spatial[0] * mrs.spatial[1] * mrs.spatial[2];
  if (voxels > 1) notes.push(`MRSI data (${mrs.spatial.join('×')} voxels): the first voxel is used`);
  const total = fidCount(mrs) / voxels;
  let data = mrs;
  const coils = dimSize(mrs, 'DIM_COIL');
  if (coils > 1) {
    data = combineCoils(data);
    notes.push(`${coils} coil channels combined (SNR-optimal weights)`);
  }
  const dyn = dimSize(data, 'DIM_DYN');
  if (dyn > 1) {
    const report: AverageReport = { rejected: [] };
    data = averageTransients(alignTransients(data), { reject: true }, report);
    const rejected = report.rejected.reduce((a, r) => a + r.length, 0);
    notes.push(`${dyn} transients aligned and averaged${rejected ? ` (${rejected} outliers rejected)` : ''}`);
  }
  const perVoxel = fidCount(data) / voxels;
  const fid = toFid(data, 0);
  if (perVoxel > 1) {
    const sum = new Float64Array(2 * data.points);
    for (let j = 0; j < perVoxel; j++) {
      const v = fidView(data, j * voxels);
      for (let i = 0; i < sum.length; i++) sum[i] += v[i];
    }
    for (let i = 0; i < sum.length; i++) sum[i] /= perVoxel;
    fid.data = sum;
    notes.push(`${perVoxel} FIDs averaged (${data.dims.map((d) => `${d.tag} ${d.size}`).join(', ')})`);
  }
  return { fid, averaged: total, notes };
}

/** Spectrum (fftshift(fft), interleaved complex) and its descending ppm axis, after optional line broadening. */
export function spectrumOf(fid: Fid, lineBroadeningHz = 0): { ppm: Float64Array; spectrum: Float64Array } {
  let data = fid.data;
  if (lineBroadeningHz > 0) {
    data = Float64Array.from(fid.data);
    for (let n = 0; n < fid.points; n++) {
      const w = Math.exp(-Math.PI * lineBroadeningHz * n * fid.dwellTime);
      data[2 * n] *= w;
      data[2 * n + 1] *= w;
    }
  }
  return { ppm: ppmAxis(fid), spectrum: fidToSpectrum(data) };
}

/**
 * Linear interpolation of a complex spectrum (on a monotonic ppm axis, either direction) at the given ppm
 * values; points outside the axis are an error (the window must lie inside the spectral width).
 */
export function interpolateSpectrum(
  ppm: ArrayLike<number>,
  spectrum: ArrayLike<number>,
  at: ArrayLike<number>,
): Float64Array {
  const n = ppm.length;
  const descending = ppm[0] > ppm[n - 1];
  const out = new Float64Array(2 * at.length);
  for (let j = 0; j < at.length; j++) {
    const x = at[j];
    // Binary search for the interval [k, k+1] containing x.
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (descending ? ppm[mid] >= x : ppm[mid] <= x) lo = mid;
      else hi = mid;
    }
    const t = (x - ppm[lo]) / (ppm[hi] - ppm[lo]);
    out[2 * j] = spectrum[2 * lo] + t * (spectrum[2 * hi] - spectrum[2 * lo]);
    out[2 * j + 1] = spectrum[2 * lo + 1] + t * (spectrum[2 * hi + 1] - spectrum[2 * lo + 1]);
  }
  return out;
}

/** The uniform ppm grid of a preprocessing window, from hi down to lo. */
export function windowGrid(prep: Pick<Preprocessing, 'ppmRange' | 'points'>): Float64Array {
  const [lo, hi] = prep.ppmRange;
  return Float64Array.from({ length: prep.points }, (_, j) => hi - ((hi - lo) * j) / (prep.points - 1));
}

export interface NetworkInput {
  /** Channels-first float32 data of one spectrum: [channels, points]. */
  data: Float32Array;
  dims: [number, number];
  /** The factor the window was divided by (1 for 'none'). */
  normalisation: number;
}

/**
 * A spectrum as the network input described by `prep` (see networks/contract.ts): the same numbers as the CLI's
 * study/network-input.ts (which crops the bins exactly on the model grid, where this interpolation lands on them).
 */
export function networkInput(fid: Fid, prep: Preprocessing, source = '<spectrum>'): NetworkInput {
  const { ppm, spectrum } = spectrumOf(fid, prep.lineBroadeningHz ?? 0);
  const lo = Math.min(ppm[0], ppm[ppm.length - 1]);
  const hi = Math.max(ppm[0], ppm[ppm.length - 1]);
  if (prep.ppmRange[0] < lo || prep.ppmRange[1] > hi) {
    throw new InputError(
      `spectral range ${lo.toFixed(2)}–${hi.toFixed(2)} ppm does not cover the model window ${prep.ppmRange[0]}–${prep.ppmRange[1]} ppm`,
      { file: source, expected: 'a spectral width covering the model window' },
    );
  }
  const win = interpolateSpectrum(ppm, spectrum, windowGrid(prep));
  if (prep.dwellTime !== undefined && fid.dwellTime !== prep.dwellTime) {
    const scale = fid.dwellTime / prep.dwellTime;
    for (let i = 0; i < win.length; i++) win[i] *= scale;
  }
  let norm = 1;
  if (prep.normalisation === 'max-magnitude') {
    norm = 0;
    for (let j = 0; j < prep.points; j++) norm = Math.max(norm, Math.hypot(win[2 * j], win[2 * j + 1]));
  } else if (prep.normalisation === 'l2') {
    let s = 0;
    for (let i = 0; i < win.length; i++) s += win[i] * win[i];
    norm = Math.sqrt(s);
  }
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new InputError('the spectrum is zero or not finite in the model window', { file: source });
  }
  const c = prep.channels.length;
  const data = new Float32Array(c * prep.points);
  prep.channels.forEach((ch, k) => {
    for (let j = 0; j < prep.points; j++) {
      const re = win[2 * j] / norm;
      const im = win[2 * j + 1] / norm;
      data[k * prep.points + j] = ch === 'real' ? re : ch === 'imag' ? im : Math.hypot(re, im);
    }
  });
  return { data, dims: [c, prep.points], normalisation: norm };
}

/**
 * Zero-order phase (radians) that maximises the integral of the real part over [lo, hi] ppm: the display's
 * automatic phasing (closed form: the phase of the complex integral).
 */
export function autoPhase0(
  ppm: ArrayLike<number>,
  spectrum: ArrayLike<number>,
  range: [number, number],
): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < ppm.length; i++) {
    if (ppm[i] < range[0] || ppm[i] > range[1]) continue;
    re += spectrum[2 * i];
    im += spectrum[2 * i + 1];
  }
  return -Math.atan2(im, re);
}
