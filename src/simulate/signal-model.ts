import FFT from 'fft.js';
import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { Rng } from '../core/random.js';
import { fft, ifft, isPowerOfTwo } from '../spectra/fft.js';
import type { ParameterLayout } from './parameters.js';
import type { Distortion, DistortionApplier } from './realism.js';
import { addNormalBlock } from './ziggurat.js';
import { gridOf, type SpectralGrid } from '../core/grid.js';

/**
 * The liver signal model (equations in docs/simulation.md):
 *
 *   s(t) = e^{iφ0} [ e^{-i2πΔf t} G(t) Σ_k a_k b_k(t) e^{-πΔν_k t}  +  Σ_j c_j e^{i2π f_j t} g_B(t) ]
 *        + A_w e^{iφ_w} e^{i2π f_w t} e^{-πΔν_w t}
 *   S(f) = fftshift(FFT(s))(f) · e^{iφ1 (ppm(f) − ppmReference)}  +  complex white noise (SD σ per part)
 *
 * with G(t) = exp(-(π σ_G t)² / (4 ln 2)) so that σ_G is the FWHM (Hz) of the Gaussian line it produces, and
 * e^{-πΔν t} a Lorentzian of FWHM Δν (Hz). Frequencies follow docs/conventions.md: a resonance at δ ppm is
 * e^{-i2π(δ − ppmReference)·MHz·t} = e^{i2π f t} with f = (ppmReference − δ)·MHz, and a positive
 * shift Δf moves peaks to higher ppm. The baseline is a set of
 * broad Gaussian lines (FWHM `baseline.fwhmPpm`) at fixed knots c_j; the residual water is a Lorentzian with its
 * own amplitude, offset, width and phase. σ is set from the requested SNR (see `SnrPeak`).
 *
 * Speed (the simulator feeds network training): damping and phase evolve by multiplicative recurrences instead
 * of exp()/cos() per point, each component stops where its envelope has decayed below 1e-9 of its start (far
 * below float32 resolution), one FFT per spectrum, and no allocation per spectrum.
 */
export type SimulationGrid = SpectralGrid;

/** Where the SNR is measured: the maximum of the real, phased, noise-free spectrum within ppm ± halfWidthPpm. */
export interface SnrPeak {
  ppm: number;
  halfWidthPpm: number;
}

export interface BaselineShape {
  /** Centres (ppm) of the broad Gaussian lines the baseline is made of. */
  knotsPpm: number[];
  /** Their FWHM (ppm). */
  fwhmPpm: number;
}

export interface ModelSettings {
  snrPeak: SnrPeak;
  baseline: BaselineShape;
  /** Chemical shift of water (ppm); water_offset_hz is relative to it. */
  waterPpm: number;
}

/** L13 (1.3 ppm) peak height: liver spectra are lipid-dominated and L13 is visible in every liver spectrum. */
export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  snrPeak: { ppm: 1.3, halfWidthPpm: 0.2 },
  baseline: { knotsPpm: [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], fwhmPpm: 1.2 },
  waterPpm: 4.65,
};

/** Bins per independently seeded block of noise. */
export const NOISE_BLOCK = 32;

/** Envelope level at which a decaying term is no longer computed. */
const CUTOFF = 1e-9;
const LN_CUTOFF = -Math.log(CUTOFF);
const FOUR_LN2 = 4 * Math.LN2;
const DEG = Math.PI / 180;

export interface SynthesisResult {
  /** Noise SD per real/imaginary part in the frequency domain. */
  noiseSd: number;
  /** Height of the SNR reference peak in the noise-free phased real spectrum. */
  peakHeight: number;
}

/** The distortions of one spectrum (realism.ts) and the applier that carries them out on this model's grid. */
export interface AppliedDistortion {
  d: Distortion;
  applier: DistortionApplier;
}

export class SignalModel {
  readonly grid: SimulationGrid;
  readonly layout: ParameterLayout;
  readonly settings: ModelSettings;
  /** Basis FIDs, component after component, interleaved complex, `points` each. */
  private readonly basis: Float64Array;
  private readonly n: number;
  private readonly acc: Float64Array;
  private readonly spec: Float64Array;
  /** FFT output and inverse-FFT scratch. */
  private readonly noise: Float64Array;
  private readonly plan: FFT | null;
  private readonly amp: Float64Array;
  private readonly damp: Float64Array;
  private readonly ends: Int32Array;
  private readonly noiseKey = new Uint32Array(4);
  /** Precomputed baseline lines: knot j, interleaved complex, baselineLength points. */
  private readonly baselineLines: Float64Array;
  private readonly baselineLength: number;

  constructor(basis: BasisSet, layout: ParameterLayout, settings: ModelSettings = DEFAULT_MODEL_SETTINGS) {
    if (
      basis.names.length !== layout.components.length ||
      basis.names.some((n, i) => n !== layout.components[i])
    ) {
      throw new RangeError('the parameter layout and the basis list different components');
    }
    if (layout.baselineKnots !== settings.baseline.knotsPpm.length) {
      throw new RangeError('the parameter layout and the baseline shape have different knot counts');
    }
    this.grid = gridOf(basis);
    this.layout = layout;
    this.settings = settings;
    const n = basis.points;
    this.n = n;
    this.basis = new Float64Array(2 * n * basis.names.length);
    basis.fids.forEach((fid, k) => {
      if (fid.length < 2 * n) {
        throw new InputError(`basis FID has ${fid.length / 2} points`, {
          field: `basis.${basis.names[k]}`,
          expected: `${n} points`,
        });
      }
      this.basis.set(fid.subarray(0, 2 * n), 2 * n * k);
    });
    this.acc = new Float64Array(2 * n);
    this.spec = new Float64Array(2 * n);
    this.noise = new Float64Array(2 * n);
    this.amp = new Float64Array(basis.names.length);
    this.damp = new Float64Array(basis.names.length);
    this.ends = new Int32Array(basis.names.length);
    this.plan = isPowerOfTwo(n) ? new FFT(n) : null;
    // Baseline lines: e^{+i2π f_j t} exp(-(π w t)²/(4 ln 2)) with f_j = (ppmReference − ppm_j)·MHz (a line at
    // δ ppm is e^{-i2π(δ − ppmReference)·MHz·t}, docs/conventions.md), kept until the envelope is below CUTOFF.
    const dt = basis.dwellTime;
    const wHz = settings.baseline.fwhmPpm * basis.spectrometerFrequency;
    const c = (Math.PI * wHz * dt) ** 2 / FOUR_LN2;
    this.baselineLength = Math.min(n, Math.ceil(Math.sqrt(LN_CUTOFF / Math.max(c, 1e-300))) + 1);
    const m = this.baselineLength;
    this.baselineLines = new Float64Array(2 * m * settings.baseline.knotsPpm.length);
    settings.baseline.knotsPpm.forEach((ppm, j) => {
      const f = (basis.ppmReference - ppm) * basis.spectrometerFrequency;
      for (let t = 0; t < m; t++) {
        const env = Math.exp(-c * t * t);
        const ang = 2 * Math.PI * f * t * dt;
        this.baselineLines[2 * (j * m + t)] = env * Math.cos(ang);
        this.baselineLines[2 * (j * m + t) + 1] = env * Math.sin(ang);
      }
    });
  }

  get points(): number {
    return this.n;
  }

  /** Index of the L13 component (the reference of the distortions' areas), or -1. */
  get l13Index(): number {
    return this.layout.components.indexOf('L13');
  }

  /** Area of component k at unit amplitude: |b_k(0)| (the FID at t = 0 is the integral of its spectrum). */
  componentArea(k: number): number {
    const j = 2 * this.n * k;
    return Math.hypot(this.basis[j], this.basis[j + 1]);
  }

  /**
   * Synthesises one spectrum from the parameter row `p` (at `offset`): writes the frequency-domain spectrum
   * (fftshift order, interleaved complex) into `fd`, and if given the time-domain FID into `td` (the inverse
   * transform of `fd`, so both always agree). Noise comes from `noiseRng` (none if null). The noise SD is
   * written back into the row's noise_sd column. With `bins` (and no `td`) only those bins of `fd`, rounded
   * out to whole blocks of NOISE_BLOCK bins, are made and written (first-order phase and noise are the costly
   * per-bin steps; a network sees only its window): they hold the values the full spectrum has there, because
   * the noise is drawn in addressable blocks (see fillNormalBlock).
   */
  synthesize(
    p: Float64Array,
    offset: number,
    noiseRng: Rng | null,
    fd: Float64Array | Float32Array,
    td?: Float64Array | Float32Array,
    bins?: { first: number; length: number },
    distortion?: AppliedDistortion,
  ): SynthesisResult {
    const L = this.layout;
    const n = this.n;
    const phi0 = p[offset + L.phi0] * DEG;
    const shiftHz = p[offset + L.shift];
    // G(t_n) = exp(-beta n²), σ_G the FWHM in Hz; a distortion's lineshape takes the Gaussian's place.
    const beta = distortion?.d.lineshape
      ? 0
      : (Math.PI * Math.max(0, p[offset + L.gauss]) * this.grid.dwellTime) ** 2 / FOUR_LN2;

    const acc = this.acc;
    acc.fill(0);
    const last = this.addComponents(p, offset, beta);
    this.applySharedTerms(last, phi0, shiftHz, beta);
    if (distortion) distortion.applier.lines(distortion.d, acc);
    this.addBaseline(p, offset, phi0);
    this.addWater(p, offset);
    if (distortion) {
      const k = this.l13Index;
      const l13 = k >= 0 ? p[offset + k] * this.componentArea(k) : 0;
      distortion.applier.all(distortion.d, acc, l13, p[offset + L.phi0]);
    }
    const X = this.transform(acc);

    // The bins to finish: all of them, or the caller's window rounded out to whole noise blocks.
    let first = 0;
    let end = n;
    if (bins && !td) {
      first = Math.max(0, Math.floor(bins.first / NOISE_BLOCK) * NOISE_BLOCK);
      end = Math.min(n, Math.ceil((bins.first + bins.length) / NOISE_BLOCK) * NOISE_BLOCK);
    }
    // fftshift of the bins that are used (the window and the SNR window) into `spec`.
    const { ppm, halfWidthPpm } = this.settings.snrPeak;
    const centre = ppm + shiftHz / this.grid.spectrometerFrequency;
    const lo = Math.max(0, Math.ceil(this.ppmToBin(centre + halfWidthPpm)));
    const hi = Math.min(n - 1, Math.floor(this.ppmToBin(centre - halfWidthPpm)));
    const spec = this.spec;
    if (lo <= hi) this.shiftInto(X, Math.min(first, lo), Math.max(end, hi + 1));
    else this.shiftInto(X, first, end);

    // SNR reference height: max Re(e^{-iφ0} S) around the reference peak (moved by the shift), before φ1.
    const peakHeight = peakHeightIn(spec, lo, hi, phi0);
    const snr = p[offset + L.snr];
    const sigma = snr > 0 && peakHeight > 0 ? peakHeight / snr : 0;
    p[offset + L.noiseSd] = sigma;

    this.applyFirstOrderPhase(p[offset + L.phi1] * DEG, first, end);

    if (noiseRng && sigma > 0) {
      const key = this.noiseKey;
      for (let w = 0; w < 4; w++) key[w] = noiseRng.nextUint32();
      for (let b = first / NOISE_BLOCK; b * NOISE_BLOCK < end; b++) {
        const at = 2 * b * NOISE_BLOCK;
        addNormalBlock(key, b, sigma, spec, fd, at, Math.min(2 * NOISE_BLOCK, 2 * end - at));
      }
    } else {
      for (let i = 2 * first; i < 2 * end; i++) fd[i] = spec[i];
    }

    if (td) {
      // td = ifft(ifftshift(fd)); `acc` is free again and serves as the scratch buffer (set() from a float32 fd
      // converts each value as an assignment would).
      const h = n >> 1;
      const back = this.acc;
      back.set(fd.subarray(2 * h, 2 * n), 0);
      back.set(fd.subarray(0, 2 * h), 2 * (n - h));
      const y = this.inverse(back);
      for (let i = 0; i < 2 * n; i++) td[i] = y[i];
    }
    return { noiseSd: sigma, peakHeight };
  }

  /**
   * acc += Σ_k a_k b_k(t) e^{-πΔν_k t} (the Gaussian and the shift are shared and applied once, later); returns
   * the number of points after which every component has decayed below CUTOFF.
   */
  private addComponents(p: Float64Array, offset: number, beta: number): number {
    const L = this.layout;
    const n = this.n;
    const dt = this.grid.dwellTime;
    const acc = this.acc;
    const K = L.components.length;
    const damp = this.damp;
    const amp = this.amp;
    const ends = this.ends;
    let last = 0;
    // Widths are mostly shared by a class of components: exp() and the decay length once per distinct width.
    let width = Number.NaN;
    let decay = 0;
    let length = 0;
    for (let k = 0; k < K; k++) {
      const a = p[offset + L.amplitude0 + k];
      const w = Math.max(0, p[offset + L.linewidth0 + k]);
      if (w !== width) {
        const alpha = Math.PI * w * dt; // per point
        width = w;
        decay = Math.exp(-alpha);
        length = decayLength(alpha, beta, n);
      }
      amp[k] = a;
      damp[k] = decay;
      ends[k] = a === 0 ? 0 : length;
      if (ends[k] > last) last = ends[k];
    }
    // Four components per pass over the accumulator (a quarter of its loads and stores); each group runs to the
    // longest of its members' decay lengths.
    const basis = this.basis;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const stop = 2 * Math.max(ends[k], ends[k + 1], ends[k + 2], ends[k + 3]);
      let d0 = amp[k];
      let d1 = amp[k + 1];
      let d2 = amp[k + 2];
      let d3 = amp[k + 3];
      const r0 = damp[k];
      const r1 = damp[k + 1];
      const r2 = damp[k + 2];
      const r3 = damp[k + 3];
      const j0 = 2 * n * k;
      const j1 = j0 + 2 * n;
      const j2 = j1 + 2 * n;
      const j3 = j2 + 2 * n;
      for (let i = 0; i < stop; i += 2) {
        acc[i] += d0 * basis[j0 + i] + d1 * basis[j1 + i] + d2 * basis[j2 + i] + d3 * basis[j3 + i];
        acc[i + 1] +=
          d0 * basis[j0 + i + 1] + d1 * basis[j1 + i + 1] + d2 * basis[j2 + i + 1] + d3 * basis[j3 + i + 1];
        d0 *= r0;
        d1 *= r1;
        d2 *= r2;
        d3 *= r3;
      }
    }
    for (; k < K; k++) {
      let d = amp[k];
      const r = damp[k];
      const j = 2 * n * k;
      const stop = 2 * ends[k];
      for (let i = 0; i < stop; i += 2) {
        acc[i] += d * basis[j + i];
        acc[i + 1] += d * basis[j + i + 1];
        d *= r;
      }
    }
    return last;
  }

  /**
   * acc × e^{iφ0} e^{-i2πΔf t} G(t) over the first `last` points, by recurrences: rotation
   * w_{n+1} = w_n e^{-i2πΔf dt}; G_{n+1} = G_n q_n, q_{n+1} = q_n e^{-2 beta} (since G_n = e^{-beta n²}).
   */
  private applySharedTerms(last: number, phi0: number, shiftHz: number, beta: number): void {
    const acc = this.acc;
    const stepAng = -2 * Math.PI * shiftHz * this.grid.dwellTime;
    const sc = Math.cos(stepAng);
    const ss = Math.sin(stepAng);
    let wr = Math.cos(phi0);
    let wi = Math.sin(phi0);
    let g = 1;
    let q = Math.exp(-beta);
    const q2 = Math.exp(-2 * beta);
    for (let i = 0; i < 2 * last; i += 2) {
      const re = acc[i];
      const im = acc[i + 1];
      const fr = g * wr;
      const fi = g * wi;
      acc[i] = re * fr - im * fi;
      acc[i + 1] = re * fi + im * fr;
      const nwr = wr * sc - wi * ss;
      wi = wr * ss + wi * sc;
      wr = nwr;
      g *= q;
      q *= q2;
    }
  }

  /** Baseline: acc += e^{iφ0} Σ_j c_j line_j(t). */
  private addBaseline(p: Float64Array, offset: number, phi0: number): void {
    const L = this.layout;
    const acc = this.acc;
    const m = this.baselineLength;
    const cphi = Math.cos(phi0);
    const sphi = Math.sin(phi0);
    const lines = this.baselineLines;
    for (let j = 0; j < L.baselineKnots; j++) {
      const cj = p[offset + L.baseline0 + j];
      if (cj === 0) continue;
      const cr = cj * cphi;
      const ci = cj * sphi;
      let b = 2 * m * j;
      for (let i = 0; i < 2 * m; i += 2) {
        const lr = lines[b];
        const li = lines[b + 1];
        acc[i] += cr * lr - ci * li;
        acc[i + 1] += cr * li + ci * lr;
        b += 2;
      }
    }
  }

  /** Residual water: acc += A_w e^{iφ_w} e^{(i2π f_w - πΔν_w) t}, f_w = (ppmReference − waterPpm)·MHz − offset. */
  private addWater(p: Float64Array, offset: number): void {
    const L = this.layout;
    const aw = p[offset + L.waterAmp];
    if (aw === 0) return;
    const acc = this.acc;
    const dt = this.grid.dwellTime;
    const fw =
      (this.grid.ppmReference - this.settings.waterPpm) * this.grid.spectrometerFrequency -
      p[offset + L.waterOffset];
    const alpha = Math.PI * Math.max(0, p[offset + L.waterWidth]) * dt;
    const end = decayLength(alpha, 0, this.n);
    const decay = Math.exp(-alpha);
    const ang = 2 * Math.PI * fw * dt;
    const sr = decay * Math.cos(ang);
    const si = decay * Math.sin(ang);
    const pw = p[offset + L.waterPhase] * DEG;
    let vr = aw * Math.cos(pw);
    let vi = aw * Math.sin(pw);
    for (let i = 0; i < 2 * end; i += 2) {
      acc[i] += vr;
      acc[i + 1] += vi;
      const nvr = vr * sr - vi * si;
      vi = vr * si + vi * sr;
      vr = nvr;
    }
  }

  /** spec[k] = X[(k − h) mod n] (fftshift) for the bins k in [from, to). */
  private shiftInto(X: Float64Array, from: number, to: number): void {
    const spec = this.spec;
    const n = this.n;
    const h = n >> 1;
    const split = Math.max(from, Math.min(to, h));
    if (split > from) spec.set(X.subarray(2 * (from + n - h), 2 * (split + n - h)), 2 * from);
    if (to > split) spec.set(X.subarray(2 * (split - h), 2 * (to - h)), 2 * split);
  }

  /**
   * First-order phase e^{iφ1 (ppm_k − ref)} = e^{-iφ1 f_k / MHz}, f_k = (k − h)/(N dt), by recurrence over the
   * bins k in [first, end) of `spec`.
   */
  private applyFirstOrderPhase(phi1: number, first: number, end: number): void {
    if (phi1 === 0) return;
    const spec = this.spec;
    const n = this.n;
    const h = n >> 1;
    const step = -phi1 / (n * this.grid.dwellTime * this.grid.spectrometerFrequency);
    let ur = Math.cos((first - h) * step);
    let ui = Math.sin((first - h) * step);
    const cr = Math.cos(step);
    const ci = Math.sin(step);
    for (let i = 2 * first; i < 2 * end; i += 2) {
      const re = spec[i];
      const im = spec[i + 1];
      spec[i] = re * ur - im * ui;
      spec[i + 1] = re * ui + im * ur;
      const nur = ur * cr - ui * ci;
      ui = ur * ci + ui * cr;
      ur = nur;
    }
  }

  /** Fractional index of a chemical shift in the fftshift-ordered spectrum. */
  ppmToBin(ppm: number): number {
    const g = this.grid;
    return (g.ppmReference - ppm) * g.spectrometerFrequency * g.points * g.dwellTime + (g.points >> 1);
  }

  private transform(x: Float64Array): Float64Array {
    if (this.plan) {
      this.plan.transform(this.noise as unknown as number[], x as unknown as number[]);
      return this.noise;
    }
    return fft(x);
  }

  private inverse(x: Float64Array): Float64Array {
    if (this.plan) {
      this.plan.inverseTransform(this.noise as unknown as number[], x as unknown as number[]);
      return this.noise;
    }
    return ifft(x);
  }
}

/**
 * Maximum of Re(e^{-iφ0} S) over the bins lo..hi of `spec`; falls back to max |S| there if that is not
 * positive (0 for an empty window).
 */
function peakHeightIn(spec: Float64Array, lo: number, hi: number, phi0: number): number {
  const c = Math.cos(phi0);
  const s = Math.sin(phi0);
  let best = Number.NEGATIVE_INFINITY;
  for (let k = lo; k <= hi; k++) {
    const v = spec[2 * k] * c + spec[2 * k + 1] * s;
    if (v > best) best = v;
  }
  if (best > 0) return best;
  let bestAbs = 0;
  for (let k = lo; k <= hi; k++) bestAbs = Math.max(bestAbs, Math.hypot(spec[2 * k], spec[2 * k + 1]));
  return bestAbs;
}

/** Number of points until exp(-alpha n - beta n²) < CUTOFF (at most n). */
function decayLength(alpha: number, beta: number, n: number): number {
  let t: number;
  if (beta > 0) t = (-alpha + Math.sqrt(alpha * alpha + 4 * beta * LN_CUTOFF)) / (2 * beta);
  else if (alpha > 0) t = LN_CUTOFF / alpha;
  else return n;
  return Math.min(n, Math.ceil(t) + 1);
}
