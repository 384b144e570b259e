/**
 * A spectrum as a list of lines: what a density-matrix simulation produces, independent of any sampling grid.
 * Line k contributes a_k exp(i 2 pi f_k t) exp(-pi w_k t) to the FID (internal convention, core/fid.ts: f is the
 * frequency relative to the receiver, ppm = ppmReference - f / MHz; a_k is complex; w_k an optional intrinsic
 * Lorentzian FWHM in Hz). For a singlet of n protons the amplitudes sum to n.
 */
export interface LineList {
  /** Frequency of each line relative to the receiver, Hz (internal FID convention). */
  hz: Float64Array;
  re: Float64Array;
  im: Float64Array;
  /** Intrinsic Lorentzian FWHM of each line (Hz); absent = all 0. */
  fwhmHz?: Float64Array;
  spectrometerFrequency: number;
  ppmReference: number;
}

export function lineCount(lines: LineList): number {
  return lines.hz.length;
}

/** Chemical shift (ppm) of line k. */
export function linePpm(lines: LineList, k: number): number {
  return lines.ppmReference - lines.hz[k] / lines.spectrometerFrequency;
}

/** Sum of the complex amplitudes (the FID's first point, before any lineshape). */
export function totalAmplitude(lines: LineList): { re: number; im: number } {
  let re = 0;
  let im = 0;
  for (let k = 0; k < lines.re.length; k++) {
    re += lines.re[k];
    im += lines.im[k];
  }
  return { re, im };
}

/**
 * Sorts by frequency, merges lines closer than `toleranceHz` with the same intrinsic width (degenerate
 * transitions), and drops lines whose magnitude is below `minAmplitude`.
 */
export function compactLines(lines: LineList, toleranceHz = 1e-6, minAmplitude = 1e-12): LineList {
  const n = lines.hz.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => lines.hz[a] - lines.hz[b]);
  const hz: number[] = [];
  const re: number[] = [];
  const im: number[] = [];
  const w: number[] = [];
  const width = lines.fwhmHz;
  for (const i of order) {
    const wi = width ? width[i] : 0;
    const last = hz.length - 1;
    if (last >= 0 && lines.hz[i] - hz[last] <= toleranceHz && w[last] === wi) {
      re[last] += lines.re[i];
      im[last] += lines.im[i];
      continue;
    }
    hz.push(lines.hz[i]);
    re.push(lines.re[i]);
    im.push(lines.im[i]);
    w.push(wi);
  }
  const keep: number[] = [];
  for (let k = 0; k < hz.length; k++) if (Math.hypot(re[k], im[k]) >= minAmplitude) keep.push(k);
  const out: LineList = {
    hz: Float64Array.from(keep, (k) => hz[k]),
    re: Float64Array.from(keep, (k) => re[k]),
    im: Float64Array.from(keep, (k) => im[k]),
    spectrometerFrequency: lines.spectrometerFrequency,
    ppmReference: lines.ppmReference,
  };
  if (width && keep.some((k) => w[k] !== 0)) out.fwhmHz = Float64Array.from(keep, (k) => w[k]);
  return out;
}

/** Concatenates line lists recorded at the same spectrometer frequency and reference. */
export function concatLines(
  lists: LineList[],
  spectrometerFrequency: number,
  ppmReference: number,
): LineList {
  const total = lists.reduce((s, l) => s + l.hz.length, 0);
  const hz = new Float64Array(total);
  const re = new Float64Array(total);
  const im = new Float64Array(total);
  const anyWidth = lists.some((l) => l.fwhmHz);
  const fwhmHz = anyWidth ? new Float64Array(total) : undefined;
  let o = 0;
  for (const l of lists) {
    hz.set(l.hz, o);
    re.set(l.re, o);
    im.set(l.im, o);
    if (fwhmHz && l.fwhmHz) fwhmHz.set(l.fwhmHz, o);
    o += l.hz.length;
  }
  const out: LineList = { hz, re, im, spectrometerFrequency, ppmReference };
  if (fwhmHz) out.fwhmHz = fwhmHz;
  return out;
}
