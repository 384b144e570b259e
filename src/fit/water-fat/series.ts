import { InputError } from '../../core/errors.js';
import { choleskyInPlace, choleskySolveInPlace, invertSpd } from '../../linalg/index.js';
import type { Fid } from '../../core/fid.js';
import { STATUS_LIMITS, StatusBuilder, type ResultStatus } from '../status.js';
import { referenceWaterFat } from './referencing.js';
import { type EccMode, fitWithSelfEcc, type SelfEccReport } from './self-ecc.js';
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
  /** Eddy-current correction of each echo from its own water line (self-ecc.ts; default off here, auto in `fit`). */
  ecc?: EccMode;
  /** Literature T1 (s) for the TR correction; undefined = no T1 correction. */
  waterT1?: number;
  fatT1?: number;
  t1Source?: string;
}

export interface SeriesResult {
  status: ResultStatus;
  echoTimes: number[];
  echoes: WaterFatResult[];
  /** Per echo: what the eddy-current correction did. */
  eddyCurrents?: SelfEccReport[];
  waterT2?: ValueSd;
  fatT2?: ValueSd;
  water0?: ValueSd;
  fat0?: ValueSd;
  /** Fitted when the series has several TRs. */
  waterT1?: ValueSd;
  fatT1?: ValueSd;
  /** T2-corrected (and T1-corrected when TR and T1 are known) PDFF, percent. */
  pdff?: ValueSd & { correction: string };
  /** Signal fat fraction at each TE, percent. */
  signalFatFraction: (ValueSd | undefined)[];
}

/** Checks a TE list: all known and positive, no (TE, TR) pair twice. */
export function checkEchoTimes(
  tes: (number | undefined)[],
  file: string,
  trs: (number | undefined)[] = [],
): number[] {
  tes.forEach((te, i) => {
    if (te === undefined || !(te > 0) || !Number.isFinite(te)) {
      throw new InputError(`echo ${i + 1} has no echo time`, {
        file,
        field: 'EchoTime',
        expected: 'an echo time > 0 for every spectrum of the series',
      });
    }
  });
  const key = (i: number) => `${Math.round((tes[i] as number) * 1e6)}/${Math.round((trs[i] ?? 0) * 1e6)}`;
  const seen = new Set<string>();
  for (let i = 0; i < tes.length; i++) {
    if (seen.has(key(i))) {
      throw new InputError(`echo time ${((tes[i] as number) * 1000).toFixed(1)} ms appears twice`, {
        file,
        field: 'EchoTime',
        expected: 'distinct echo times (or the same TE at another TR)',
      });
    }
    seen.add(key(i));
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
    fids.map((f) => f.repetitionTime),
  );
  const trs = fids.map((f) => f.repetitionTime);
  const distinctTr = new Set(trs.map((x) => (x === undefined ? -1 : Math.round(x * 1e6)))).size;
  if (distinctTr > 1 && trs.some((x) => x === undefined)) {
    throw new InputError('some echoes have a repetition time and some do not', {
      file,
      field: 'RepetitionTime',
      expected: 'a TR for every echo when the series varies TR',
    });
  }
  const fitT1 = distinctTr > 1;
  const fitter = new WaterFatFitter(f0, { ...opts, relaxation: undefined });
  const fitted = fids.map((f) =>
    fitWithSelfEcc(fitter, f, false, referenceWaterFat(f, opts.referencing), opts.ecc ?? 'off'),
  );
  const echoes = fitted.map((e) => e.result);
  const status = new StatusBuilder();
  const out: SeriesResult = {
    status: { status: 'ok', reasons: [] },
    echoTimes: tes,
    echoes,
    ...(opts.ecc && opts.ecc !== 'off' ? { eddyCurrents: fitted.map((e) => e.ecc) } : {}),
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
  // Several TRs: M0, T2 and T1 per species (the amplitudes are then proton densities); one TR: a0 and T2.
  const water = fitT1 ? fitRelaxation(tes, trs as number[], w) : fitDecay(tes, w);
  const fat = fitT1 ? fitRelaxation(tes, trs as number[], f) : fitDecay(tes, f);
  out.water0 = water.a0;
  out.waterT2 = water.t2;
  out.fat0 = fat.a0;
  out.fatT2 = fat.t2;
  if (fitT1) {
    out.waterT1 = (water as Relaxed).t1;
    out.fatT1 = (fat as Relaxed).t1;
  }
  const tr = f0.repetitionTime;
  const cW = !fitT1 && tr !== undefined && opts.waterT1 ? 1 / (1 - Math.exp(-tr / opts.waterT1)) : 1;
  const cF = !fitT1 && tr !== undefined && opts.fatT1 ? 1 / (1 - Math.exp(-tr / opts.fatT1)) : 1;
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
        (fitT1
          ? `; T1 fitted to ${distinctTr} repetition times`
          : cW !== 1 || cF !== 1
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
  const wts = inverseVariances(y);
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

type Relaxed = { a0: ValueSd; t2: ValueSd; t1: ValueSd };

/**
 * Weighted fit of y_i = M0·e^{−TE_i/T2}·(1 − e^{−TR_i/T1}) to a series with several TRs: a start from the
 * T2 decay of the longest-TR echoes and T1 = 0.8 s, then Levenberg–Marquardt on (M0, R2, R1). SDs from
 * (JᵀWJ)⁻¹.
 */
export function fitRelaxation(te: number[], tr: number[], y: ValueSd[]): Relaxed {
  const n = te.length;
  const wts = inverseVariances(y);
  const trMax = Math.max(...tr);
  const longest = te.map((_, i) => i).filter((i) => Math.abs(tr[i] - trMax) < 1e-9);
  const start =
    longest.length >= 2
      ? fitDecay(
          longest.map((i) => te[i]),
          longest.map((i) => y[i]),
        )
      : fitDecay(te, y);
  if (!(start.a0.value > 0)) return { ...start, t1: { value: Number.NaN, sd: Number.NaN } };
  let r2 = Number.isFinite(start.t2.value) ? 1 / start.t2.value : 20;
  let r1 = 1 / 0.8;
  let m0 = start.a0.value / (1 - Math.exp(-trMax * r1));
  const cost = (m: number, a: number, b: number) => {
    let c = 0;
    for (let i = 0; i < n; i++) {
      const r = y[i].value - m * Math.exp(-a * te[i]) * (1 - Math.exp(-b * tr[i]));
      c += wts[i] * r * r;
    }
    return c;
  };
  let lambda = 1e-3;
  const H = new Float64Array(9);
  for (let it = 0; it < 100; it++) {
    H.fill(0);
    const g = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const e2 = Math.exp(-r2 * te[i]);
      const e1 = Math.exp(-r1 * tr[i]);
      const r = y[i].value - m0 * e2 * (1 - e1);
      const J = [e2 * (1 - e1), -m0 * te[i] * e2 * (1 - e1), m0 * e2 * tr[i] * e1];
      for (let a = 0; a < 3; a++) {
        g[a] += wts[i] * J[a] * r;
        for (let b = 0; b < 3; b++) H[3 * a + b] += wts[i] * J[a] * J[b];
      }
    }
    const c0 = cost(m0, r2, r1);
    let improved = false;
    for (let k = 0; k < 10 && !improved; k++) {
      // Levenberg–Marquardt step: (H + λ diag H) d = g by Cholesky (src/linalg).
      const A = H.map((v, k) => (k % 4 === 0 ? v * (1 + lambda) : v));
      choleskyInPlace(A, 3);
      const d = Float64Array.from(g);
      choleskySolveInPlace(A, 3, d);
      const m = m0 + d[0];
      const a2 = Math.max(1e-3, r2 + d[1]);
      const a1 = Math.max(1e-3, r1 + d[2]);
      if (cost(m, a2, a1) <= c0) {
        const small =
          Math.abs(d[0]) < 1e-10 * Math.abs(m0) && Math.abs(d[1]) < 1e-10 * r2 && Math.abs(d[2]) < 1e-10 * r1;
        m0 = m;
        r2 = a2;
        r1 = a1;
        lambda = Math.max(1e-9, lambda / 10);
        improved = true;
        if (small) it = 100;
      } else lambda *= 10;
    }
    if (!improved) break;
  }
  const inv = invertSpd(H, 3);
  const v = (k: number) => Math.max(0, inv[4 * k]);
  return {
    a0: { value: m0, sd: Math.sqrt(v(0)) },
    t2: { value: 1 / r2, sd: Math.sqrt(v(1)) / (r2 * r2) },
    t1: { value: 1 / r1, sd: Math.sqrt(v(2)) / (r1 * r1) },
  };
}

/** Weights 1/sd² of per-echo estimates (an SD of zero is floored just above 0 so the weight stays finite). */
function inverseVariances(y: ValueSd[]): number[] {
  return y.map((v) => 1 / Math.max(v.sd, 1e-12 * Math.abs(v.value) + 1e-300) ** 2);
}
