import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { chirpZPlan, fft } from '../spectra/fft.js';
import type { Diagnostic } from './diagnostics.js';
import { gridOf } from '../core/grid.js';

/**
 * Puts a basis set on the data's time grid.
 *
 * - Same dwell time, spectrometer frequency and ppm reference: truncate or zero-fill each FID to the data's
 *   length (LCModel bases are often stored zero-filled to twice the acquired length).
 * - Otherwise: band-limited (Fourier) interpolation in the time domain. Each basis FID is expanded in its own
 *   DFT, b(t) = (1/N) Σ_k S_k e^{i2π f_k t}; every basis frequency is mapped to the data's axis through its
 *   chemical shift, f'_k = (ref_d − δ_k)·MHz_d with δ_k = ref_b − f_k/MHz_b (so a basis simulated at 127.76 MHz
 *   lands at the right ppm on 123.2 MHz data and ppm-reference differences are absorbed); components that fall
 *   outside the data's band are dropped (no aliasing); the sum is evaluated at t_n = n·dwell_d, and samples
 *   later than the basis's own duration are zero. The mapped frequencies are equally spaced, so the sum is a
 *   chirp-z transform (spectra/fft.ts chirpZ): O((K + N) log(K + N)) per FID instead of O(K·N).
 *
 * Refused (InputError): a basis whose spectral width is narrower than the data's (it cannot describe the
 * data's band), a nucleus mismatch, or a spectrometer frequency more than 5% away (another field strength:
 * J-coupling patterns would be wrong).
 */
export interface ResampleResult {
  basis: BasisSet;
  /** What was done, for provenance. */
  method: 'identity' | 'truncate' | 'zero-fill' | 'interpolate';
  warnings: Diagnostic[];
}

export type DataGrid = Pick<
  Fid,
  'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference' | 'nucleus'
>;

export function resampleBasis(basis: BasisSet, data: DataGrid, file = '<basis>'): ResampleResult {
  const warnings: Diagnostic[] = [];
  if (basis.nucleus && data.nucleus && basis.nucleus !== data.nucleus) {
    throw new InputError(`basis nucleus ${basis.nucleus} differs from the data's ${data.nucleus}`, {
      file,
      field: 'nucleus',
      expected: data.nucleus,
    });
  }
  const mhzRel = Math.abs(basis.spectrometerFrequency / data.spectrometerFrequency - 1);
  if (mhzRel > 0.05) {
    throw new InputError(
      `basis spectrometer frequency ${basis.spectrometerFrequency.toFixed(3)} MHz is ${(mhzRel * 100).toFixed(1)}% from the data's ${data.spectrometerFrequency.toFixed(3)} MHz`,
      {
        file,
        field: 'spectrometerFrequency',
        expected: 'a basis simulated for the data field strength (within 5%)',
      },
    );
  }
  const swB = 1 / basis.dwellTime;
  const swD = 1 / data.dwellTime;
  if (swB < swD * (1 - 1e-6)) {
    throw new InputError(
      `basis spectral width ${swB.toFixed(1)} Hz is narrower than the data's ${swD.toFixed(1)} Hz and cannot be resampled to it`,
      {
        file,
        field: 'dwellTime',
        expected: `a basis with dwell time <= ${data.dwellTime.toExponential(4)} s`,
      },
    );
  }
  const sameDwell = Math.abs(basis.dwellTime / data.dwellTime - 1) < 1e-6;
  const sameMhz = mhzRel < 1e-6;
  const sameRef = Math.abs(basis.ppmReference - data.ppmReference) < 1e-9;
  let fids: Float64Array[];
  let method: ResampleResult['method'];
  if (sameDwell && sameMhz && sameRef) {
    method =
      basis.points === data.points ? 'identity' : basis.points > data.points ? 'truncate' : 'zero-fill';
    fids = basis.fids.map((f) => {
      const out = new Float64Array(2 * data.points);
      out.set(f.subarray(0, 2 * Math.min(basis.points, data.points)));
      return out;
    });
  } else {
    method = 'interpolate';
    if (mhzRel > 0.005) {
      warnings.push({
        code: 'basis-field-mismatch',
        basisMhz: basis.spectrometerFrequency,
        dataMhz: data.spectrometerFrequency,
      });
    }
    const interpolate = interpolator(basis, data);
    fids = basis.fids.map(interpolate);
  }
  if (basis.points * basis.dwellTime < data.points * data.dwellTime * (1 - 1e-9)) {
    const tail = basis.fids.map((f, k) => ({
      name: basis.names[k],
      ratio:
        Math.hypot(f[2 * basis.points - 2], f[2 * basis.points - 1]) /
        Math.max(1e-300, Math.hypot(f[0], f[1])),
    }));
    const bad = tail.filter((t) => t.ratio > 0.01).map((t) => t.name);
    if (bad.length > 0) {
      warnings.push({
        code: 'basis-short',
        basisSeconds: basis.points * basis.dwellTime,
        dataSeconds: data.points * data.dwellTime,
        components: bad,
      });
    }
  }
  return {
    basis: {
      ...basis,
      fids,
      ...gridOf(data),
      meta: { ...(basis.meta ?? {}), resampled: method },
    },
    method,
    warnings,
  };
}

/** Band-limited interpolation of basis FIDs onto the data grid (see the comment at the top). */
function interpolator(b: BasisSet, d: DataGrid): (f: Float64Array) => Float64Array {
  const nb = b.points;
  const tMax = (nb - 1) * b.dwellTime * (1 + 1e-12);
  let nMax = 0;
  while (nMax < d.points && nMax * d.dwellTime <= tMax) nMax++;
  const halfBand = 0.5 / d.dwellTime;
  const ratio = d.spectrometerFrequency / b.spectrometerFrequency;
  const offset = (d.ppmReference - b.ppmReference) * d.spectrometerFrequency;
  // Bins in the data's band, in order of frequency: f'_k = offset + ratio * k / (nb * dwell_b) increases with the
  // signed bin k, so they are one run k0 .. k0 + K - 1.
  let k0 = 0;
  let count = 0;
  for (let k = -Math.floor(nb / 2); k < nb - Math.floor(nb / 2); k++) {
    const fd = offset + (k / (nb * b.dwellTime)) * ratio;
    if (Math.abs(fd) >= halfBand) continue;
    if (count === 0) k0 = k;
    count++;
  }
  // out_n = sum_m c_m e^{i 2 pi f'_(k0+m) n dwell_d} = e^{i 2 pi f'_k0 n dwell_d} sum_m c_m e^{i 2 pi alpha m n}:
  // a chirp-z transform with alpha = ratio * dwell_d / (nb * dwell_b), O((K + N) log(K + N)) instead of O(K N).
  const alpha = (ratio * d.dwellTime) / (nb * b.dwellTime);
  const sum = count > 0 ? chirpZPlan(count, nMax, (m) => Math.PI * alpha * m * m) : undefined;
  const f0 = offset + (k0 / (nb * b.dwellTime)) * ratio;
  const rot = new Float64Array(2 * nMax);
  for (let n = 0; n < nMax; n++) {
    const ang = 2 * Math.PI * f0 * d.dwellTime * n;
    rot[2 * n] = Math.cos(ang);
    rot[2 * n + 1] = Math.sin(ang);
  }
  return (f) => {
    const out = new Float64Array(2 * d.points);
    if (!sum) return out;
    // A causal FID jumps at t = 0: its DFT carries x0/2 spread flat over every bin, most of which fall outside
    // the data's band. Halving the first point (trapezoid rule) removes that flat part; the band-limited sum
    // then returns x0/2 at t = 0, which is doubled back below.
    const src = Float64Array.from(f.subarray(0, 2 * nb));
    src[0] *= 0.5;
    src[1] *= 0.5;
    const spec = fft(src);
    const c = new Float64Array(2 * count);
    for (let m = 0; m < count; m++) {
      const j = k0 + m < 0 ? k0 + m + nb : k0 + m;
      c[2 * m] = spec[2 * j] / nb;
      c[2 * m + 1] = spec[2 * j + 1] / nb;
    }
    const z = sum(c);
    for (let n = 0; n < nMax; n++) {
      const re = z[2 * n];
      const im = z[2 * n + 1];
      out[2 * n] = re * rot[2 * n] - im * rot[2 * n + 1];
      out[2 * n + 1] = re * rot[2 * n + 1] + im * rot[2 * n];
    }
    out[0] *= 2;
    out[1] *= 2;
    return out;
  };
}
