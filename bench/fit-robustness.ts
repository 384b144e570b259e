/**
 * Does the NLLS fitter fit what the simulator makes? Spectra drawn exactly as `livermrs simulate` draws the
 * training cohorts (hbv-lc, hbv-lc-hcc: simulateDataset in-process, fixed seeds, the cohort's own basis) are
 * fitted on one thread with a warm fitter, and compared with their truth rows:
 *
 * - residual ratio: SD of the real residual in the fit window over the true noise SD (the truth row's
 *   noise_sd); a fit of the right model ends near 1;
 * - status counts (fitStatus: ok / doubtful / failed) and their reasons;
 * - per component class (lipids L09–L53; glycogen; the other metabolites): the fraction of amplitudes more than
 *   1, 2, 3 CRLB from the truth (Gaussian: 31.7, 4.6, 0.27 %) and its complement, the coverage, over all fits
 *   and over the ok fits;
 * - fit time per spectrum (wall and process CPU, one thread, warm fitter).
 *
 * Four fit models on the same spectra: `before`, the liver defaults before the fit model was matched to the
 * signal model (a quarter of the cohort spectra ended above 1.3× the noise: spline baseline, glycogen sharing
 * the metabolites' width, the single start of init.ts); `liverDefaults`, today's LIVER_FIT_OPTIONS (the
 * real-spectrum default: glycogen's own width, global stage, same spline baseline); `after`,
 * cohortFitOptions(cohort.model), the fit model that holds the cohort signal model (its Gaussian-line baseline),
 * the one the floors are for; `afterWithoutGlobalStage`, the same with the single start of init.ts (what the
 * global stage adds).
 *
 *   node dist/bench/fit-robustness.js [perCohort=1000] [variants=before,liverDefaults,after,…]
 */
import { Fitter, type FitOptions, type FitResult, realSd } from '../src/fit/fit.js';
import { cohortFitOptions, LIVER_FIT_OPTIONS } from '../src/fit/liver-options.js';
import { fitStatus } from '../src/fit/status.js';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { type Dataset, simulateDataset } from '../src/simulate/dataset.js';

export const COHORTS = ['hbv-lc', 'hbv-lc-hcc'] as const;
export const SEEDS: Record<(typeof COHORTS)[number], number> = { 'hbv-lc': 2101, 'hbv-lc-hcc': 2102 };
export const LIPIDS = ['L09', 'L13', 'L21', 'L28', 'L53'];

/** The liver defaults before the fit model was matched to the signal model (for the before/after record). */
export const PREVIOUS_LIVER_FIT_OPTIONS: FitOptions = {
  ppmRange: [0.5, 5.7],
  model: 'voigt',
  baseline: { kind: 'spline', knotSpacingPpm: 0.15, edPerPpm: 1.0 },
  damping: 'group',
  shift: 'group',
  phase1: true,
  residualWater: { lines: 2, ppmRange: [4.4, 4.95] },
  maxShiftPpm: 0.15,
  initDampingHz: 8,
  globalStart: false,
};

export interface SpectrumOutcome {
  cohort: string;
  index: number;
  residualRatio: number;
  status: string;
  reasons: string[];
  ms: number;
  /** Process CPU time of the fit (ms): what it costs when the machine is shared. */
  cpuMs: number;
  /** (estimate − truth) / CRLB per component (NaN when the CRLB is 0). */
  z: Record<string, number>;
}

function classOf(name: string): string {
  if (LIPIDS.includes(name)) return 'lipid';
  if (name === 'Glyc') return 'glycogen';
  return 'metabolite';
}

function realResidualSd(r: FitResult): number {
  return realSd(r.spectra.residual);
}

/** Simulates the cohorts' spectra (one thread) once; both variants fit the same data. */
export async function simulateCohorts(perCohort: number): Promise<{ name: string; ds: Dataset }[]> {
  const out: { name: string; ds: Dataset }[] = [];
  for (const name of COHORTS) {
    const loaded = loadCohort(name);
    const basis = loadCohortBasis(loaded);
    const ds = await simulateDataset({
      cohort: loaded.cohort,
      basis,
      perGroup: perCohort,
      seed: SEEDS[name],
      threads: 1,
    });
    out.push({ name, ds });
  }
  return out;
}

/** Fits every spectrum of the data sets with `options` (the fitter is built once per cohort, as in batch). */
export function fitCohorts(
  sets: { name: string; ds: Dataset }[],
  optionsFor: (cohort: Dataset['cohort']) => FitOptions,
  limit = Number.POSITIVE_INFINITY,
): SpectrumOutcome[] {
  const out: SpectrumOutcome[] = [];
  for (const { name, ds } of sets) {
    const loaded = loadCohort(name);
    const basis = loadCohortBasis(loaded);
    const cols = ds.columns;
    const P = cols.length;
    const noiseCol = cols.indexOf('noise_sd');
    const header = {
      points: ds.points,
      dwellTime: ds.dwellTime,
      spectrometerFrequency: ds.spectrometerFrequency,
      ppmReference: ds.ppmReference,
      nucleus: '1H',
    };
    const fitter = new Fitter(basis, header, optionsFor(ds.cohort));
    const n = Math.min(ds.count, limit);
    for (let i = 0; i < n; i++) {
      const data = Float64Array.from(ds.fids.subarray(2 * ds.points * i, 2 * ds.points * (i + 1)));
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const r = fitter.fit({ ...header, data });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const st = fitStatus(r).build();
      const z: Record<string, number> = {};
      for (const c of r.components) {
        const truth = ds.params[i * P + cols.indexOf(c.name)];
        z[c.name] = c.crlb > 0 ? (c.amplitude - truth) / c.crlb : Number.NaN;
      }
      out.push({
        cohort: name,
        index: i,
        residualRatio: realResidualSd(r) / ds.params[i * P + noiseCol],
        status: st.status,
        reasons: st.reasons,
        ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        z,
      });
    }
  }
  return out;
}

const round = (v: number, d = 4) => Number(v.toFixed(d));

function quantiles(v: number[]): Record<string, number> {
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    p5: round(q(0.05)),
    p50: round(q(0.5)),
    p95: round(q(0.95)),
    p99: round(q(0.99)),
    max: round(s[s.length - 1]),
  };
}

/** Fraction of |z| beyond 1, 2, 3 (coverage is one minus these) per component class. */
function crlbTable(outcomes: SpectrumOutcome[]): Record<string, Record<string, number>> {
  const by: Record<string, number[]> = {};
  for (const o of outcomes) {
    for (const [name, z] of Object.entries(o.z)) {
      const c = classOf(name);
      by[c] ??= [];
      by[c].push(Number.isFinite(z) ? Math.abs(z) : Number.POSITIVE_INFINITY);
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [c, zs] of Object.entries(by)) {
    const frac = (k: number) => round(zs.filter((z) => z > k).length / zs.length);
    const within = (k: number) => round(zs.filter((z) => z <= k).length / zs.length);
    out[c] = {
      n: zs.length,
      outside1: frac(1),
      outside2: frac(2),
      outside3: frac(3),
      coverage1: within(1),
      coverage2: within(2),
      coverage3: within(3),
    };
  }
  return out;
}

export function summarise(outcomes: SpectrumOutcome[]): Record<string, unknown> {
  const ratios = outcomes.map((o) => o.residualRatio);
  const status: Record<string, number> = { ok: 0, doubtful: 0, failed: 0 };
  const reasons: Record<string, number> = {};
  for (const o of outcomes) {
    status[o.status]++;
    // Group reasons by their wording without numbers.
    for (const r of o.reasons) {
      const key = r.replace(/[-\d.]+/g, '#');
      reasons[key] = (reasons[key] ?? 0) + 1;
    }
  }
  const ok = outcomes.filter((o) => o.status === 'ok');
  const ms = outcomes.map((o) => o.ms);
  const cpu = outcomes.map((o) => o.cpuMs);
  const cohorts: Record<string, unknown> = {};
  for (const c of new Set(outcomes.map((o) => o.cohort))) {
    const sub = outcomes.filter((o) => o.cohort === c);
    cohorts[c] = {
      spectra: sub.length,
      residualAtMost1_3: round(sub.filter((o) => o.residualRatio <= 1.3).length / sub.length),
      statusOk: round(sub.filter((o) => o.status === 'ok').length / sub.length),
      lipidOutside3Crlb: crlbTable(sub).lipid?.outside3,
    };
  }
  return {
    spectra: outcomes.length,
    residualRatio: {
      ...quantiles(ratios),
      fractionAtMost1_3: round(ratios.filter((r) => r <= 1.3).length / ratios.length),
    },
    status,
    statusReasons: reasons,
    crlbAll: crlbTable(outcomes),
    crlbOkFits: crlbTable(ok),
    msPerSpectrum: { mean: round(ms.reduce((a, b) => a + b, 0) / ms.length, 2), ...quantiles(ms) },
    cpuMsPerSpectrum: { mean: round(cpu.reduce((a, b) => a + b, 0) / cpu.length, 2), ...quantiles(cpu) },
    cohorts,
  };
}

export const VARIANTS: Record<string, (cohort: Dataset['cohort']) => FitOptions> = {
  before: () => PREVIOUS_LIVER_FIT_OPTIONS,
  liverDefaults: () => LIVER_FIT_OPTIONS,
  after: (cohort) => cohortFitOptions(cohort.model),
  afterWithoutGlobalStage: (cohort) => ({ ...cohortFitOptions(cohort.model), globalStart: false }),
};

export async function run(
  perCohort = Number(process.env.FIT_ROBUSTNESS_N ?? 1000),
  variants: string[] = Object.keys(VARIANTS),
): Promise<Record<string, unknown>> {
  const sets = await simulateCohorts(perCohort);
  const out: Record<string, unknown> = {
    perCohort,
    cohorts: COHORTS,
    seeds: SEEDS,
    threads: 1,
    expectedOutside: { outside1: 0.3173, outside2: 0.0455, outside3: 0.0027 },
    expectedCoverage: { coverage1: 0.6827, coverage2: 0.9545, coverage3: 0.9973 },
  };
  for (const v of variants) {
    if (!VARIANTS[v]) throw new RangeError(`unknown variant ${v} (${Object.keys(VARIANTS).join(', ')})`);
    out[v] = summarise(fitCohorts(sets, VARIANTS[v]));
  }
  return out;
}

const isMain = process.argv[1]?.endsWith('fit-robustness.js');
if (isMain) {
  const n = Number(process.argv[2] ?? 1000);
  const variants = process.argv[3]?.split(',') ?? Object.keys(VARIANTS);
  run(n, variants).then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
