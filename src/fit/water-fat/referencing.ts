import type { Fid } from '../../core/fid.js';
import { binFrequencyHz } from '../../core/fid.js';
import { fidToSpectrum } from '../../spectra/fft.js';
import { FAT_PEAKS, LIVER_FAT, relativeAreas, WATER_PPM } from '../../physics/chemistry.js';

/**
 * Automatic frequency referencing on the water–fat pattern.
 *
 * The scanner's frequency adjustment can lock on fat instead of water, or be off altogether, so the nominal
 * axis cannot be trusted. The magnitude spectrum (independent of phase) is matched, over shifts of the axis up
 * to ±`searchPpm`, by a non-negative combination of two magnitude templates: a water singlet at WATER_PPM and
 * the Hamilton liver fat pattern (0.9/1.3/2.1/2.75/4.2/5.3 ppm at their relative areas), each with a Lorentzian
 * width tried from a short list. Water alone and fat alone are the same singlet-like shape 3.4 ppm apart; the
 * fat companions at 0.9, 2.1 and 5.3 ppm are what tell them apart, so the best shift is compared with the best
 * shift more than 1 ppm away (the other interpretation) and the confidence is 1 − RSS_best / RSS_other.
 */

export interface ReferencingResult {
  /** How far the data's nominal axis is off: a resonance at true shift d appears at d + shiftPpm. */
  shiftPpm: number;
  /** 1 − RSS(best) / RSS(best alternative at least 1 ppm away): 0 = ambiguous, 1 = certain. */
  confidence: number;
  /** Fraction of the magnitude spectrum's energy the water + fat templates explain at the best shift. */
  explained: number;
  /** Template amplitudes at the best shift (magnitude units): water and total fat. */
  water: number;
  fat: number;
  /** Largest magnitude over the noise SD (complex-point SD). */
  peakSnr: number;
  /** Lorentzian FWHM (Hz) of the best template. */
  widthHz: number;
  found: boolean;
  /** Why not found (no signal; no water/fat pattern). */
  reason?: string;
}

export interface ReferencingOptions {
  /** Search range (ppm) either side of the nominal axis. Default 2.5. */
  searchPpm?: number;
  /** Widths (Hz FWHM) tried for the templates. Default 10, 20, 35, 55. */
  widthsHz?: number[];
  /** Minimum peak SNR to attempt. Default 5. */
  minSnr?: number;
  /** Minimum explained energy to accept. Default 0.5. */
  minExplained?: number;
}

/** Complex Lorentzian line (unit area) evaluated on a frequency offset x (Hz) with FWHM w: 1 / (w/2 − i x). */
function lorentz(x: number, w: number): [number, number] {
  const g = w / 2;
  const d = g * g + x * x;
  return [g / d, x / d];
}

export function referenceWaterFat(fid: Fid, opts: ReferencingOptions = {}): ReferencingResult {
  const search = opts.searchPpm ?? 2.5;
  const widths = opts.widthsHz ?? [10, 20, 35, 55];
  const n = fid.points;
  const mhz = fid.spectrometerFrequency;
  const spec = fidToSpectrum(fid.data);
  const mag = new Float64Array(n);
  for (let k = 0; k < n; k++) mag[k] = Math.sqrt(spec[2 * k] ** 2 + spec[2 * k + 1] ** 2);
  const ppm = new Float64Array(n);
  for (let k = 0; k < n; k++) ppm[k] = fid.ppmReference - binFrequencyHz(k, n, fid.dwellTime) / mhz;
  const noise = edgeNoise(spec, n);
  let peak = 0;
  for (let k = 0; k < n; k++) peak = Math.max(peak, mag[k]);
  const peakSnr = noise > 0 ? peak / noise : Number.POSITIVE_INFINITY;
  const base = { shiftPpm: 0, confidence: 0, explained: 0, water: 0, fat: 0, peakSnr, widthHz: 0 };
  if (!(peakSnr >= (opts.minSnr ?? 5))) {
    return {
      ...base,
      found: false,
      reason: `no signal: the largest peak is ${peakSnr.toFixed(1)} × the noise SD (wrong nucleus, coil off, or an empty voxel?)`,
    };
  }
  // The whole spectrum (less the filter roll-off at the edges) is matched, so that a large peak the templates
  // cannot place (water beyond the search range while its fat sits inside it) lowers `explained`.
  const edge = Math.ceil(0.02 * n);
  const kept: number[] = [];
  for (let k = edge; k < n - edge; k++) kept.push(k);
  const idx = Int32Array.from(kept);
  const m = idx.length;
  const y = Float64Array.from(kept, (k) => mag[k]);
  // A flat floor: the noise magnitude's mean (Rayleigh: σ√(π/2) for complex SD σ/√2 per part).
  const floor = noise * Math.sqrt(Math.PI / 4);
  for (let i = 0; i < m; i++) y[i] = Math.max(0, y[i] - floor);
  let yy = 0;
  for (let i = 0; i < m; i++) yy += y[i] * y[i];
  const rel = relativeAreas(LIVER_FAT);
  // Search on whole bins: a shift of s bins moves every template by s bins, so each template is computed once
  // per width on an extended grid and the search only re-indexes it. Parabolic refinement gives the sub-bin part.
  const binHz = 1 / (n * fid.dwellTime);
  const stepPpm = binHz / mhz;
  const steps = Math.max(1, Math.round(search / stepPpm));
  const rssAt = new Float64Array(2 * steps + 1).fill(Number.POSITIVE_INFINITY);
  const fitAt: { w: number; f: number; width: number }[] = new Array(2 * steps + 1);
  // Extended grid index e = k - s + steps for s in [-steps, steps]: a peak's bin position moves to higher k for
  // lower ppm; a positive shiftPpm moves peaks to higher ppm, i.e. lower k (k = k0 - s with s = shift in bins).
  const ext = n + 2 * steps;
  const binOf = (p: number) => ((fid.ppmReference - p) * mhz) / binHz + Math.floor(n / 2);
  for (const width of widths) {
    const TW = new Float64Array(ext);
    const TF = new Float64Array(ext);
    const kw = binOf(WATER_PPM);
    const kf = FAT_PEAKS.map((q) => binOf(q.ppm));
    for (let e = 0; e < ext; e++) {
      const k = e - steps;
      const [wr, wi] = lorentz((kw - k) * binHz, width);
      TW[e] = Math.sqrt(wr * wr + wi * wi);
      let fr = 0;
      let fi = 0;
      for (let j = 0; j < kf.length; j++) {
        const [a, b] = lorentz((kf[j] - k) * binHz, width);
        fr += rel[j] * a;
        fi += rel[j] * b;
      }
      TF[e] = Math.sqrt(fr * fr + fi * fi);
    }
    for (let s = -steps; s <= steps; s++) {
      // Data bin k holds the template value at k + s (a peak shifted by +s·stepPpm sits s bins lower). The
      // normal equations of the two-column fit are accumulated directly (no per-shift arrays).
      let uu = 0;
      let vv = 0;
      let uv = 0;
      let uy = 0;
      let vy = 0;
      const off = s + steps;
      for (let i = 0; i < m; i++) {
        const e = idx[i] + off;
        const u = TW[e];
        const v = TF[e];
        const yi = y[i];
        uu += u * u;
        vv += v * v;
        uv += u * v;
        uy += u * yi;
        vy += v * yi;
      }
      const [w, f, rss] = nnls2(uu, vv, uv, uy, vy, yy);
      const at = s + steps;
      if (rss < rssAt[at]) {
        rssAt[at] = rss;
        fitAt[at] = { w, f, width };
      }
    }
  }
  let best = 0;
  for (let i = 1; i < rssAt.length; i++) if (rssAt[i] < rssAt[best]) best = i;
  let alt = Number.POSITIVE_INFINITY;
  const away = Math.round(1 / stepPpm);
  for (let i = 0; i < rssAt.length; i++) if (Math.abs(i - best) > away) alt = Math.min(alt, rssAt[i]);
  // Sub-step refinement: parabola through the three RSS values around the minimum.
  let frac = 0;
  if (best > 0 && best < rssAt.length - 1) {
    const a = rssAt[best - 1];
    const b = rssAt[best];
    const c = rssAt[best + 1];
    const den = a - 2 * b + c;
    if (den > 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
  }
  const shiftPpm = (best - steps + frac) * stepPpm;
  const explained = yy > 0 ? 1 - rssAt[best] / yy : 0;
  const confidence = Number.isFinite(alt) && alt > 0 ? Math.max(0, 1 - rssAt[best] / alt) : 1;
  const fit = fitAt[best];
  const out: ReferencingResult = {
    ...base,
    shiftPpm,
    confidence,
    explained,
    water: fit.w,
    fat: fit.f,
    widthHz: fit.width,
    found: true,
  };
  if (explained < (opts.minExplained ?? 0.5)) {
    out.found = false;
    out.reason =
      `no water–fat pattern within ±${search} ppm of the nominal axis (templates explain ${(100 * explained).toFixed(0)}% ` +
      'of the spectrum): the transmitter frequency is probably not on water or fat, or this is not a 1H body spectrum';
  }
  return out;
}

/** Noise SD per real/imaginary point from the outer 8% of the spectrum on each side (a straight line removed). */
export function edgeNoise(spec: Float64Array, n: number): number {
  const w = Math.max(8, Math.floor(0.08 * n));
  const e = Math.ceil(0.02 * n);
  let ss = 0;
  let count = 0;
  for (const start of [e, n - e - w]) {
    for (const part of [0, 1]) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      for (let i = 0; i < w; i++) {
        const v = spec[2 * (start + i) + part];
        sx += i;
        sy += v;
        sxx += i * i;
        sxy += i * v;
      }
      const slope = (w * sxy - sx * sy) / (w * sxx - sx * sx);
      const icpt = (sy - slope * sx) / w;
      for (let i = 0; i < w; i++) {
        const r = spec[2 * (start + i) + part] - icpt - slope * i;
        ss += r * r;
        count++;
      }
    }
  }
  return Math.sqrt(ss / Math.max(1, count - 8));
}

/** Non-negative least squares with two columns, from the normal-equation sums: returns [a, b, rss]. */
function nnls2(
  uu: number,
  vv: number,
  uv: number,
  uy: number,
  vy: number,
  yy: number,
): [number, number, number] {
  const rss = (a: number, b: number) => yy - 2 * (a * uy + b * vy) + a * a * uu + b * b * vv + 2 * a * b * uv;
  const det = uu * vv - uv * uv;
  if (det > 1e-12 * uu * vv) {
    const a = (vv * uy - uv * vy) / det;
    const b = (uu * vy - uv * uy) / det;
    if (a >= 0 && b >= 0) return [a, b, rss(a, b)];
  }
  const a = uu > 0 ? Math.max(0, uy / uu) : 0;
  const b = vv > 0 ? Math.max(0, vy / vv) : 0;
  const ra = rss(a, 0);
  const rb = rss(0, b);
  return ra <= rb ? [a, 0, ra] : [0, b, rb];
}
