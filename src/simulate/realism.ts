import type { Rng } from '../core/random.js';
import { REALISM_LEVELS, type RealismLevel } from '../core/acquisition.js';
import { gaussianForVoigtFwhm } from '../preproc/reference-deconvolution.js';
import type { Lineshape } from '../spectra/lineshape.js';
import type { ParameterLayout } from './parameters.js';

/**
 * What real scanner spectra do that a Voigt-line simulator does not (docs/robustness.md): the distortions the
 * networks are trained on, drawn per spectrum on top of the cohort's nuisance model. Each family is drawn with its
 * own probability, so a training set holds clean spectra, spectra with one distortion and spectra with several.
 *
 * - lineshape: a measured lineshape (a water line of a real file, its frequency removed, normalised to 1 at t = 0;
 *   LineshapeLibrary) or a parametric multi-component line (a main line with 1–2 shoulders: asymmetric lines from
 *   B0 inhomogeneity and motion), in place of the shared Gaussian: the measured envelope is stretched in time so
 *   that its FWHM is the spectrum's drawn Gaussian width;
 * - eddy: a time-dependent phase A·e^{−t/τ} on the whole FID (eddy currents of the gradients, strongest at the
 *   start of the FID; Klose, MRM 1990;14:26);
 * - humps: 1–3 broad Gaussian components anywhere in 0.5–4.5 ppm (macromolecules at 0.9, 1.2–1.4, 1.7, 2.0,
 *   3.0 ppm, Behar et al. MRM 1994;32:294; broad lipid from outside the voxel), area relative to L13;
 * - water: a residual water line far larger and broader than the cohort's (poor suppression), area relative to L13;
 * - shift, phase0, phase1: frequency offsets and phases beyond a cohort's prior (referencing on the wrong peak,
 *   drift during a breath-hold series, receiver phase).
 * Every range is a [min, max] of a uniform draw (log-uniform for the area ratios).
 */
export interface RealismConfig {
  lineshape: {
    probability: number;
    measuredShare: number;
    shoulders: [number, number];
    shoulderOffsetHz: [number, number];
    /**
     * Parametric lines only: the Lorentzian part of each line's FWHM, drawn once per spectrum (0: a Gaussian line,
     * 1: a Lorentzian; between: the Voigt of that width, Olivero & Longbothum 1977). A voxel's B0 distribution
     * runs from Gaussian-like (smooth macroscopic gradients) to Lorentzian (microscopic susceptibility
     * inclusions, static dephasing: Yablonskiy & Haacke MRM 1994;32:749). Absent: Lorentzian lines.
     */
    lorentzShare?: [number, number];
  };
  eddy: { probability: number; amplitudeRad: [number, number]; tauMs: [number, number] };
  humps: {
    probability: number;
    count: [number, number];
    ppm: [number, number];
    fwhmPpm: [number, number];
    areaOfL13: [number, number];
  };
  water: {
    probability: number;
    areaOfL13: [number, number];
    widthHz: [number, number];
    offsetHz: [number, number];
  };
  /** bothSigns: the range is of the magnitude, the sign drawn (e.g. 12–20 Hz either way). */
  shift: { probability: number; hz: [number, number]; bothSigns?: boolean };
  phase0: { probability: number; degrees: [number, number]; bothSigns?: boolean };
  phase1: { probability: number; degreesPerPpm: [number, number] };
}

export type { Lineshape };

export { REALISM_LEVELS, type RealismLevel };

/**
 * The training default ('typical'): every family on, each in a part of the spectra (a third of them clean), the
 * lineshapes measured ones only. Chosen by paired training runs (docs/robustness.md §4): parametric shoulders
 * and higher probabilities cost in-distribution accuracy and did not help on real lineshapes. The ranges reach
 * beyond what the robustness benchmark tests, except the measured lineshapes, of which the benchmark uses only
 * files that training never sees.
 */
export const TYPICAL_REALISM: RealismConfig = {
  lineshape: { probability: 0.3, measuredShare: 1, shoulders: [0.05, 0.5], shoulderOffsetHz: [3, 25] },
  eddy: { probability: 0.2, amplitudeRad: [0, 1.8], tauMs: [5, 60] },
  humps: { probability: 0.3, count: [1, 3], ppm: [0.5, 4.5], fwhmPpm: [0.25, 0.8], areaOfL13: [0.05, 2.5] },
  water: { probability: 0.2, areaOfL13: [1, 30], widthHz: [20, 100], offsetHz: [-30, 30] },
  shift: { probability: 0.3, hz: [-30, 30] },
  phase0: { probability: 0.3, degrees: [-180, 180] },
  phase1: { probability: 0.2, degreesPerPpm: [-2, 2] },
};

/** Every family in every spectrum, at the top of its range (the study's `--realism harsh`). */
export const HARSH_REALISM: RealismConfig = {
  lineshape: { probability: 1, measuredShare: 1, shoulders: [0.2, 0.5], shoulderOffsetHz: [5, 25] },
  eddy: { probability: 1, amplitudeRad: [0.5, 1.5], tauMs: [10, 40] },
  humps: { probability: 1, count: [1, 2], ppm: [0.5, 4.5], fwhmPpm: [0.15, 0.5], areaOfL13: [0.3, 1.5] },
  water: { probability: 1, areaOfL13: [3, 20], widthHz: [40, 80], offsetHz: [-20, 20] },
  shift: { probability: 1, hz: [-20, 20] },
  phase0: { probability: 1, degrees: [-60, 60] },
  phase1: { probability: 0, degreesPerPpm: [0, 0] },
};

/** One family at a time in every spectrum (the robustness benchmark and its tests build on this). */
export const NO_REALISM: RealismConfig = {
  lineshape: { probability: 0, measuredShare: 0, shoulders: [0, 0], shoulderOffsetHz: [0, 0] },
  eddy: { probability: 0, amplitudeRad: [0, 0], tauMs: [20, 20] },
  humps: { probability: 0, count: [1, 1], ppm: [1, 1], fwhmPpm: [0.3, 0.3], areaOfL13: [1, 1] },
  water: { probability: 0, areaOfL13: [1, 1], widthHz: [40, 40], offsetHz: [0, 0] },
  shift: { probability: 0, hz: [0, 0] },
  phase0: { probability: 0, degrees: [0, 0] },
  phase1: { probability: 0, degreesPerPpm: [0, 0] },
};

/** The realism of a simulation: the draws' ranges and the measured lineshapes they may use. */
export interface Realism {
  config: RealismConfig;
  lineshapes: Lineshape[];
}

/** The distortions of one spectrum, drawn by drawDistortion (plain data: a worker can rebuild it from its seed). */
export interface Distortion {
  /** Lineshape in place of the Gaussian: a measured one (index) or a parametric one (shoulders). */
  lineshape?:
    | { kind: 'measured'; index: number; fwhmHz: number }
    | {
        kind: 'shoulders';
        fwhmHz: number;
        /** Lorentzian part of each line's FWHM (absent: 1, Lorentzian lines). */
        lorentzShare?: number;
        lines: { weight: number; offsetHz: number; widthHz: number }[];
      };
  eddy?: { amplitudeRad: number; tauS: number };
  humps: { ppm: number; fwhmPpm: number; areaOfL13: number }[];
  water?: { areaOfL13: number; widthHz: number; offsetHz: number; phaseDeg: number };
  shiftHz: number;
  phase0Deg: number;
  phase1DegPerPpm: number;
}

const logUniform = (rng: Rng, [a, b]: [number, number]) =>
  a > 0 && b > a ? Math.exp(rng.uniformIn(Math.log(a), Math.log(b))) : a;
const uniform = (rng: Rng, [a, b]: [number, number]) => (b > a ? rng.uniformIn(a, b) : a);

/**
 * Draws the distortions of one spectrum. `gaussHz` is the spectrum's drawn Gaussian FWHM (the width a lineshape
 * replaces). The number of draws does not depend on which families fire, so a family's switch does not change
 * the others' draws.
 */
export function drawDistortion(r: Realism, rng: Rng, gaussHz: number): Distortion {
  const c = r.config;
  const fires = (p: number) => rng.uniform() < p;
  const width = Math.max(gaussHz, 3);
  const d: Distortion = { humps: [], shiftHz: 0, phase0Deg: 0, phase1DegPerPpm: 0 };
  // lineshape: 6 draws
  const ls = fires(c.lineshape.probability);
  const measured = rng.uniform() < c.lineshape.measuredShare && r.lineshapes.length > 0;
  const which = rng.int(Math.max(1, r.lineshapes.length));
  const nShoulders = 1 + rng.int(2);
  const shoulderDraws = [
    rng.uniform(),
    rng.uniform(),
    rng.uniform(),
    rng.uniform(),
    rng.uniform(),
    rng.uniform(),
  ];
  if (ls) {
    if (measured) d.lineshape = { kind: 'measured', index: which, fwhmHz: width };
    else {
      const lines = [{ weight: 1, offsetHz: 0, widthHz: width }];
      for (let j = 0; j < nShoulders; j++) {
        const [w0, w1] = c.lineshape.shoulders;
        const [o0, o1] = c.lineshape.shoulderOffsetHz;
        const sign = shoulderDraws[3 * j] < 0.5 ? -1 : 1;
        lines.push({
          weight: w0 + (w1 - w0) * shoulderDraws[3 * j + 1],
          offsetHz: sign * (o0 + (o1 - o0) * shoulderDraws[3 * j + 2]),
          widthHz: width,
        });
      }
      d.lineshape = { kind: 'shoulders', fwhmHz: width, lines };
    }
  }
  // eddy: 4 draws
  const ed = fires(c.eddy.probability);
  const amp = uniform(rng, c.eddy.amplitudeRad) * (rng.uniform() < 0.5 ? -1 : 1);
  const tau = uniform(rng, c.eddy.tauMs) / 1000;
  if (ed && amp !== 0) d.eddy = { amplitudeRad: amp, tauS: tau };
  // humps: 1 + 1 + 3 × 3 draws
  const hu = fires(c.humps.probability);
  const [n0, n1] = c.humps.count;
  const count = n0 + rng.int(Math.max(1, n1 - n0 + 1));
  for (let j = 0; j < 3; j++) {
    const ppm = uniform(rng, c.humps.ppm);
    const fwhm = uniform(rng, c.humps.fwhmPpm);
    const area = logUniform(rng, c.humps.areaOfL13);
    if (hu && j < count) d.humps.push({ ppm, fwhmPpm: fwhm, areaOfL13: area });
  }
  // water: 5 draws
  const wa = fires(c.water.probability);
  const water = {
    areaOfL13: logUniform(rng, c.water.areaOfL13),
    widthHz: uniform(rng, c.water.widthHz),
    offsetHz: uniform(rng, c.water.offsetHz),
    phaseDeg: rng.uniformIn(-180, 180),
  };
  if (wa) d.water = water;
  // shift, phases: 6 draws (+1 per family drawn with both signs)
  const sh = fires(c.shift.probability);
  const shift = uniform(rng, c.shift.hz) * (c.shift.bothSigns && rng.uniform() < 0.5 ? -1 : 1);
  const p0 = fires(c.phase0.probability);
  const phase0 = uniform(rng, c.phase0.degrees) * (c.phase0.bothSigns && rng.uniform() < 0.5 ? -1 : 1);
  const p1 = fires(c.phase1.probability);
  const phase1 = uniform(rng, c.phase1.degreesPerPpm);
  if (sh) d.shiftHz = shift;
  if (p0) d.phase0Deg = phase0;
  if (p1) d.phase1DegPerPpm = phase1;
  // Voigt lines: 1 draw, only where the config asks for them (earlier configs keep their draws).
  if (c.lineshape.lorentzShare) {
    const share = uniform(rng, c.lineshape.lorentzShare);
    if (d.lineshape?.kind === 'shoulders') d.lineshape.lorentzShare = share;
  }
  return d;
}

/**
 * The Lorentzian and Gaussian FWHMs of a Voigt line of FWHM `fwhm` whose Lorentzian part is `share` × fwhm (the
 * Gaussian from Olivero & Longbothum's Voigt width, gaussianForVoigtFwhm).
 */
export function voigtWidths(fwhm: number, share: number): { lorentzHz: number; gaussHz: number } {
  const fl = Math.min(1, Math.max(0, share)) * fwhm;
  return { lorentzHz: fl, gaussHz: gaussianForVoigtFwhm(fwhm, fl) };
}

/**
 * Puts the parameter-row part of a distortion into the row (shift, phases; the residual water, whose amplitude
 * is in the basis' units: areaOfL13 × the L13 amplitude × the L13 basis area), so that truth.csv holds what was
 * simulated. The Gaussian width stays in the row: a lineshape takes its place at that width (signal-model.ts). `l13Area` is the area of the L13 component at unit
 * amplitude (|b(0)|).
 */
export function applyDistortionToRow(
  d: Distortion,
  layout: ParameterLayout,
  row: Float64Array,
  offset: number,
  l13Area: number,
): void {
  row[offset + layout.shift] += d.shiftHz;
  row[offset + layout.phi0] += d.phase0Deg;
  row[offset + layout.phi1] += d.phase1DegPerPpm;
  if (d.water) {
    const k = layout.indexOf('L13');
    const l13 = k >= 0 ? row[offset + k] * l13Area : 0;
    row[offset + layout.waterAmp] = d.water.areaOfL13 * l13;
    row[offset + layout.waterWidth] = d.water.widthHz;
    row[offset + layout.waterOffset] = d.water.offsetHz;
    row[offset + layout.waterPhase] = d.water.phaseDeg;
  }
}

/**
 * The envelope a lineshape multiplies the FID with, at the grid's sample times (interleaved complex, `points`
 * samples): a measured envelope stretched in time by fwhm0 / fwhm (a lineshape of FWHM W at time scale s has
 * FWHM W·s), linear between its samples and 0 after its end; or the parametric sum of lines, normalised to 1 at
 * t = 0.
 */
export function lineshapeEnvelope(
  d: NonNullable<Distortion['lineshape']>,
  lineshapes: readonly Lineshape[],
  points: number,
  dwellTime: number,
  out: Float64Array = new Float64Array(2 * points),
): Float64Array {
  out.fill(0);
  if (d.kind === 'measured') {
    const ls = lineshapes[d.index];
    const s = d.fwhmHz / ls.fwhmHz;
    const m = ls.envelope.length / 2;
    for (let n = 0; n < points; n++) {
      const x = (n * dwellTime * s) / ls.dwellTime;
      const j = Math.floor(x);
      if (j >= m - 1) break;
      const t = x - j;
      out[2 * n] = (1 - t) * ls.envelope[2 * j] + t * ls.envelope[2 * j + 2];
      out[2 * n + 1] = (1 - t) * ls.envelope[2 * j + 1] + t * ls.envelope[2 * j + 3];
    }
    return out;
  }
  // Σ_j w_j e^{-i2π δ_j t} V_j(t) / Σ_j w_j, V_j the Voigt envelope e^{-π f_L t} e^{-(π f_G t)²/(4 ln 2)} of the
  // line's width (δ_j > 0: a shoulder at higher ppm, core/fid.ts)
  const total = d.lines.reduce((s, l) => s + l.weight, 0);
  for (const l of d.lines) {
    const { lorentzHz, gaussHz } = voigtWidths(l.widthHz, d.lorentzShare ?? 1);
    const beta = (Math.PI * gaussHz * dwellTime) ** 2 / (4 * Math.LN2);
    const decay = Math.exp(-Math.PI * lorentzHz * dwellTime);
    const ang = -2 * Math.PI * l.offsetHz * dwellTime;
    const sr = decay * Math.cos(ang);
    const si = decay * Math.sin(ang);
    let vr = l.weight / total;
    let vi = 0;
    for (let n = 0; n < points; n++) {
      const g = beta > 0 ? Math.exp(-beta * n * n) : 1;
      out[2 * n] += g * vr;
      out[2 * n + 1] += g * vi;
      const nvr = vr * sr - vi * si;
      vi = vr * si + vi * sr;
      vr = nvr;
    }
  }
  return out;
}

/**
 * The time-domain steps of a distortion, applied by the signal model (signal-model.ts): `lines` after the
 * components are summed (lineshape), `all` after baseline and water are added (humps, eddy-current phase).
 */
export class DistortionApplier {
  private readonly envelope: Float64Array<ArrayBufferLike>;
  constructor(
    private readonly lineshapes: readonly Lineshape[],
    private readonly points: number,
    private readonly dwellTime: number,
    private readonly spectrometerFrequency: number,
    private readonly ppmReference: number,
  ) {
    this.envelope = new Float64Array(2 * points);
  }

  /** acc ← acc × lineshape envelope (the lines' FID). */
  lines(d: Distortion, acc: Float64Array): void {
    if (!d.lineshape) return;
    const e = lineshapeEnvelope(d.lineshape, this.lineshapes, this.points, this.dwellTime, this.envelope);
    for (let i = 0; i < 2 * this.points; i += 2) {
      const re = acc[i];
      const im = acc[i + 1];
      acc[i] = re * e[i] - im * e[i + 1];
      acc[i + 1] = re * e[i + 1] + im * e[i];
    }
  }

  /**
   * acc += humps (Gaussian lines of area areaOfL13 × l13Area × L13 amplitude, phase φ0), then
   * acc ← acc × e^{i A e^{−t/τ}}.
   */
  all(d: Distortion, acc: Float64Array, l13: number, phi0Deg: number): void {
    const n = this.points;
    const dt = this.dwellTime;
    const phi0 = (phi0Deg * Math.PI) / 180;
    for (const h of d.humps) {
      // a e^{iφ0} e^{i2π f t} e^{-β t²} by recurrences: rotation w ← w e^{i2π f dt}; G ← G q, q ← q e^{-2β}.
      const f = (this.ppmReference - h.ppm) * this.spectrometerFrequency;
      const wHz = h.fwhmPpm * this.spectrometerFrequency;
      const beta = (Math.PI * wHz * dt) ** 2 / (4 * Math.LN2);
      const a = h.areaOfL13 * l13;
      const stop = Math.min(n, Math.ceil(Math.sqrt(28 / Math.max(beta, 1e-300))) + 1); // e^{-28} < 1e-12
      const step = 2 * Math.PI * f * dt;
      const sc = Math.cos(step);
      const ss = Math.sin(step);
      let wr = a * Math.cos(phi0);
      let wi = a * Math.sin(phi0);
      let g = 1;
      let q = Math.exp(-beta);
      const q2 = Math.exp(-2 * beta);
      for (let t = 0; t < stop; t++) {
        acc[2 * t] += g * wr;
        acc[2 * t + 1] += g * wi;
        const nwr = wr * sc - wi * ss;
        wi = wr * ss + wi * sc;
        wr = nwr;
        g *= q;
        q *= q2;
      }
    }
    if (d.eddy) {
      const { amplitudeRad, tauS } = d.eddy;
      const r = Math.exp(-dt / tauS);
      let p = amplitudeRad;
      for (let t = 0; t < n; t++, p *= r) {
        if (Math.abs(p) < 1e-6) break;
        const c = Math.cos(p);
        const s = Math.sin(p);
        const re = acc[2 * t];
        const im = acc[2 * t + 1];
        acc[2 * t] = re * c - im * s;
        acc[2 * t + 1] = re * s + im * c;
      }
    }
  }
}

/** The realism settings by name ('none' has every probability 0). */
export function realismConfig(level: RealismLevel): RealismConfig {
  return level === 'typical' ? TYPICAL_REALISM : level === 'harsh' ? HARSH_REALISM : NO_REALISM;
}

/** A one-line summary of a realism config, for training records and provenance. */
export function describeRealism(r: Realism): Record<string, unknown> {
  return {
    ...r.config,
    measuredLineshapes: r.lineshapes.map((l) => `${l.name} (${l.source})`),
  };
}

/**
 * The water reference of a simulated spectrum's voxel: one water line at the grid's reference frequency plus
 * the spectrum's shift, shaped as the spectrum's lines are (its distortion's lineshape, else the Gaussian of
 * FWHM `gaussHz`), times the water T2 decay e^{−t/T2} (`t2`, s), with the distortion's eddy-current phase; complex Gaussian
 * noise of SD `noiseOfPeak` × the line's t = 0 amplitude per sample (a water reference's SNR is in the
 * thousands). What `quantify --water` gets on a scanner, for the robustness benchmark.
 */
export function simulatedWaterReference(
  d: Distortion,
  gaussHz: number,
  shiftHz: number,
  grid: { points: number; dwellTime: number },
  lineshapes: readonly Lineshape[],
  rng: Rng,
  opts: { t2: number; noiseOfPeak: number },
): Float64Array {
  const { points, dwellTime: dt } = grid;
  const out = d.lineshape
    ? lineshapeEnvelope(d.lineshape, lineshapes, points, dt)
    : Float64Array.from({ length: 2 * points }, (_, i) =>
        i % 2 ? 0 : Math.exp(-((Math.PI * gaussHz * (i / 2) * dt) ** 2) / (4 * Math.LN2)),
      );
  for (let n = 0; n < points; n++) {
    const t = n * dt;
    // A shift Δf moves lines by e^{−i2πΔf t} (signal-model.ts).
    let ang = -2 * Math.PI * shiftHz * t;
    if (d.eddy) ang += d.eddy.amplitudeRad * Math.exp(-t / d.eddy.tauS);
    const decay = Math.exp(-t / opts.t2);
    const c = decay * Math.cos(ang);
    const s = decay * Math.sin(ang);
    const re = out[2 * n];
    const im = out[2 * n + 1];
    out[2 * n] = re * c - im * s + opts.noiseOfPeak * rng.normal();
    out[2 * n + 1] = re * s + im * c + opts.noiseOfPeak * rng.normal();
  }
  return out;
}
