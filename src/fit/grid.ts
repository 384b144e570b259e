import { InputError } from '../core/errors.js';
import { binFrequencyHz, type Fid } from '../core/fid.js';
import type { SpectralGrid } from '../core/grid.js';

/**
 * The geometry shared by the data, the model and the baseline: FID length and zero-filled FFT length, the
 * window bins (in the fftshifted, ppm-descending order of the internal convention), and how complex window
 * values become the real rows the least-squares problem works on: interleaved (re, im) per bin, or the real
 * part only (for data that exist only as a phased real spectrum, e.g. an LCModel .COORD file).
 */
export interface FitGrid extends SpectralGrid {
  fftSize: number;
  /** First window bin (fftshifted index) and number of bins. */
  binStart: number;
  bins: number;
  /** Index into the unshifted fft output for each window bin. */
  fftIndex: Int32Array;
  /** Chemical shift of each window bin (ppm, descending). */
  ppm: Float64Array;
  /** Time of each FID sample (s). */
  time: Float64Array;
  complexRows: boolean;
  rows: number;
  /** Window limits as requested (ppm). */
  ppmRange: [number, number];
}

export interface GridOptions {
  ppmRange: [number, number];
  zeroFill?: number;
  complexRows?: boolean;
}

export function makeGrid(
  h: Pick<Fid, 'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference'>,
  opts: GridOptions,
  file?: string,
): FitGrid {
  const zf = opts.zeroFill ?? 1;
  if (!Number.isInteger(zf) || zf < 1 || zf > 16) {
    throw new InputError(`zero-fill factor ${zf}`, { file, field: 'zeroFill', expected: 'an integer 1..16' });
  }
  const nf = h.points * zf;
  const [lo, hi] = [Math.min(...opts.ppmRange), Math.max(...opts.ppmRange)];
  const half = Math.floor(nf / 2);
  let start = -1;
  let end = -1;
  for (let k = 0; k < nf; k++) {
    const ppm = h.ppmReference - binFrequencyHz(k, nf, h.dwellTime) / h.spectrometerFrequency;
    if (ppm <= hi && ppm >= lo) {
      if (start < 0) start = k;
      end = k;
    }
  }
  const bins = start < 0 ? 0 : end - start + 1;
  if (bins < 8) {
    const sw = 1 / h.dwellTime / h.spectrometerFrequency;
    throw new InputError(`fit window ${lo}..${hi} ppm holds ${bins} spectral points`, {
      file,
      field: 'ppm window',
      expected: `a window of at least 8 points inside the spectral range ${(h.ppmReference - sw / 2).toFixed(2)}..${(h.ppmReference + sw / 2).toFixed(2)} ppm`,
    });
  }
  const fftIndex = new Int32Array(bins);
  const ppm = new Float64Array(bins);
  for (let j = 0; j < bins; j++) {
    const k = start + j;
    fftIndex[j] = (k - half + nf) % nf;
    ppm[j] = h.ppmReference - binFrequencyHz(k, nf, h.dwellTime) / h.spectrometerFrequency;
  }
  const time = new Float64Array(h.points);
  for (let n = 0; n < h.points; n++) time[n] = n * h.dwellTime;
  const complexRows = opts.complexRows ?? true;
  return {
    points: h.points,
    fftSize: nf,
    dwellTime: h.dwellTime,
    spectrometerFrequency: h.spectrometerFrequency,
    ppmReference: h.ppmReference,
    binStart: start,
    bins,
    fftIndex,
    ppm,
    time,
    complexRows,
    rows: complexRows ? 2 * bins : bins,
    ppmRange: [lo, hi],
  };
}

/** Writes complex window values (interleaved, 2·bins) as rows at out[offset..]. */
export function emitRows(grid: FitGrid, win: Float64Array, out: Float64Array, offset: number): void {
  if (grid.complexRows) {
    for (let i = 0; i < 2 * grid.bins; i++) out[offset + i] = win[i];
  } else {
    for (let j = 0; j < grid.bins; j++) out[offset + j] = win[2 * j];
  }
}

/** Gathers the window bins of an unshifted fft output (interleaved) into `win` (2·bins). */
export function gatherWindow(grid: FitGrid, spectrum: Float64Array, win: Float64Array): void {
  const idx = grid.fftIndex;
  for (let j = 0; j < grid.bins; j++) {
    const k = idx[j];
    win[2 * j] = spectrum[2 * k];
    win[2 * j + 1] = spectrum[2 * k + 1];
  }
}

/** Hz offset (FID convention, see core/fid.ts) of a chemical shift. */
export function ppmToFidHz(
  grid: Pick<FitGrid, 'ppmReference' | 'spectrometerFrequency'>,
  ppm: number,
): number {
  return (grid.ppmReference - ppm) * grid.spectrometerFrequency;
}
