import { InputError } from '../core/errors.js';
import type { Diagnostic } from './diagnostics.js';
import type { FitResult } from './fit.js';
import type { WaterReference } from './water-reference.js';

/**
 * From fitted amplitudes to numbers a paper reports: ratios to a reference component, concentrations scaled to
 * an unsuppressed water reference, and the fat fraction.
 *
 * Water scaling (one proton count per molecule; Gasparovic et al., MRM 2006;55:1219, without tissue
 * segmentation):
 *
 *   [M] = A_M · s · (n_W · [H2O] · R_W) / (W · R_M)
 *
 * A_M fitted amplitude; s the basis scale (basis FID(0) per proton at unit concentration: 1 for livermrs
 * bases, whose FIDs start at their proton count; 1/64 for the ISMRM 2016 LCModel basis); n_W = 2 water
 * protons; [H2O] water concentration (mM or mmol/kg); W the fitted water reference area; R = e^{−TE/T2}·(1 −
 * e^{−TR/T1}) the relaxation attenuation of water (R_W) and of the metabolite (R_M), or given directly.
 *
 * Fat fraction (proton density fat fraction from spectroscopy): F = Σ_lipids A·s·n_protons / R_fat,
 * PDFF = F / (F + W/R_W). It needs the lipid components' proton counts (from the basis).
 */
export interface ScalingOptions {
  /** Water molecule concentration before relaxation (mM or mmol/kg), or after it when waterAttenuation = 1. */
  waterConcentration: number;
  /** Unit of the concentrations, e.g. 'mM' or 'mmol/kg wet weight'. */
  unit: string;
  waterProtons?: number;
  /** Basis FID(0) per proton at unit concentration. Default 1. */
  basisScale?: number;
  echoTime?: number;
  repetitionTime?: number;
  waterT1?: number;
  waterT2?: number;
  metaboliteT1?: number;
  metaboliteT2?: number;
  lipidT1?: number;
  lipidT2?: number;
  /** Water attenuation R_W given directly (overrides T1/T2). */
  waterAttenuation?: number;
  /** Metabolite correction 1/R_M given directly (overrides T1/T2). */
  metaboliteRelaxationCorrection?: number;
  /** Where the numbers come from, for the report. */
  note?: string;
}

/**
 * ISMRM 2016 fitting challenge (its README): 29 697 mM relaxation-corrected water (GM/WM 60/40, water content
 * 0.78/0.65 g/mL, water T2 110/80 ms at TE 30 ms), metabolite T2 160 ms (correction 1.206); the challenge
 * LCModel basis holds FIDs scaled by 1/64 per proton (docs/conventions.md).
 */
export const ISMRM2016_SCALING: ScalingOptions = {
  waterConcentration: 29697,
  unit: 'mM',
  waterProtons: 2,
  basisScale: 1 / 64,
  waterAttenuation: 1,
  metaboliteRelaxationCorrection: 1.206,
  note: 'ISMRM 2016 fitting challenge README: 29697 mM relaxation-corrected water, metabolite correction 1.206',
};

/** Liver relaxation at 3 T: de Bazelaire et al., Radiology 2004;230:652 (fat: subcutaneous fat, same study). */
export const LIVER_RELAXATION_3T = Object.freeze({
  waterT2: 0.034,
  fatT2: 0.068,
  waterT1: 0.809,
  fatT1: 0.382,
  source: 'liver water T1/T2 809/34 ms, fat 382/68 ms at 3 T (de Bazelaire et al., Radiology 2004;230:652)',
});

/** Liver water: 55 510 mmol/kg of pure water × 0.71 kg water per kg wet liver. */
export const LIVER_WATER_CONTENT = 0.71;
export const PURE_WATER_MMOL_PER_KG = 55510;

/**
 * Liver defaults at 3 T, all replaceable: water content 0.71 g/g wet tissue; water T1 809 ms and T2 34 ms
 * (liver, de Bazelaire et al., Radiology 2004;230:652); fat T1 382 ms and T2 68 ms (subcutaneous fat, same
 * study); metabolites uncorrected (no consensus liver values at 3 T: set metaboliteT1/T2 to correct them).
 * Concentrations come out in mmol per kg wet weight.
 */
export function liverScaling(echoTime: number, repetitionTime: number): ScalingOptions {
  return {
    waterConcentration: PURE_WATER_MMOL_PER_KG * LIVER_WATER_CONTENT,
    unit: 'mmol/kg wet weight',
    waterProtons: 2,
    basisScale: 1,
    echoTime,
    repetitionTime,
    waterT1: LIVER_RELAXATION_3T.waterT1,
    waterT2: LIVER_RELAXATION_3T.waterT2,
    lipidT1: LIVER_RELAXATION_3T.fatT1,
    lipidT2: LIVER_RELAXATION_3T.fatT2,
    note: 'liver water content 0.71 g/g; water T1/T2 809/34 ms, fat 382/68 ms (de Bazelaire 2004); metabolites not relaxation-corrected',
  };
}

export interface QuantifiedComponent {
  name: string;
  amplitude: number;
  crlb: number;
  crlbPercent: number;
  ratio?: number;
  ratioSd?: number;
  concentration?: number;
  concentrationSd?: number;
}

export interface Quantification {
  reference?: string;
  unit?: string;
  components: QuantifiedComponent[];
  water?: WaterReference & { attenuation: number };
  fatFraction?: { percent: number; sd: number; fatSignal: number; waterSignal: number; lipids: string[] };
  scaling?: ScalingOptions & { factor: number };
  warnings: Diagnostic[];
}

export interface QuantifyOptions {
  /** Component or combination the ratios are relative to (e.g. 'Cr+PCr', 'L13'). */
  reference?: string;
  water?: WaterReference;
  scaling?: ScalingOptions;
}

export function attenuation(te?: number, tr?: number, t1?: number, t2?: number): number {
  const e2 = te !== undefined && t2 !== undefined && t2 > 0 ? Math.exp(-te / t2) : 1;
  const e1 = tr !== undefined && t1 !== undefined && t1 > 0 ? 1 - Math.exp(-tr / t1) : 1;
  return e2 * e1;
}

export function quantify(fit: FitResult, opts: QuantifyOptions = {}): Quantification {
  const warnings: Diagnostic[] = [];
  const names = fit.components.map((c) => c.name);
  const K = names.length;
  const all = [
    ...fit.components.map((c) => ({ ...c, weights: names.map((n) => (n === c.name ? 1 : 0)) })),
    ...fit.combined.map((c) => ({ ...c, weights: names.map((n) => (c.members.includes(n) ? 1 : 0)) })),
  ];
  const rows: QuantifiedComponent[] = all.map((c) => ({
    name: c.name,
    amplitude: c.amplitude,
    crlb: c.crlb,
    crlbPercent: c.crlbPercent,
  }));
  const cov = fit.covariance;
  const quad = (a: number[], b: number[]) => {
    let s = 0;
    for (let i = 0; i < K; i++) {
      if (a[i] === 0) continue;
      for (let j = 0; j < K; j++) if (b[j] !== 0) s += a[i] * b[j] * cov[i * K + j];
    }
    return s;
  };
  if (opts.reference !== undefined) {
    const ref = all.find((c) => c.name === opts.reference);
    if (!ref) {
      throw new InputError(`reference ${opts.reference} is not a fitted component or combination`, {
        field: 'reference',
        expected: all.map((c) => c.name).join(', '),
      });
    }
    if (!(ref.amplitude > 0)) {
      warnings.push({ code: 'reference-zero', reference: ref.name });
    } else {
      all.forEach((c, i) => {
        const r = c.amplitude / ref.amplitude;
        // Delta method: var(a/b) = r²(var a/a² + var b/b² − 2 cov(a,b)/(ab)).
        const va = quad(c.weights, c.weights);
        const vb = quad(ref.weights, ref.weights);
        const cab = quad(c.weights, ref.weights);
        const b = ref.amplitude;
        const v = (va - 2 * r * cab + r * r * vb) / (b * b);
        rows[i].ratio = r;
        rows[i].ratioSd = Math.sqrt(Math.max(0, v));
      });
    }
  }
  const out: Quantification = { reference: opts.reference, components: rows, warnings };
  const s = opts.scaling;
  if (opts.water && s) {
    const w = opts.water;
    warnings.push(...w.warnings);
    if (!(w.area > 0)) {
      warnings.push({ code: 'water-area-zero' });
      return out;
    }
    const rW = s.waterAttenuation ?? attenuation(s.echoTime, s.repetitionTime, s.waterT1, s.waterT2);
    const corrM =
      s.metaboliteRelaxationCorrection ??
      1 / attenuation(s.echoTime, s.repetitionTime, s.metaboliteT1, s.metaboliteT2);
    const scale = s.basisScale ?? 1;
    const factor = (scale * (s.waterProtons ?? 2) * s.waterConcentration * rW * corrM) / w.area;
    rows.forEach((r, i) => {
      const group = i < K ? fit.components[i].group : undefined;
      // Lipids get the lipid relaxation correction instead of the metabolite one.
      const f =
        group === 'lipid' && (s.lipidT1 !== undefined || s.lipidT2 !== undefined)
          ? factor / corrM / attenuation(s.echoTime, s.repetitionTime, s.lipidT1, s.lipidT2)
          : factor;
      r.concentration = r.amplitude * f;
      r.concentrationSd = r.crlb * f;
    });
    out.unit = s.unit;
    out.water = { ...w, attenuation: rW };
    out.scaling = { ...s, factor };
    const lipids = fit.components.filter((c) => c.group === 'lipid');
    if (lipids.length > 0) {
      const missing = lipids.filter((c) => c.protons === undefined).map((c) => c.name);
      if (missing.length) {
        warnings.push({ code: 'no-protons', components: missing });
      } else {
        const rF = attenuation(s.echoTime, s.repetitionTime, s.lipidT1, s.lipidT2);
        const weights = names.map((n) => {
          const c = fit.components.find((x) => x.name === n);
          return c && c.group === 'lipid' ? (scale * (c.protons ?? 0)) / rF : 0;
        });
        const fat = weights.reduce((a, wt, i) => a + wt * fit.components[i].amplitude, 0);
        const water = w.area / rW;
        const pdff = fat / (fat + water);
        // d PDFF / d fat = water / (fat + water)²
        const sdFat = Math.sqrt(quad(weights, weights));
        out.fatFraction = {
          percent: 100 * pdff,
          sd: (100 * sdFat * water) / (fat + water) ** 2,
          fatSignal: fat,
          waterSignal: water,
          lipids: lipids.map((c) => c.name),
        };
      }
    }
  } else if (opts.water && !s) {
    warnings.push({ code: 'no-scaling' });
  }
  return out;
}
