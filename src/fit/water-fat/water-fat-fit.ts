import type { BasisSet } from '../../core/basis.js';
import type { Fid } from '../../core/fid.js';
import { type FitOptions, type FitResult, Fitter } from '../fit.js';
import { diagnosticMessage } from '../diagnostics.js';
import { attenuation } from '../quantify.js';
import { qualityStatus, type ResultStatus, STATUS_LIMITS, StatusBuilder } from '../status.js';
import {
  FAT_PEAKS,
  type FatComposition,
  fatIndices,
  LIVER_FAT,
  peakProtons,
  WATER_PPM,
} from '../../physics/chemistry.js';
import { type ReferencingOptions, type ReferencingResult, referenceWaterFat } from './referencing.js';
import { fitNonFatLines, NON_FAT_MAX_FAT_FRACTION, type NonFatLinesReport } from './non-fat-lines.js';
import {
  type Kernel,
  type LineshapeModel,
  type ReferenceLineshapeReport,
  refineWithReferenceLineshape,
} from './reference-lineshape.js';
import { gridOf } from '../../core/grid.js';

/**
 * The water–fat fit of a water-unsuppressed (body) spectrum.
 *
 * 1. Referencing (referencing.ts) finds water and fat anywhere within ±2.5 ppm of the nominal axis and the
 *    data are shifted so that water sits at 4.70 ppm (Hamilton 2011's reference).
 * 2. A linear-combination fit (the same VarPro engine as the metabolite fit: Voigt lines, one Lorentzian width
 *    and one shift per group, zero- and first-order phase, CRLB from the full Fisher information) with water as
 *    a component of its own and fat as the Hamilton triglyceride model:
 *      - 'fixed' (default): one fat component, the ten resonances at the liver composition (or a given one);
 *      - 'chain': four linear components u = A·(1, CL, ndb, nmidb) (physics/chemistry.ts), so that the chain length
 *        and the double bonds are fitted and reported with their CRLB-propagated SDs.
 *    The fat under and beside water (4.1–5.3 ppm, ~8.6 % of fat protons) is thus tied to the resolved
 *    0.9–2.75 ppm peaks instead of being taken by the water line. The baseline is a stiff penalised spline
 *    (0.3 effective dimensions per ppm: no feature narrower than ~3 ppm, far wider than any fitted line), and
 *    its share of the fitted signal is reported.
 * 3. Signal fat fraction F / (W + F) (amplitudes at the echo), and the relaxation-corrected proton-density fat
 *    fraction with literature T2/T1 when only one TE is given (series.ts fits the T2s from several TEs).
 *    SDs by the delta method from the CRLB covariance.
 */
export type FatModelKind = 'fixed' | 'chain';

export interface WaterFatOptions {
  fatModel?: FatModelKind;
  /** Composition of the 'fixed' model (default Hamilton's liver). */
  composition?: FatComposition;
  /** 1 (default) or 2 water lines (the second for eddy-current or motion asymmetry). */
  waterLines?: 1 | 2;
  /** 'voigt' (default) or 'reference': the water line as every line's lineshape (reference-lineshape.ts). */
  lineshape?: LineshapeModel;
  ppmRange?: [number, number];
  /** Baseline stiffness: effective dimensions per ppm (default 0.3); 0 = no baseline. */
  baselineEdPerPpm?: number;
  referencing?: ReferencingOptions;
  /** Non-fat lines fitted to the residual with the water–fat fit held (default true; non-fat-lines.ts). */
  nonFatLines?: boolean;
  /** Relaxation for the single-TE PDFF (seconds); undefined fields = no correction for that term. */
  relaxation?: Relaxation;
}

export interface Relaxation {
  echoTime?: number;
  repetitionTime?: number;
  waterT2?: number;
  fatT2?: number;
  waterT1?: number;
  fatT1?: number;
  /** Where the constants come from, for the report. */
  source?: string;
}

export interface ValueSd {
  value: number;
  sd: number;
}

export interface WaterFatResult {
  status: ResultStatus;
  referencing: ReferencingResult;
  /** Present unless the status is failed. */
  water?: ValueSd & { fwhmHz: number; ppm: number };
  fat?: ValueSd & { fwhmHz: number };
  /** Every Hamilton resonance: its area (signal units at the echo) and SD. */
  fatPeaks?: { ppm: number; label: string; area: number; sd: number }[];
  /** Fat / (water + fat) of the signals at the echo, in percent. */
  signalFatFraction?: ValueSd;
  /** Relaxation-corrected proton-density fat fraction, in percent, and the correction used. */
  pdff?: ValueSd & { waterFactor: number; fatFactor: number; correction: string };
  /** 'chain' model: fitted composition with SDs, and the fat indices. */
  composition?: {
    chainLength: ValueSd;
    doubleBonds: ValueSd;
    midb: ValueSd;
    unsaturation: ValueSd;
    polyunsaturation: ValueSd;
  };
  /** Non-fat lines (brain metabolites, macromolecules) fitted to the residual, not counted as fat. */
  nonFatLines?: NonFatLinesReport;
  /** Largest |baseline| over the largest fitted peak (real parts) in the window. */
  baselineShare?: number;
  fatModel: FatModelKind;
  composition0: FatComposition;
  /** The lineshape model of the fit: Voigt, or the water line as reference lineshape (with its report). */
  lineshape: { model: LineshapeModel } | ReferenceLineshapeReport;
  fit?: FitResult;
}

/** Liver relaxation at 3 T used for a single TE (defined with the water scaling in fit/quantify.ts). */
export { LIVER_RELAXATION_3T } from '../quantify.js';

export const WATER_FAT_PPM_RANGE: [number, number] = [0.2, 6.4];

/** Chain lengths (carbons) of real triglyceride fatty acids, with margin: outside it a fit has failed. */
export const CHAIN_LENGTH_RANGE: [number, number] = [10, 30];

/** Water region for locating a misfit (ppm, around WATER_PPM). */
const WATER_REGION_PPM = 0.35;

/**
 * What the residual warning says: when the largest residual point lies within ±0.35 ppm of water and at least a
 * quarter of the residual's energy does (that band is a tenth of the window), the misfit is the water line's
 * shape (eddy currents, motion, shim), not the fat model.
 */
function misfitWhere(fit: FitResult): string {
  const { ppm, residual } = fit.spectra;
  let atWater = 0;
  let total = 0;
  let largest = 0;
  let largestAt = 0;
  for (let j = 0; j < ppm.length; j++) {
    const e = residual[2 * j] ** 2;
    total += e;
    if (Math.abs(ppm[j] - WATER_PPM) <= WATER_REGION_PPM) atWater += e;
    if (e > largest) {
      largest = e;
      largestAt = ppm[j];
    }
  }
  if (total > 0 && atWater / total >= 0.25 && Math.abs(largestAt - WATER_PPM) <= WATER_REGION_PPM) {
    return (
      `at the water line: ${Math.round((100 * atWater) / total)}% of it within ±${WATER_REGION_PPM} ppm of water, ` +
      `largest at ${largestAt.toFixed(2)} ppm; the water line is not one Voigt (eddy currents, motion or shim)`
    );
  }
  // Elsewhere: where the largest misfit is tells what is missing (e.g. a brain water reference's NAA at 2.0 ppm).
  return `lineshape or model mismatch, largest at ${largestAt.toFixed(2)} ppm`;
}

/** A prepared water–fat fitter for one data geometry (basis rendered, fitter built once). */
export class WaterFatFitter {
  readonly options: WaterFatOptions;
  readonly fitter: Fitter;
  readonly kind: FatModelKind;
  readonly composition: FatComposition;
  /** Weights of each linear component on each FAT_PEAKS resonance (protons per unit amplitude). */
  private readonly peakWeights: number[][];
  private readonly fatIndex: number[];
  readonly waterIndex: number[];
  /** The rendered basis and the fit options (the reference lineshape refits with the basis times its kernel). */
  readonly basis: BasisSet;
  readonly fitOptions: FitOptions;

  constructor(
    header: Pick<Fid, 'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference' | 'nucleus'>,
    options: WaterFatOptions = {},
  ) {
    this.options = options;
    this.kind = options.fatModel ?? 'fixed';
    this.composition = options.composition ?? LIVER_FAT;
    const names: string[] = [];
    const fids: Float64Array[] = [];
    const components: NonNullable<BasisSet['components']> = {};
    const add = (name: string, group: string, lines: { ppm: number; area: number }[]) => {
      names.push(name);
      fids.push(renderSinglets(header, lines));
      components[name] = { group, protons: 1 };
    };
    add('Water', 'water', [{ ppm: WATER_PPM, area: 1 }]);
    this.waterIndex = [0];
    if ((options.waterLines ?? 1) === 2) {
      // A second water line, its own width and shift, started 0.05 ppm higher so the two are not degenerate.
      add('Water2', 'water2', [{ ppm: WATER_PPM + 0.05, area: 1 }]);
      this.waterIndex.push(1);
    }
    if (this.kind === 'fixed') {
      // Amplitude = total fat signal: the ten resonances at relative areas summing to 1.
      const p = peakProtons(this.composition);
      const total = p.reduce((a, b) => a + b, 0);
      this.peakWeights = [p.map((x) => x / total)];
      add(
        'Fat',
        'fat',
        FAT_PEAKS.map((q, j) => ({ ppm: q.ppm, area: p[j] / total })),
      );
    } else {
      // u0..u3: protons per triglyceride from the constant, CL, ndb and nmidb parts; amplitude in molecules.
      this.peakWeights = [0, 1, 2, 3].map((c) => FAT_PEAKS.map((q) => q.coefficients[c]));
      ['Fat.1', 'Fat.CL', 'Fat.ndb', 'Fat.nmidb'].forEach((n, c) => {
        add(
          n,
          'fat',
          FAT_PEAKS.map((q, j) => ({ ppm: q.ppm, area: this.peakWeights[c][j] })),
        );
      });
    }
    this.fatIndex = names.map((_, i) => i).filter((i) => !this.waterIndex.includes(i));
    const basis: BasisSet = {
      names,
      fids,
      ...gridOf(header),
      nucleus: header.nucleus,
      components,
    };
    this.basis = basis;
    const ed = options.baselineEdPerPpm ?? 0.3;
    const fitOptions: FitOptions = {
      ppmRange: options.ppmRange ?? WATER_FAT_PPM_RANGE,
      model: 'voigt',
      baseline: ed > 0 ? { kind: 'spline', knotSpacingPpm: 0.3, edPerPpm: ed } : { kind: 'none' },
      damping: 'group',
      shift: 'group',
      phase1: true,
      residualWater: false,
      maxShiftPpm: 0.2,
      maxDampingHz: 150,
      initDampingHz: 20,
      combinations: [],
      // Chain components carry negative lobes by design (the −24 and −8 at 1.30 ppm): amplitudes are signed,
      // the physics (CL ≥ 4, ndb ≥ nmidb ≥ 0) is checked on the result.
      amplitudes: this.kind === 'chain' ? 'signed-refit' : 'nonnegative',
    };
    this.fitOptions = fitOptions;
    this.fitter = new Fitter(basis, header, fitOptions);
  }

  /** `referencing`: the result of referenceWaterFat for this very FID, when the caller already has it. */
  fit(
    fid: Fid,
    waterSuppressed = false,
    referencing = referenceWaterFat(fid, this.options.referencing),
  ): WaterFatResult {
    const status = new StatusBuilder();
    const base: WaterFatResult = {
      status: { status: 'ok', reasons: [] },
      referencing,
      fatModel: this.kind,
      composition0: this.composition,
      lineshape: { model: 'voigt' },
    };
    if (!referencing.found) {
      status.fail(referencing.reason ?? 'no water or fat found');
      return { ...base, status: status.build() };
    }
    if (referencing.confidence < STATUS_LIMITS.minReferencingConfidence) {
      status.doubt(
        `frequency referencing is ambiguous (confidence ${referencing.confidence.toFixed(2)}): water and fat may be swapped`,
      );
    }
    const shifted = shiftFid(fid, -referencing.shiftPpm);
    let fit = this.fitter.fit(shifted);
    let kernel: Kernel | undefined;
    if (this.options.lineshape === 'reference') {
      const refined = refineWithReferenceLineshape(this, shifted, fit);
      fit = refined.fit;
      kernel = refined.kernel;
      base.lineshape = refined.report;
    }
    const K = fit.components.length;
    const a = fit.components.map((c) => c.amplitude);
    const cov = fit.covariance;
    const lin = (w: number[]) => w.reduce((s, x, i) => s + x * a[i], 0);
    const varOf = (u: number[], v: number[] = u) => {
      let s = 0;
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) s += u[i] * v[j] * cov[i * K + j];
      return Math.max(0, s);
    };
    const wWeights = a.map((_, i) => (this.waterIndex.includes(i) ? 1 : 0));
    // Fat signal = Σ over resonances of the component weights (protons) × amplitudes.
    const fWeights = a.map((_, i) => {
      const c = this.fatIndex.indexOf(i);
      return c < 0 ? 0 : this.peakWeights[c].reduce((s, x) => s + x, 0);
    });
    const W = lin(wWeights);
    const F = lin(fWeights);
    const param = (name: string) => fit.parameters.find((p) => p.name === name)?.value ?? 0;
    // Fitted shifts are in Hz, positive = to higher ppm.
    const waterShift = param('shift.water') / fid.spectrometerFrequency;
    const fatPeaks = FAT_PEAKS.map((q, j) => {
      const w = a.map((_, i) => {
        const c = this.fatIndex.indexOf(i);
        return c < 0 ? 0 : this.peakWeights[c][j];
      });
      return { ppm: q.ppm, label: q.label, area: lin(w), sd: Math.sqrt(varOf(w)) };
    });
    const out: WaterFatResult = {
      ...base,
      fit,
      water: {
        value: W,
        sd: Math.sqrt(varOf(wWeights)),
        fwhmHz: fit.linewidthsHz.water ?? 0,
        ppm: WATER_PPM + waterShift,
      },
      fat: { value: F, sd: Math.sqrt(varOf(fWeights)), fwhmHz: fit.linewidthsHz.fat ?? 0 },
      fatPeaks,
      baselineShare: baselineShare(fit),
    };
    // The referencing shift reported is the whole correction: the coarse search plus the fitted water shift.
    out.referencing = { ...referencing, shiftPpm: referencing.shiftPpm + waterShift };
    if (!waterSuppressed && W + F > 0) {
      out.signalFatFraction = ratioWithSd(F, W, fWeights, wWeights, varOf);
      const r = this.options.relaxation;
      const rW = r ? attenuation(r.echoTime, r.repetitionTime, r.waterT1, r.waterT2) : 1;
      const rF = r ? attenuation(r.echoTime, r.repetitionTime, r.fatT1, r.fatT2) : 1;
      const p = ratioWithSd(
        F / rF,
        W / rW,
        fWeights.map((x) => x / rF),
        wWeights.map((x) => x / rW),
        varOf,
      );
      out.pdff = {
        ...p,
        waterFactor: 1 / rW,
        fatFactor: 1 / rF,
        correction: r?.source ?? 'none (signal fat fraction)',
      };
      const ff = out.signalFatFraction;
      if (ff.value < -ff.sd) {
        status.fail(
          `negative fat fraction beyond its SD (${ff.value.toFixed(1)} ± ${ff.sd.toFixed(1)} %): fat below zero is not physical`,
        );
      }
      if (out.pdff.sd > STATUS_LIMITS.maxFatFractionSd) {
        status.doubt(`the fat fraction's SD is ${out.pdff.sd.toFixed(1)} percentage points`);
      }
    }
    if (this.kind === 'chain') out.composition = this.chainComposition(a, varOf, status);
    // Non-fat lines in the residual, the water–fat fit held (non-fat-lines.ts): tried on water-dominated
    // spectra whose residual is above the status limit; never part of the fat fraction.
    const rn = fit.quality.residualToNoise;
    const fatPercent = out.signalFatFraction?.value;
    if (
      (this.options.nonFatLines ?? true) &&
      rn !== undefined &&
      rn > STATUS_LIMITS.residualToNoise &&
      fatPercent !== undefined &&
      fatPercent < NON_FAT_MAX_FAT_FRACTION
    ) {
      out.nonFatLines = fitNonFatLines(
        fit,
        this.fitter.grid,
        {
          kernel,
          gammaHz: param('damping.water'),
          shiftHz: param('shift.water'),
          gaussianHz: kernel ? 0 : param('gaussianFwhm'),
        },
        W,
      );
    }
    this.judge(fit, out, status);
    out.status = status.build();
    return out;
  }

  private chainComposition(
    a: number[],
    varOf: (u: number[], v?: number[]) => number,
    status: StatusBuilder,
  ): WaterFatResult['composition'] {
    const unit = (c: number) => a.map((_, i) => (this.fatIndex.indexOf(i) === c ? 1 : 0));
    const u0 = a[this.fatIndex[0]];
    if (!(u0 > 0)) {
      status.doubt('fat too small to estimate its composition');
      return undefined;
    }
    // Ratio r = u_c / u0: var = (var u_c − 2 r cov(u_c, u0) + r² var u0) / u0².
    const ratio = (c: number): ValueSd => {
      const r = a[this.fatIndex[c]] / u0;
      const v = (varOf(unit(c)) - 2 * r * varOf(unit(c), unit(0)) + r * r * varOf(unit(0))) / (u0 * u0);
      return { value: r, sd: Math.sqrt(Math.max(0, v)) };
    };
    const cl = ratio(1);
    const ndb = ratio(2);
    const midb = ratio(3);
    const idx = fatIndices({ chainLength: cl.value, doubleBonds: ndb.value, midb: midb.value });
    // Physically impossible compositions fail (no triglyceride has a chain outside 10–30 carbons or fewer than
    // zero double bonds); a possible but unusual one (midb > ndb, or negative within its SD) is doubtful.
    const text = `CL ${cl.value.toFixed(1)} ± ${cl.sd.toFixed(1)}, ndb ${ndb.value.toFixed(2)}, nmidb ${midb.value.toFixed(2)}`;
    if (cl.value < CHAIN_LENGTH_RANGE[0] || cl.value > CHAIN_LENGTH_RANGE[1]) {
      status.fail(
        `fitted chain length outside ${CHAIN_LENGTH_RANGE[0]}–${CHAIN_LENGTH_RANGE[1]} carbons (${text}): not a triglyceride`,
      );
    } else if (ndb.value < -ndb.sd || midb.value < -midb.sd) {
      status.fail(`fitted double bonds below zero beyond their SD (${text})`);
    } else if (ndb.value < 0 || midb.value < 0 || midb.value > ndb.value) {
      status.doubt(`fitted fat composition is not physical (${text})`);
    }
    return {
      chainLength: cl,
      doubleBonds: ndb,
      midb,
      unsaturation: { value: idx.unsaturation, sd: ndb.sd / 3 },
      polyunsaturation: { value: idx.polyunsaturation, sd: midb.sd / 3 },
    };
  }

  private judge(fit: FitResult, out: WaterFatResult, status: StatusBuilder): void {
    const q = fit.quality;
    if (!(out.water && out.fat) || !(out.water.value + out.fat.value > 0)) {
      status.fail('neither water nor fat was fitted above zero');
      return;
    }
    // The residual judged is the whole model's: with the non-fat lines when they were kept (they explain signal
    // that is neither water nor fat and change neither; non-fat-lines.ts).
    const nf = out.nonFatLines?.kept ? out.nonFatLines : undefined;
    const withLines = nf?.residualToNoise.with;
    if (nf && withLines !== undefined) {
      qualityStatus(
        { ...q, residualToNoise: withLines },
        status,
        `with the non-fat lines; ${q.residualToNoise?.toFixed(1) ?? '–'}× without them, ${misfitWhere(fit)}`,
      );
    } else qualityStatus(q, status, misfitWhere(fit));
    if ((out.baselineShare ?? 0) > STATUS_LIMITS.baselineShare) {
      status.doubt(
        `the baseline carries ${(100 * (out.baselineShare ?? 0)).toFixed(0)}% of the fitted signal`,
      );
    }
    // A species fitted at (near) zero has a free, meaningless width: only present species are judged.
    const present = (v: ValueSd) => v.value > 3 * v.sd && v.value > 0;
    const widths = [
      ...(present(out.water) ? [out.water.fwhmHz] : []),
      ...(present(out.fat) ? [out.fat.fwhmHz] : []),
    ];
    const width = Math.max(0, ...widths);
    if (width > STATUS_LIMITS.maxLinewidthHz) {
      status.doubt(`linewidth ${width.toFixed(0)} Hz (iron, motion or shimming?)`);
    }
    for (const w of fit.warnings) {
      if (w.code !== 'at-bound') continue;
      if (w.group === 'fat' && !present(out.fat)) continue;
      if ((w.group === 'water' || w.group === 'water2') && !present(out.water)) continue;
      status.doubt(diagnosticMessage(w));
    }
  }
}

/** F / (F + W) in percent with its SD from the covariance (delta method). */
function ratioWithSd(
  F: number,
  W: number,
  fW: number[],
  wW: number[],
  varOf: (u: number[], v?: number[]) => number,
): ValueSd {
  const s = F + W;
  // d/dF = W/s², d/dW = −F/s²
  const g = fW.map((x, i) => (x * W - wW[i] * F) / (s * s));
  return { value: (100 * F) / s, sd: 100 * Math.sqrt(varOf(g)) };
}

/** Singlets (area at t = 0) rendered as a FID on the data grid, internal convention (core/fid.ts). */
export function renderSinglets(
  h: Pick<Fid, 'points' | 'dwellTime' | 'spectrometerFrequency' | 'ppmReference'>,
  lines: { ppm: number; area: number }[],
): Float64Array {
  const out = new Float64Array(2 * h.points);
  for (const l of lines) {
    const w = 2 * Math.PI * (h.ppmReference - l.ppm) * h.spectrometerFrequency * h.dwellTime;
    for (let n = 0; n < h.points; n++) {
      out[2 * n] += l.area * Math.cos(w * n);
      out[2 * n + 1] += l.area * Math.sin(w * n);
    }
  }
  return out;
}

/** The FID with every resonance moved by `ppm` (positive = to higher ppm). */
export function shiftFid(fid: Fid, ppm: number): Fid {
  if (ppm === 0) return fid;
  const w = -2 * Math.PI * ppm * fid.spectrometerFrequency * fid.dwellTime;
  const data = new Float64Array(2 * fid.points);
  for (let n = 0; n < fid.points; n++) {
    const c = Math.cos(w * n);
    const s = Math.sin(w * n);
    const re = fid.data[2 * n];
    const im = fid.data[2 * n + 1];
    data[2 * n] = re * c - im * s;
    data[2 * n + 1] = re * s + im * c;
  }
  return { ...fid, data };
}

/**
 * max |Re baseline| / max |Re (fit − baseline)| over the window: how close the baseline comes to being a peak
 * (a height ratio, so a narrow line and a wide window do not inflate it the way an area ratio would).
 */
function baselineShare(fit: FitResult): number {
  const b = fit.spectra.baseline;
  const f = fit.spectra.fit;
  let mb = 0;
  let mm = 0;
  for (let j = 0; j < b.length; j += 2) {
    mb = Math.max(mb, Math.abs(b[j]));
    mm = Math.max(mm, Math.abs(f[j] - b[j]));
  }
  return mm > 0 ? mb / mm : 0;
}
