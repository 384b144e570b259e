import { InputError } from '../../core/errors.js';
import type { Fid } from '../../core/fid.js';
import { STATUS_LIMITS, StatusBuilder, type ResultStatus } from '../status.js';
import { type ValueSd, type WaterFatOptions, type WaterFatResult, WaterFatFitter } from './water-fat-fit.js';

/**
 * A multi-echo series (e.g. Siemens HISTO: STEAM TE 12/24/36/48/72 ms, TR 3000 ms in one breath-hold): each
 * echo is fitted by the water–fat model, then water and fat T2 and the proton densities W0, F0 are fitted
 * jointly to all echoes by weighted nonlinear least squares,
 *
 *   W(TE) = W0 e^{−TE/T2w},   F(TE) = F0 e^{−TE/T2f},
 *
 * each echo weighted by the inverse of its CRLB variance (the per-echo fits are efficient, so this is the
 * maximum-likelihood estimate of the four parameters given the echoes). PDFF = F0·c_F / (F0·c_F + W0·c_W), with
 * c = 1/(1 − e^{−TR/T1}) from literature T1 when TR is given (T1 cannot be fitted from one TR); its SD by the
 * delta method from the Gauss–Newton covariance of (W0, T2w, F0, T2f).
 */
export interface SeriesOptions extends WaterFatOptions {
  /** Literature T1 (s) for the TR correction; undefined = no T1 correction. */
  waterT1?: number;
  fatT1?: number;
  t1Source?: string;
}

export interface SeriesResult {
  status: ResultStatus;
  echoTimes: number[];
  echoes: WaterFatResult[];
  waterT2?: ValueSd;
  fatT2?: ValueSd;
  water0?: ValueSd;
  fat0?: ValueSd;
  /** T2-corrected (and T1-corrected when TR and T1 are known) PDFF, percent. */
  pdff?: ValueSd & { correction: string };
  /** Signal fat fraction at each TE, percent. */
  signalFatFraction: (ValueSd | undefined)[];
}

/** Checks a TE list: all known, distinct, positive. */
export function checkEchoTimes(tes: (number | undefined)[], file: string): number[] {
  tes.forEach((te, i) => {
    if (te === undefined || !(te > 0) || !Number.isFinite(te)) {
      throw new InputError(`echo ${i + 1} has no echo time`, {
        file,
        field: 'EchoTime',
        expected: 'an echo time > 0 for every spectrum of the series',
      });
    }
  });
  const sorted = [...(tes as number[])].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (Math.abs(sorted[i] - sorted[i - 1]) < 1e-6) {
      throw new InputError(`echo time ${(sorted[i] * 1000).toFixed(1)} ms appears twice`, {
        file,
        field: 'EchoTime',
        expected: 'distinct echo times',
      });
    }
  }
  return tes as number[];
}

export function fitSeries(fids: Fid[], opts: SeriesOptions = {}, file = '<series>'): SeriesResult {
  if (fids.length < 2) {
    throw new InputError(`${fids.length} echo`, { file, field: 'echoes', expected: 'at least 2 echo times' });
  }
  const f0 = fids[0];
  fids.forEach((f, i) => {
    if (
      f.points !== f0.points ||
      Math.abs(f.dwellTime / f0.dwellTime - 1) > 1e-9 ||
      Math.abs(f.spectrometerFrequency / f0.spectrometerFrequency - 1) > 1e-6
    ) {
      throw new InputError(`echo ${i + 1} has another grid or field than echo 1`, {
        file,
        field: 'points/dwellTime/spectrometerFrequency',
        expected: 'one field strength and sampling for the whole series',
      });
    }
  });
  const tes = checkEchoTimes(
    fids.map((f) => f.echoTime),
    file,
  );
  const fitter = new WaterFatFitter(f0, { ...opts, relaxation: undefined });
  const echoes = fids.map((f) => fitter.fit(f));
  const status = new StatusBuilder();
  const out: SeriesResult = {
    status: { status: 'ok', reasons: [] },
    echoTimes: tes,
    echoes,
    signalFatFraction: echoes.map((e) => e.signalFatFraction),
  };
  const failed = echoes.map((e, i) => (e.status.status === 'failed' ? i : -1)).filter((i) => i >= 0);
  if (failed.length > 0) {
    status.fail(
      `echo ${failed.map((i) => `TE ${(tes[i] * 1000).toFixed(0)} ms`).join(', ')} failed: ${echoes[failed[0]].status.reasons[0]}`,
    );
    out.status = status.build();
    return out;
  }
  for (const [i, e] of echoes.entries()) {
    if (e.status.status === 'doubtful')
      status.doubt(`TE ${(tes[i] * 1000).toFixed(0)} ms: ${e.status.reasons.join('; ')}`);
  }
  const w = echoes.map((e) => e.water as ValueSd);
  const f = echoes.map((e) => e.fat as ValueSd);
  const water = fitDecay(tes, w);
  const fat = fitDecay(tes, f);
  out.water0 = water.a0;
  out.waterT2 = water.t2;
  out.fat0 = fat.a0;
  out.fatT2 = fat.t2;
  const tr = f0.repetitionTime;
  const cW = tr !== undefined && opts.waterT1 ? 1 / (1 - Math.exp(-tr / opts.waterT1)) : 1;
  const cF = tr !== undefined && opts.fatT1 ? 1 / (1 - Math.exp(-tr / opts.fatT1)) : 1;
  const W = water.a0.value * cW;
  const F = fat.a0.value * cF;
  if (W + F > 0) {
    const s = W + F;
    // Independent water and fat decays: var(PDFF) = (W/s²)² var F + (F/s²)² var W.
    const sd = Math.sqrt(((W / s ** 2) * cF * fat.a0.sd) ** 2 + ((F / s ** 2) * cW * water.a0.sd) ** 2);
    out.pdff = {
      value: (100 * F) / s,
      sd: 100 * sd,
      correction:
        `T2 fitted to ${tes.length} echoes` +
        (cW !== 1 || cF !== 1
          ? `; T1 at TR ${(tr as number) * 1000} ms from ${opts.t1Source ?? 'literature'}`
          : '; no T1 correction'),
    };
    if (out.pdff.sd > STATUS_LIMITS.maxFatFractionSd)
      status.doubt(`PDFF SD ${out.pdff.sd.toFixed(1)} points`);
  } else {
    status.fail('neither water nor fat found in the series');
  }
  for (const [name, d] of [
    ['water', water],
    ['fat', fat],
  ] as const) {
    if (d.a0.value > 0 && !(d.t2.value > 0 && d.t2.value < 1)) status.doubt(`${name} T2 could not be fitted`);
  }
  out.status = status.build();
  return out;
}

/**
 * Weighted fit of y_i = a0·e^{−t_i/T2} (weights 1/sd_i²): log-linear start, then Gauss–Newton on (a0, R2 = 1/T2).
 * Returns the estimates with SDs from (JᵀWJ)⁻¹. A species absent from every echo returns a0 = 0.
 */
export function fitDecay(t: number[], y: ValueSd[]): { a0: ValueSd; t2: ValueSd } {
  const n = t.length;
  const wts = y.map((v) => 1 / Math.max(v.sd, 1e-12 * Math.abs(v.value) + 1e-300) ** 2);
  const pos = y.map((v) => v.value > 0);
  if (pos.filter(Boolean).length < 2) {
    const a = Math.max(0, ...y.map((v) => v.value));
    return {
      a0: { value: a, sd: Math.max(...y.map((v) => v.sd)) },
      t2: { value: Number.NaN, sd: Number.NaN },
    };
  }
  // Log-linear start with weights y²/sd².
  let sw = 0;
  let st = 0;
  let sl = 0;
  let stt = 0;
  let stl = 0;
  for (let i = 0; i < n; i++) {
    if (!pos[i]) continue;
    const w = wts[i] * y[i].value ** 2;
    const l = Math.log(y[i].value);
    sw += w;
    st += w * t[i];
    sl += w * l;
    stt += w * t[i] * t[i];
    stl += w * t[i] * l;
  }
  const det = sw * stt - st * st;
  let r2 = det > 0 ? -(sw * stl - st * sl) / det : 20;
  let a0 = Math.exp((sl + r2 * st) / sw);
  if (!(r2 > 0 && Number.isFinite(a0))) {
    r2 = 20;
    a0 = Math.max(...y.map((v) => v.value));
  }
  let cov = [0, 0, 0];
  for (let it = 0; it < 50; it++) {
    let h00 = 0;
    let h01 = 0;
    let h11 = 0;
    let g0 = 0;
    let g1 = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(-r2 * t[i]);
      const r = y[i].value - a0 * e;
      const j0 = e;
      const j1 = -a0 * t[i] * e;
      h00 += wts[i] * j0 * j0;
      h01 += wts[i] * j0 * j1;
      h11 += wts[i] * j1 * j1;
      g0 += wts[i] * j0 * r;
      g1 += wts[i] * j1 * r;
    }
    const d = h00 * h11 - h01 * h01;
    if (!(d > 0)) break;
    cov = [h11 / d, -h01 / d, h00 / d];
    const da = (h11 * g0 - h01 * g1) / d;
    const dr = (h00 * g1 - h01 * g0) / d;
    a0 += da;
    r2 = Math.max(1e-3, r2 + dr);
    if (Math.abs(da) < 1e-10 * Math.abs(a0) && Math.abs(dr) < 1e-10 * r2) break;
  }
  const t2 = 1 / r2;
  return {
    a0: { value: a0, sd: Math.sqrt(Math.max(0, cov[0])) },
    // T2 = 1/R2: sd(T2) = sd(R2)/R2².
    t2: { value: t2, sd: Math.sqrt(Math.max(0, cov[2])) * t2 * t2 },
  };
}
