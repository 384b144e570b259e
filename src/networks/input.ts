import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { decideWaterSuppression } from '../fit/water-fat/detect.js';
import { referenceWaterFat } from '../fit/water-fat/referencing.js';
import { type ReferenceDeconvolution, referenceDeconvolve } from '../preproc/reference-deconvolution.js';
import { cropBins, defaultPreprocess, type PreprocessConfig, preprocessFid } from '../simulate/preprocess.js';
import type { SimulationGrid } from '../simulate/signal-model.js';
import {
  type CanonicalCorrection,
  type CanonicalFrameSettings,
  canonicaliseSpectrum,
  DEFAULT_CANONICAL_FRAME,
} from '../spectra/canonical.js';
import { spectrumOf } from '../spectra/display.js';
import { fidToSpectrum, spectrumToFid } from '../spectra/fft.js';
import type { Preprocessing } from './contract.js';
import { guardSnr } from './guard.js';

/**
 * How a spectrum becomes the input of a qCNN or cCNN: one path for training, `quantify`/`classify`, the study
 * and the browser app.
 *
 * The contract's `preprocessing` (contract.ts, docs/web.md) says it: the complex spectrum at `points` ppm values
 * from the window's high end down to its low end (linear interpolation; scaled by dwell_data / `dwellTime`), divided
 * by its largest magnitude, as the channels listed. `networkInput` does exactly that for any file; the divisor g is
 * returned with the input (the qCNN predicts amplitude / g and multiplies back, so its output is in the units of
 * the data, like an NLLS amplitude).
 *
 * Training cannot interpolate millions of spectra, so a model made by livermrs carries an InputPipeline: the
 * simulation grid it was trained on and the crop of that grid's bins (`stream`, the simulator's PreprocessConfig
 * without normalisation, src/simulate/preprocess.ts) whose first and last bins are the contract's ppm range. On
 * that grid the interpolation lands exactly on the bins, so the crop and the interpolation give the same window:
 * the training stream crops, `networkInput` given the pipeline crops a file on the model grid and interpolates any
 * other, and every one of them is normalised by the same `normaliseInputs`.
 */

/** The liver window: includes the olefinic lipid at 5.3 ppm and the residual water. */
export const DEFAULT_WINDOW: [number, number] = [0.5, 5.7];

export interface InputPipeline {
  grid: SimulationGrid;
  stream: PreprocessConfig;
  /**
   * The contract's preprocessing; its `canonical` is the frame every spectrum is brought into before the window
   * (spectra/canonical.ts), in training and for every measured spectrum alike (absent in models made before it:
   * their spectra go in as they are).
   */
  model: Preprocessing;
}

export function inputPipeline(
  grid: SimulationGrid,
  ppmRange = DEFAULT_WINDOW,
  canonical: CanonicalFrameSettings | null = DEFAULT_CANONICAL_FRAME,
): InputPipeline {
  const stream: PreprocessConfig = {
    ...defaultPreprocess(grid),
    ppmRange: [ppmRange[0], ppmRange[1]],
    normalisation: { mode: 'none' },
  };
  const { first, length } = cropBins(stream);
  const ppmOf = (k: number) =>
    grid.ppmReference -
    (k - (grid.points >> 1)) / (grid.points * grid.dwellTime) / grid.spectrometerFrequency;
  const model: Preprocessing = {
    ppmRange: [ppmOf(first + length - 1), ppmOf(first)],
    points: length,
    channels: ['real', 'imag'],
    normalisation: 'max-magnitude',
    dwellTime: grid.dwellTime,
    ...(canonical ? { canonical: { ...canonical } } : {}),
  };
  return { grid: { ...grid }, stream, model };
}

/**
 * Divides each of `n` spectra in `x` ([n, 2, L]: real channel then imaginary channel) by its largest magnitude,
 * in place; returns the divisors. A spectrum that is zero in the window keeps divisor 1.
 */
export function normaliseInputs(x: Float32Array, n: number, length: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const re = i * 2 * length;
    const im = re + length;
    let m = 0;
    for (let j = 0; j < length; j++) {
      const h = x[re + j] * x[re + j] + x[im + j] * x[im + j];
      if (h > m) m = h;
    }
    const g = m > 0 && Number.isFinite(m) ? Math.sqrt(m) : 1;
    norms[i] = g;
    const inv = 1 / g;
    for (let j = 0; j < 2 * length; j++) x[re + j] *= inv;
  }
  return norms;
}

/** The model's acquisition protocol, checked against a measured spectrum before it is fed to a network. */
export interface ModelProtocol extends SimulationGrid {
  /** Echo time (s), when the model was trained for one. */
  echoTime?: number;
  sequence?: string;
}

/** A spectrum as a network input. */
export interface NetworkInput {
  /** [channels, points] channels-first, normalised (float32, as the network takes it). */
  input: Float32Array;
  dims: [number, number];
  /** The normalisation divisor g (1 for 'none'): for 'max-magnitude' the largest |S| in the window. */
  norm: number;
  /** What was done to fit the spectrum to the model (resampling, tolerated differences). */
  notes: string[];
  /** What the canonical frame step measured and removed (pipelines with one), null when no peak was found. */
  canonical?: CanonicalCorrection | null;
  /** SNR as the guard measures it (guard.ts guardSnr), with the canonical step. */
  snr?: number;
  /** The reference deconvolution applied with a water reference (preproc/reference-deconvolution.ts). */
  referenceDeconvolution?: ReferenceDeconvolution;
}

/** A water reference of the same voxel: its lineshape is removed from the spectrum before the network. */
export interface WaterReferenceInput {
  fid: Fid;
  source: string;
}

/**
 * Said of every spectrum a model with a canonical frame takes without the voxel's water reference. The frame step
 * removes shifts and phases, not the voxel's lineshape; on measured lineshapes the training never saw, the shipped
 * networks' lipid errors grew 3–6× (their SDs with them) against 1.3× with the reference (docs/robustness.md §3).
 */
export const NO_WATER_REFERENCE_NOTE =
  "no water reference: the voxel's lineshape stays in the spectrum; on lineshapes unlike the training's the lipid errors can be several times larger (the SDs widen with them), so give the voxel's water reference for lipids";

/** Field strengths within this relative difference count as the same (3 T: 123.2 and 127.76 MHz). */
export const FIELD_TOLERANCE = 0.05;
/** Echo times within this difference (s) count as the same. */
export const ECHO_TIME_TOLERANCE = 0.002;

/**
 * A measured FID as the input of a model trained by livermrs, after checking it against the model's protocol.
 * On the model's own grid this is exactly the training preprocessing; another grid (spectral width, points, a
 * field within 5%) is resampled (networkInput). Another field strength, echo time or sequence is refused: J-coupling
 * patterns and linewidths in ppm would differ from the training data. So is a spectrum whose header says it is
 * water-unsuppressed; a water-dominated one without that flag gets a note.
 */
export function prepareFid(
  fid: Fid,
  protocol: ModelProtocol,
  pipeline: InputPipeline,
  source = '<spectrum>',
  waterReference?: WaterReferenceInput,
): NetworkInput {
  const notes: string[] = [];
  const rel = Math.abs(fid.spectrometerFrequency / protocol.spectrometerFrequency - 1);
  if (rel > FIELD_TOLERANCE) {
    throw new InputError(`spectrometer frequency ${fid.spectrometerFrequency.toFixed(3)} MHz`, {
      file: source,
      field: 'spectrometerFrequency',
      expected: `the model's field: ${protocol.spectrometerFrequency} MHz within ${FIELD_TOLERANCE * 100}% (train a model for this protocol with livermrs train)`,
    });
  }
  if (
    fid.echoTime !== undefined &&
    protocol.echoTime !== undefined &&
    Math.abs(fid.echoTime - protocol.echoTime) > ECHO_TIME_TOLERANCE
  ) {
    throw new InputError(`echo time ${(fid.echoTime * 1000).toFixed(1)} ms`, {
      file: source,
      field: 'echoTime',
      expected: `the model's echo time ${(protocol.echoTime * 1000).toFixed(1)} ms (train a model for this protocol with livermrs train)`,
    });
  }
  const seq = fid.acquisition?.sequence;
  if (seq !== undefined && protocol.sequence !== undefined && seq !== protocol.sequence.toLowerCase()) {
    throw new InputError(`sequence ${seq.toUpperCase()}`, {
      file: source,
      field: 'sequence',
      expected: `the model's ${protocol.sequence.toUpperCase()} (train a model for this protocol with livermrs train)`,
    });
  }
  if (fid.echoTime === undefined && protocol.echoTime !== undefined) {
    notes.push(
      `the file does not state its echo time: assumed to be the model's ${(protocol.echoTime * 1000).toFixed(0)} ms`,
    );
  }
  if (rel > 1e-6) {
    notes.push(
      `spectrometer frequency ${fid.spectrometerFrequency.toFixed(3)} MHz mapped by chemical shift onto the model's ${protocol.spectrometerFrequency} MHz`,
    );
  }
  const prepared = networkInput(fid, pipeline, { source, notes, waterReference });
  // The networks are trained on water-suppressed spectra: a water-unsuppressed one is out of their training
  // distribution (its fat fraction comes from livermrs fit, the water–fat model). A header that says so is
  // refused; the spectrum alone cannot prove it (the cohorts' residual water can dominate a lipid-poor
  // spectrum), so a water-dominated spectrum without a header flag gets a note.
  const ref = referenceWaterFat(fid);
  const ws = decideWaterSuppression('auto', fid.acquisition?.waterSuppressed, ref);
  if (ws.source === 'header' && !ws.suppressed) {
    throw new InputError('a water-unsuppressed spectrum (per its header)', {
      file: source,
      field: 'water suppression',
      expected:
        'a water-suppressed spectrum, as the networks were trained on (use livermrs fit for water and fat)',
    });
  }
  if (ws.source === 'spectrum' && ref.found && !ws.suppressed) {
    prepared.notes.push(
      `water is ${(100 * (ws.waterShare ?? 0)).toFixed(0)}% of water + fat and the header does not say whether it was suppressed: if this spectrum is water-unsuppressed, the networks were not trained for it`,
    );
  }
  return prepared;
}

/**
 * The window of `fid` as the input `model` describes: a contract's preprocessing, or the InputPipeline of a model
 * trained by livermrs (its contract preprocessing plus the grid it was trained on). No protocol checks (see
 * prepareFid).
 *
 * On the pipeline's grid the window is the training crop of the grid's bins; otherwise the spectrum is
 * interpolated at the window's ppm values and scaled by dwell_data / `dwellTime` (a peak of the same FID amplitude
 * is 1/dwell times as high in the unnormalised FFT), with a note when a pipeline says what the model grid was.
 */
export function networkInput(
  measured: Fid,
  model: Preprocessing | InputPipeline,
  opts: { source?: string; notes?: string[]; waterReference?: WaterReferenceInput } = {},
): NetworkInput {
  let fid = measured;
  // The water reference's lineshape first: the canonical frame then finds a Voigt-like lipid peak.
  let deconvolution: ReferenceDeconvolution | undefined;
  if (opts.waterReference) {
    const done = referenceDeconvolve(fid, opts.waterReference.fid, opts.waterReference.source);
    fid = done.fid;
    deconvolution = done.correction;
  }
  const pipeline = 'grid' in model ? model : undefined;
  // A pipeline's grid is the dwell time the model was trained on (pipelines recorded before the contract had
  // `dwellTime`, like the shipped models' training records, lack it in `model`).
  const prep = pipeline
    ? { ...pipeline.model, dwellTime: pipeline.grid.dwellTime }
    : (model as Preprocessing);
  const source = opts.source ?? '<spectrum>';
  const notes = opts.notes ?? [];
  const L = prep.points;
  let canonical: CanonicalCorrection | null | undefined;
  let snr: number | undefined;
  if (prep.canonical) {
    const framed = canonicalFid(fid, prep.canonical);
    fid = framed.fid;
    canonical = framed.correction;
    snr = framed.snr;
    if (!canonical) notes.push('canonical frame: no reference peak found, the spectrum goes in as it is');
    if (!opts.waterReference) notes.push(NO_WATER_REFERENCE_NOTE);
  }
  let window: Float32Array;
  if (pipeline && !(prep.lineBroadeningHz && prep.lineBroadeningHz > 0) && onGrid(fid, pipeline.grid)) {
    window = preprocessFid(pipeline.stream, { ...fid, ...pipeline.grid }).input;
  } else {
    window = interpolateWindow(fid, prep, source);
    if (pipeline) {
      notes.push(
        `resampled from ${fid.points} points at ${(1 / fid.dwellTime).toFixed(0)} Hz to the model's window (${L} points on its ${(1 / pipeline.grid.dwellTime).toFixed(0)} Hz grid)`,
      );
    }
  }
  for (let i = 0; i < window.length; i++) {
    if (!Number.isFinite(window[i])) {
      throw new InputError('non-finite values in the spectrum', { file: source, expected: 'finite data' });
    }
  }
  if (prep.normalisation !== 'none' && window.every((v) => v === 0)) {
    throw new InputError('the spectrum is zero in the model window', { file: source });
  }
  const norm = normalise(window, L, prep.normalisation);
  return {
    input: channels(window, L, prep.channels),
    dims: [prep.channels.length, L],
    norm,
    notes,
    ...(canonical !== undefined ? { canonical } : {}),
    ...(snr !== undefined ? { snr } : {}),
    ...(deconvolution ? { referenceDeconvolution: deconvolution } : {}),
  };
}

/**
 * A FID brought into the canonical frame (spectra/canonical.ts), on its own grid: the same estimator and the same
 * correction the training workers apply to every simulated spectrum (simulate/jobs.ts).
 */
export function canonicalFid(
  fid: Fid,
  settings: CanonicalFrameSettings,
): { fid: Fid; correction: CanonicalCorrection | null; snr?: number } {
  const spectrum = fidToSpectrum(fid.data);
  const correction = canonicaliseSpectrum(spectrum, fid, settings);
  if (!correction) return { fid, correction };
  const snr = guardSnr(spectrum, fid.points, correction.peakHeight);
  return { fid: { ...fid, data: spectrumToFid(spectrum) }, correction, snr };
}

function onGrid(fid: Fid, g: SimulationGrid): boolean {
  return (
    fid.points === g.points &&
    Math.abs(fid.dwellTime / g.dwellTime - 1) <= 1e-6 &&
    Math.abs(fid.spectrometerFrequency / g.spectrometerFrequency - 1) <= 1e-6 &&
    Math.abs(fid.ppmReference - g.ppmReference) <= 1e-9
  );
}

/** Divides the window ([re × L, im × L]) in place as `mode` says; returns the divisor. */
function normalise(window: Float32Array, L: number, mode: Preprocessing['normalisation']): number {
  if (mode === 'max-magnitude') return normaliseInputs(window, 1, L)[0];
  if (mode === 'none') return 1;
  let s = 0;
  for (let i = 0; i < window.length; i++) s += window[i] * window[i];
  const g = Math.sqrt(s);
  for (let i = 0; i < window.length; i++) window[i] /= g;
  return g;
}

/** The listed channels of a normalised window ([re × L, im × L]), channels-first. */
function channels(window: Float32Array, L: number, list: Preprocessing['channels']): Float32Array {
  if (list.length === 2 && list[0] === 'real' && list[1] === 'imag') return window;
  const out = new Float32Array(list.length * L);
  list.forEach((ch, k) => {
    for (let j = 0; j < L; j++) {
      const re = window[j];
      const im = window[L + j];
      out[k * L + j] = ch === 'real' ? re : ch === 'imag' ? im : Math.hypot(re, im);
    }
  });
  return out;
}

/**
 * The complex spectrum of `fid` (after the contract's line broadening) at the window's ppm values, scaled by
 * dwell_data / `dwellTime`, as [re × L, im × L].
 */
function interpolateWindow(fid: Fid, prep: Preprocessing, source: string): Float32Array {
  const { ppm, spectrum } = spectrumOf(fid, prep.lineBroadeningHz ?? 0);
  const n = ppm.length;
  const lo = Math.min(ppm[0], ppm[n - 1]);
  const hi = Math.max(ppm[0], ppm[n - 1]);
  const [a, b] = prep.ppmRange;
  if (a < lo || b > hi) {
    const ppmText = (x: number) => String(Number(x.toFixed(2)));
    throw new InputError(
      `spectral range ${lo.toFixed(2)}–${hi.toFixed(2)} ppm does not cover the model window ${ppmText(a)}–${ppmText(b)} ppm`,
      { file: source, expected: 'a spectral width covering the model window' },
    );
  }
  const L = prep.points;
  const win = interpolateSpectrum(ppm, spectrum, windowGrid(prep));
  const scale = prep.dwellTime !== undefined ? fid.dwellTime / prep.dwellTime : 1;
  const out = new Float32Array(2 * L);
  for (let j = 0; j < L; j++) {
    out[j] = scale * win[2 * j];
    out[L + j] = scale * win[2 * j + 1];
  }
  return out;
}

/** The uniform ppm grid of a preprocessing window, from hi down to lo. */
export function windowGrid(prep: Pick<Preprocessing, 'ppmRange' | 'points'>): Float64Array {
  const [lo, hi] = prep.ppmRange;
  return Float64Array.from({ length: prep.points }, (_, j) => hi - ((hi - lo) * j) / (prep.points - 1));
}

/**
 * Linear interpolation of a complex spectrum (on a monotonic ppm axis, either direction) at the given ppm
 * values; the values must lie inside the axis (the window must lie inside the spectral width).
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
