import { type DimTag, dimIndex, fidView, type MrsData, withData } from '../core/mrs-data.js';
import { fft, fidToSpectrum, nextPowerOfTwo, spectrumToFid } from '../spectra/fft.js';
import { ppmAxis } from '../core/fid.js';
import { forEachAlong } from './dims.js';
import { fmt, recordStep } from './provenance.js';
import { meanFid, shiftFidInPlace } from './shift.js';

/**
 * Frequency and phase alignment of transients by spectral registration (Near et al., MRM 2015;73:44): each
 * transient s is matched to a target T by least squares over the first points of the FID,
 *   min_{f, phi} || T(t) - s(t) exp(i (phi - 2 pi f t)) ||^2   (t < maxTime),
 * starting from the maximum of the cross-correlation |sum_t conj(T) s e^{-i 2 pi f t}| (a zero-filled FFT) and
 * refined by Gauss-Newton. The target is the mean of the transients, recomputed after each pass. Optionally
 * both are first band-limited to a ppm window (e.g. to ignore residual water). `f` follows the livermrs
 * convention: positive moves peaks to higher ppm.
 */
export interface AlignOptions {
  dim?: DimTag;
  /** Restrict the match to this chemical-shift window [lo, hi] ppm. */
  window?: [number, number];
  /** Use FID samples up to this time (s). Default 0.2 s. */
  maxTime?: number;
  /** Largest shift searched (Hz). Default 0.5 ppm worth. */
  maxShiftHz?: number;
  /** Passes (target recomputed from the aligned transients). Default 2. */
  iterations?: number;
}

export interface Registration {
  shiftHz: number;
  phase: number;
}

export function alignTransients(mrs: MrsData, options: AlignOptions = {}): MrsData {
  const tag = options.dim ?? 'DIM_DYN';
  const d = dimIndex(mrs, tag);
  if (d < 0 || mrs.dims[d].size < 2) return mrs;
  const data = Float64Array.from(mrs.data);
  const out = withData(mrs, data);
  const h = mrs.header;
  const shifts: number[] = [];
  const phases: number[] = [];
  forEachAlong(mrs, d, (fids) => {
    const views = fids.map((f) => fidView(out, f));
    const prepared = views.map((v) => prepare(v, mrs, options));
    const total = prepared.map(() => ({ shiftHz: 0, phase: 0 }));
    for (let pass = 0; pass < (options.iterations ?? 2); pass++) {
      const target = meanFid(prepared);
      prepared.forEach((p, i) => {
        const r = spectralRegistration(target, p, h.dwellTime, {
          maxShiftHz: options.maxShiftHz ?? 0.5 * h.spectrometerFrequency,
        });
        shiftFidInPlace(p, h.dwellTime, r.shiftHz, r.phase);
        total[i].shiftHz += r.shiftHz;
        total[i].phase += r.phase;
      });
    }
    views.forEach((v, i) => {
      shiftFidInPlace(v, h.dwellTime, total[i].shiftHz, total[i].phase);
      shifts.push(total[i].shiftHz);
      phases.push((((total[i].phase * 180) / Math.PI + 540) % 360) - 180);
    });
  });
  const rms = (a: number[]) => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);
  return recordStep(
    out,
    'Frequency and phase correction',
    `spectral registration (Near 2015) of ${tag} to the mean, ${options.window ? `window ${options.window.join('-')} ppm, ` : ''}` +
      `first ${fmt(options.maxTime ?? 0.2)} s; shifts ${fmt(Math.min(...shifts))} to ${fmt(Math.max(...shifts))} Hz ` +
      `(rms ${fmt(rms(shifts))}), phases rms ${fmt(rms(phases))} deg`,
  );
}

/** The part of an FID used for matching: band-limited to the window (if any) and truncated to maxTime. */
function prepare(fid: Float64Array, mrs: MrsData, o: AlignOptions): Float64Array {
  const n = mrs.points;
  const m = Math.max(16, Math.min(n, Math.round((o.maxTime ?? 0.2) / mrs.header.dwellTime)));
  let f: Float64Array = fid;
  if (o.window) {
    const s = fidToSpectrum(fid);
    const ax = ppmAxis({ ...mrs.header, points: n });
    for (let k = 0; k < n; k++) {
      if (ax[k] < o.window[0] || ax[k] > o.window[1]) {
        s[2 * k] = 0;
        s[2 * k + 1] = 0;
      }
    }
    f = spectrumToFid(s);
  }
  return Float64Array.from(f.subarray(0, 2 * m));
}

/** Registration of one FID to a target (equal length, interleaved). */
export function spectralRegistration(
  target: Float64Array,
  fid: Float64Array,
  dwellTime: number,
  options: { maxShiftHz?: number; maxIterations?: number } = {},
): Registration {
  const n = Math.min(target.length, fid.length) >> 1;
  // Coarse: G(f) = sum_t conj(T_t) s_t e^{-i 2 pi f t}; |G| is largest at the shift that matches.
  const p = nextPowerOfTwo(8 * n);
  const g = new Float64Array(2 * p);
  for (let k = 0; k < n; k++) {
    const tr = target[2 * k];
    const ti = target[2 * k + 1];
    const sr = fid[2 * k];
    const si = fid[2 * k + 1];
    g[2 * k] = tr * sr + ti * si;
    g[2 * k + 1] = tr * si - ti * sr;
  }
  const G = fft(g);
  const maxBin = Math.min(
    p / 2 - 1,
    Math.floor((options.maxShiftHz ?? Number.POSITIVE_INFINITY) * p * dwellTime),
  );
  let best = 0;
  let bestMag = -1;
  for (let b = -maxBin; b <= maxBin; b++) {
    const k = (b + p) % p;
    const mag = Math.hypot(G[2 * k], G[2 * k + 1]);
    if (mag > bestMag) {
      bestMag = mag;
      best = b;
    }
  }
  // corrected = s e^{i(phi - 2 pi f t)}: <T, corrected> = e^{i phi} G(f) with G at frequency f = b / (p dt)
  let f = best / (p * dwellTime);
  const kb = (best + p) % p;
  let phi = -Math.atan2(G[2 * kb + 1], G[2 * kb]);
  // Gauss-Newton refinement on the real and imaginary residuals.
  for (let it = 0; it < (options.maxIterations ?? 20); it++) {
    let jff = 0;
    let jfp = 0;
    let jpp = 0;
    let gf = 0;
    let gp = 0;
    for (let k = 0; k < n; k++) {
      const t = k * dwellTime;
      const a = phi - 2 * Math.PI * f * t;
      const c = Math.cos(a);
      const s = Math.sin(a);
      const mr = fid[2 * k] * c - fid[2 * k + 1] * s;
      const mi = fid[2 * k] * s + fid[2 * k + 1] * c;
      const rr = target[2 * k] - mr;
      const ri = target[2 * k + 1] - mi;
      // d model / d phi = i m; d model / d f = -i 2 pi t m
      const dpr = -mi;
      const dpi = mr;
      const dfr = 2 * Math.PI * t * mi;
      const dfi = -2 * Math.PI * t * mr;
      jpp += dpr * dpr + dpi * dpi;
      jff += dfr * dfr + dfi * dfi;
      jfp += dfr * dpr + dfi * dpi;
      gp += dpr * rr + dpi * ri;
      gf += dfr * rr + dfi * ri;
    }
    const det = jff * jpp - jfp * jfp;
    if (!(det > 0)) break;
    const df = (jpp * gf - jfp * gp) / det;
    const dp = (jff * gp - jfp * gf) / det;
    f += df;
    phi += dp;
    if (Math.abs(df) * n * dwellTime < 1e-7 && Math.abs(dp) < 1e-9) break;
  }
  return { shiftHz: f, phase: phi };
}
