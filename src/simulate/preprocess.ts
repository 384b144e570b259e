import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { fidToSpectrum } from '../spectra/fft.js';
import type { SimulationGrid } from './signal-model.js';

/**
 * How a spectrum becomes a network input: a declared, JSON-serialisable object, stored with a trained model so
 * that measured spectra are prepared exactly like the simulated training spectra.
 *
 * Steps: spectrum S = fftshift(fft(fid)) on `grid` → crop to the bins whose ppm lies in `ppmRange` (output in
 * array order: high ppm first) → channels (`real-imag`: [Re..., Im...]; `real`; `magnitude`) → normalisation
 * (`max-abs`: divide by the largest |value| in the cropped channels; `fixed`: divide by `scale`; `none`).
 * The divisor is reported per spectrum so targets can be normalised the same way when wanted.
 *
 * The qCNN and cCNN use the crop with normalisation 'none' and divide by the largest magnitude |S| afterwards, in
 * src/networks/input.ts, so that their training and every inference share one normalisation; 'max-abs' is the
 * default of streams made without a network's pipeline.
 */
export interface PreprocessConfig {
  kind: 'livermrs.preprocess';
  version: 1;
  grid: SimulationGrid;
  ppmRange: [number, number];
  channels: 'real-imag' | 'real' | 'magnitude';
  normalisation: { mode: 'none' } | { mode: 'fixed'; scale: number } | { mode: 'max-abs' };
}

/** The default liver window (0.5–5.7 ppm: includes the olefinic lipid at 5.3 and the residual water). */
export function defaultPreprocess(grid: SimulationGrid): PreprocessConfig {
  return {
    kind: 'livermrs.preprocess',
    version: 1,
    grid: { ...grid },
    ppmRange: [0.5, 5.7],
    channels: 'real-imag',
    normalisation: { mode: 'max-abs' },
  };
}

/** First bin and number of bins of the crop window (fftshift order). */
export function cropBins(config: PreprocessConfig): { first: number; length: number } {
  const g = config.grid;
  const toBin = (ppm: number) =>
    (g.ppmReference - ppm) * g.spectrometerFrequency * g.points * g.dwellTime + (g.points >> 1);
  const [a, b] = config.ppmRange;
  const first = Math.max(0, Math.ceil(toBin(Math.max(a, b)) - 1e-9));
  const last = Math.min(g.points - 1, Math.floor(toBin(Math.min(a, b)) + 1e-9));
  if (last < first) throw new RangeError(`ppmRange ${a}..${b} holds no spectral point`);
  return { first, length: last - first + 1 };
}

export function channelCount(config: PreprocessConfig): number {
  return config.channels === 'real-imag' ? 2 : 1;
}

/** Numbers per preprocessed spectrum (channels × bins). */
export function inputSize(config: PreprocessConfig): number {
  return channelCount(config) * cropBins(config).length;
}

/**
 * Writes the preprocessed form of a spectrum (fftshift order, interleaved complex) into out[offset...]; returns
 * the normalisation divisor. `crop` may be passed to avoid recomputing it per spectrum.
 */
export function preprocessInto(
  config: PreprocessConfig,
  spectrum: ArrayLike<number>,
  out: Float32Array,
  offset: number,
  crop = cropBins(config),
): number {
  const { first, length } = crop;
  const from = 2 * first;
  const to = 2 * (first + length);
  const channels = config.channels;
  const norm = config.normalisation;
  let divisor = 1;
  if (norm.mode === 'fixed') divisor = norm.scale;
  else if (norm.mode === 'max-abs') {
    let m = 0;
    if (channels === 'magnitude') {
      for (let i = from; i < to; i += 2) m = Math.max(m, Math.hypot(spectrum[i], spectrum[i + 1]));
    } else {
      const step = channels === 'real-imag' ? 1 : 2;
      for (let i = from; i < to; i += step) {
        const v = spectrum[i];
        if (v > m) m = v;
        else if (-v > m) m = -v;
      }
    }
    divisor = m > 0 ? m : 1;
  }
  const inv = 1 / divisor;
  if (channels === 'magnitude') {
    for (let i = 0; i < length; i++)
      out[offset + i] = Math.hypot(spectrum[from + 2 * i], spectrum[from + 2 * i + 1]) * inv;
  } else if (channels === 'real') {
    for (let i = 0; i < length; i++) out[offset + i] = spectrum[from + 2 * i] * inv;
  } else {
    const imOffset = offset + length;
    for (let i = 0; i < length; i++) {
      out[offset + i] = spectrum[from + 2 * i] * inv;
      out[imOffset + i] = spectrum[from + 2 * i + 1] * inv;
    }
  }
  return divisor;
}

/** Preprocesses a measured FID (which must be on the config's grid). */
export function preprocessFid(config: PreprocessConfig, fid: Fid): { input: Float32Array; divisor: number } {
  const g = config.grid;
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b);
  if (
    fid.points !== g.points ||
    !same(fid.dwellTime, g.dwellTime) ||
    !same(fid.spectrometerFrequency, g.spectrometerFrequency)
  ) {
    throw new InputError(
      `spectrum has ${fid.points} points, dwell ${fid.dwellTime} s at ${fid.spectrometerFrequency} MHz`,
      {
        field: 'grid',
        expected: `${g.points} points, dwell ${g.dwellTime} s at ${g.spectrometerFrequency} MHz (the model's grid)`,
      },
    );
  }
  if (Math.abs(fid.ppmReference - g.ppmReference) > 1e-9) {
    throw new InputError(`spectrum is referenced to ${fid.ppmReference} ppm`, {
      field: 'ppmReference',
      expected: `${g.ppmReference} ppm (the model's reference)`,
    });
  }
  const input = new Float32Array(inputSize(config));
  const divisor = preprocessInto(config, fidToSpectrum(fid.data), input, 0);
  return { input, divisor };
}
