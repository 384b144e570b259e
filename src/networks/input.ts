import { decideWaterSuppression } from '../fit/water-fat/detect.js';
import { referenceWaterFat } from '../fit/water-fat/referencing.js';
import { InputError } from '../core/errors.js';
import { type Fid, ppmAxis } from '../core/fid.js';
import { fidToSpectrum } from '../spectra/fft.js';
import { cropBins, defaultPreprocess, type PreprocessConfig, preprocessFid } from '../simulate/preprocess.js';
import type { SimulationGrid } from '../simulate/signal-model.js';
import type { Preprocessing } from './contract.js';

/**
 * How a spectrum becomes the input of a qCNN or cCNN, in two equivalent forms:
 *
 * - `stream`: the simulator's PreprocessConfig (src/simulate/preprocess.ts) that crops the window's bins of the
 *   model grid, without normalisation; the training stream produces exactly that, and `normaliseInputs` then
 *   divides each spectrum by its largest magnitude.
 * - `model`: the model-bundle contract (src/networks/contract.ts, docs/web.md: `ppmRange`, `points`, `channels`,
 *   `normalisation: 'max-magnitude'`): linear interpolation onto `points` ppm values from the window's high end
 *   down to its low end. Its ppm range is chosen as the first and last bin of the crop, so on the model grid the
 *   interpolation lands exactly on the bins and both forms give the same numbers.
 *
 * The normalisation divisor g (the largest |S| in the window) is returned with every input: the qCNN predicts
 * amplitude / g and multiplies back, so its output is in the units of the data, like an NLLS amplitude.
 */
/** The liver window: includes the olefinic lipid at 5.3 ppm and the residual water. */
export const DEFAULT_WINDOW: [number, number] = [0.5, 5.7];

export interface InputPipeline {
  grid: SimulationGrid;
  stream: PreprocessConfig;
  model: Preprocessing;
}

export function inputPipeline(grid: SimulationGrid, ppmRange = DEFAULT_WINDOW): InputPipeline {
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

export interface PreparedInput {
  /** [2, L] channels-first, normalised. */
  input: Float32Array;
  /** The normalisation divisor (largest |S| in the window, in the model grid's spectral units). */
  norm: number;
  /** What was done to fit the spectrum to the model (resampling, tolerated differences). */
  notes: string[];
}

/** Field strengths within this relative difference count as the same (3 T: 123.2 and 127.76 MHz). */
export const FIELD_TOLERANCE = 0.05;
/** Echo times within this difference (s) count as the same. */
export const ECHO_TIME_TOLERANCE = 0.002;

/**
 * A measured FID as a network input. On the model's own grid this is exactly the training preprocessing. On
 * another grid (spectral width, points, a field within 5%), the spectrum is scaled by dwell_data / dwell_model (so
 * that a peak's height corresponds to the same FID amplitude as on the model grid) and interpolated linearly onto
 * the model's window bins by chemical shift. Another field strength or echo time is refused: J-coupling
 * patterns and linewidths in ppm would differ from the training data.
 */
export function prepareFid(
  fid: Fid,
  protocol: ModelProtocol,
  pipeline: InputPipeline,
  source = '<spectrum>',
): PreparedInput {
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
  const prepared = prepareOnGrid(fid, pipeline, source, notes);
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
 * The window of `fid` as a normalised input: exact cropping on the pipeline's grid, otherwise interpolation
 * (scaled by dwell_data / dwell_grid). No protocol checks (see prepareFid).
 */
export function prepareOnGrid(
  fid: Fid,
  pipeline: InputPipeline,
  source = '<spectrum>',
  notes: string[] = [],
): PreparedInput {
  const g = pipeline.grid;
  const sameGrid =
    fid.points === g.points &&
    Math.abs(fid.dwellTime / g.dwellTime - 1) <= 1e-6 &&
    Math.abs(fid.spectrometerFrequency / g.spectrometerFrequency - 1) <= 1e-6 &&
    Math.abs(fid.ppmReference - g.ppmReference) <= 1e-9;
  let input: Float32Array;
  if (sameGrid) {
    input = preprocessFid(pipeline.stream, { ...fid, ...g }).input;
  } else {
    input = interpolateWindow(fid, pipeline, source);
    notes.push(
      `resampled from ${fid.points} points at ${(1 / fid.dwellTime).toFixed(0)} Hz to the model's window (${pipeline.model.points} points on its ${(1 / g.dwellTime).toFixed(0)} Hz grid)`,
    );
  }
  for (let i = 0; i < input.length; i++) {
    if (!Number.isFinite(input[i])) {
      throw new InputError('non-finite values in the spectrum', { file: source, expected: 'finite data' });
    }
  }
  const norm = normaliseInputs(input, 1, pipeline.model.points)[0];
  if (norm === 1 && input.every((v) => v === 0)) {
    throw new InputError('the spectrum is zero in the model window', { file: source });
  }
  return { input, norm, notes };
}

/** Complex spectrum of `fid` at the model's window bins (by ppm), scaled to the model grid's dwell time. */
function interpolateWindow(fid: Fid, pipeline: InputPipeline, source: string): Float32Array {
  const ppm = ppmAxis(fid);
  const spec = fidToSpectrum(fid.data);
  const n = ppm.length;
  const [lo, hi] = pipeline.model.ppmRange;
  if (lo < ppm[n - 1] || hi > ppm[0]) {
    throw new InputError(
      `spectral range ${ppm[n - 1].toFixed(2)}–${ppm[0].toFixed(2)} ppm does not cover the model window ${lo.toFixed(2)}–${hi.toFixed(2)} ppm`,
      { file: source, field: 'spectralWidth', expected: 'a spectral width covering the model window' },
    );
  }
  const L = pipeline.model.points;
  const scale = fid.dwellTime / pipeline.grid.dwellTime;
  const out = new Float32Array(2 * L);
  for (let j = 0; j < L; j++) {
    const x = hi - ((hi - lo) * j) / (L - 1);
    // ppm decreases with the index: find k with ppm[k] >= x > ppm[k + 1].
    const pos = (ppm[0] - x) / (ppm[0] - ppm[n - 1]);
    let k = Math.min(n - 2, Math.max(0, Math.floor(pos * (n - 1))));
    while (k > 0 && ppm[k] < x) k--;
    while (k < n - 2 && ppm[k + 1] >= x) k++;
    const t = (ppm[k] - x) / (ppm[k] - ppm[k + 1]);
    out[j] = scale * (spec[2 * k] + t * (spec[2 * k + 2] - spec[2 * k]));
    out[L + j] = scale * (spec[2 * k + 1] + t * (spec[2 * k + 3] - spec[2 * k + 1]));
  }
  return out;
}
