import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import { auc } from '../networks/classification-metrics.js';
import { GroupSampler } from '../simulate/cohort-sampler.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { componentClassifier, SpectrumGenerator } from '../simulate/generator.js';
import { exactFit } from './fit-features.js';
import { type Blocks, fitShrinkageLda, ldaScores } from './logratio-priors.js';
import { oracleProbabilities } from './oracle.js';
import type { AmplitudeMode, CorrelationMode } from './settings.js';
import { estimateStudyPriors } from './study-priors.js';
import { repeatSeed } from './virtual-study.js';

/**
 * How many prior patients a site needs (the plug-in analysis of docs/validation.md §2b as a planning tool). For a
 * truth cohort — a built-in one, or a site's own priors as written by `livermrs priors` — draw n prior patients
 * per group with their TRUE amplitudes (a perfect quantifier), estimate priors from them exactly as the study
 * does (estimateStudyPriors) and score test patients with the plug-in Bayes classifier of those priors, or fit a
 * shrinkage LDA on ln a; the oracle scores the same test patients with the truth's own densities. Repeated over
 * fresh studies, the AUCs give each method's expected AUC against n with intervals. No spectra, no networks:
 * the study's cCNN, trained on such priors, has measured below them, so these are upper bounds for it.
 */

/** A method of the design: plug-in Bayes with priors by estimateStudyPriors, or a shrinkage LDA on ln a. */
export type DesignMethodSpec =
  | { kind: 'priors'; amplitudes: AmplitudeMode; correlation: CorrelationMode; label: string }
  | { kind: 'lda'; difference: 'raw' | 'shrunk'; label: string };

/** Every method the analysis knows (keys as in bench/results/study-information*.json). */
export const DESIGN_METHODS = {
  separate: {
    kind: 'priors',
    amplitudes: 'separate',
    correlation: 'group',
    label: 'plug-in Bayes, priors as estimated',
  },
  shrunk: {
    kind: 'priors',
    amplitudes: 'shrunk',
    correlation: 'group',
    label: 'plug-in Bayes, James–Stein per component',
  },
  eb: {
    kind: 'priors',
    amplitudes: 'eb',
    correlation: 'group',
    label: 'plug-in Bayes, empirical Bayes across components',
  },
  whitened: {
    kind: 'priors',
    amplitudes: 'whitened',
    correlation: 'group',
    label: 'plug-in Bayes, whitened James–Stein',
  },
  'separate/pooled': {
    kind: 'priors',
    amplitudes: 'separate',
    correlation: 'pooled',
    label: 'plug-in Bayes, as estimated, pooled correlation',
  },
  'whitened/pooled': {
    kind: 'priors',
    amplitudes: 'whitened',
    correlation: 'pooled',
    label: 'plug-in Bayes, whitened, pooled correlation',
  },
  logratio: {
    kind: 'priors',
    amplitudes: 'logratio',
    correlation: 'group',
    label: 'plug-in Bayes, log-ratio priors',
  },
  'logratio-js': {
    kind: 'priors',
    amplitudes: 'logratio-js',
    correlation: 'group',
    label: 'plug-in Bayes, log-ratio priors, James–Stein per log-ratio',
  },
  lda: { kind: 'lda', difference: 'raw', label: 'shrinkage LDA on ln a' },
  'lda/shrunk': { kind: 'lda', difference: 'shrunk', label: 'shrinkage LDA, log-ratio shrunk means' },
} as const satisfies Record<string, DesignMethodSpec>;

export type DesignMethod = keyof typeof DESIGN_METHODS;

/**
 * The design's default methods: the paper's reading, the best earlier estimator, the log-ratio priors and the
 * LDA. ('lda/shrunk' is the same classifier as 'logratio' — one shared covariance makes the plug-in log-density
 * ratio linear in ln a — so it is left out by default.)
 */
export const DEFAULT_DESIGN_METHODS: readonly DesignMethod[] = [
  'separate',
  'whitened/pooled',
  'logratio',
  'lda',
];

export const DESIGN_DEFAULTS = {
  sizes: [10, 20, 40, 80] as readonly number[],
  repeats: 200,
  testPerGroup: 100,
  seed: 1,
};

/** The truth the patients are drawn from. */
export interface DesignTruth {
  cohort: Cohort;
  basis: BasisSet;
  /** Where it came from (a file or a name), for records and error messages. */
  source: string;
}

export interface DesignExperimentOptions {
  /** Cohort for what the prior patients' amplitudes cannot give (as the study's --template); its protocol and basis are the truth's. */
  template: Cohort;
  /** [negative, positive]; default LC and LC-HCC when the truth has them, else its two groups in order. */
  groups?: readonly [string, string];
}

/** The repeated-study engine: AUC of each method (and 'oracle') in each repeat at one size. */
export interface DesignExperiment {
  groups: readonly [string, string];
  /** AUCs per method key and 'oracle', one per repeat (NaN where a method failed; see failures). */
  run(
    n: number,
    repeats: number,
    testPerGroup: number,
    seed: number,
    methods: readonly string[],
  ): Record<string, number[]>;
  /** CPU seconds spent per method (and the oracle) so far. */
  seconds: Record<string, number>;
  /** The first error message per method, when a repeat failed. */
  failures: Record<string, string>;
}

/** The two groups compared: LC and LC-HCC when present, else a cohort's only two groups. */
export function designGroups(truth: DesignTruth, groups?: readonly [string, string]): [string, string] {
  const all = Object.keys(truth.cohort.groups);
  const chosen: readonly string[] =
    groups ?? (all.includes('LC') && all.includes('LC-HCC') ? ['LC', 'LC-HCC'] : all);
  if (chosen.length !== 2 || chosen.some((g) => !all.includes(g)) || chosen[0] === chosen[1])
    throw new InputError(`cannot choose two groups to compare from ${all.join(', ') || 'none'}`, {
      file: truth.source,
      field: 'groups',
      expected: 'groups LC and LC-HCC, or exactly two groups (the second the positive one)',
    });
  return [chosen[0], chosen[1]];
}

export function designExperiment(truth: DesignTruth, o: DesignExperimentOptions): DesignExperiment {
  const groups = designGroups(truth, o.groups);
  const gen = new SpectrumGenerator(truth.cohort, truth.basis, { groups, file: truth.source });
  const template: Cohort = {
    ...structuredClone(o.template),
    protocol: truth.cohort.protocol,
    basis: truth.cohort.basis,
  };
  const components = gen.layout.components;
  const cols = components.map((c) => gen.layout.indexOf(c));
  const classOf = componentClassifier(truth.basis);
  const blocks: Blocks = (['lipid', 'metabolite'] as const)
    .map((cls) => components.flatMap((c, i) => (classOf(c) === cls ? [i] : [])))
    .filter((b) => b.length > 0);
  const P = gen.layout.size;
  const draw = (seed: number, g: number, i: number) => {
    const row = new Float64Array(P);
    gen.sampleParameters(seed, g, i, row, 0);
    return row;
  };
  const lnAmplitudes = (row: Float64Array) => cols.map((c) => Math.log(row[c]));
  // The estimated cohort's densities on the truth's parameter layout (no basis or signal model needed).
  const samplersOf = (cohort: Cohort) => {
    const [negative, positive] = groups.map(
      (g) => new GroupSampler(cohort.groups[g], gen.layout, classOf, `groups.${g}`),
    );
    return { negative, positive };
  };
  const seconds: Record<string, number> = {};
  const failures: Record<string, string> = {};
  const timed = <T>(key: string, f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      seconds[key] = (seconds[key] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  const run: DesignExperiment['run'] = (n, repeats, nTest, seed0, methods) => {
    for (const m of methods)
      if (!(m in DESIGN_METHODS))
        throw new InputError(`unknown method '${m}'`, { expected: Object.keys(DESIGN_METHODS).join(', ') });
    const out: Record<string, number[]> = Object.fromEntries([...methods, 'oracle'].map((k) => [k, []]));
    const truthSamplers = { negative: gen.samplers[0], positive: gen.samplers[1] };
    for (let r = 1; r <= repeats; r++) {
      const seed = repeatSeed(seed0, r);
      const priorRows = groups.map((_, gi) => Array.from({ length: n }, (_, i) => draw(seed, gi, i)));
      const prior = groups.flatMap((g, gi) =>
        priorRows[gi].map((row) => ({ group: g, fit: exactFit(cols.map((c) => row[c])) })),
      );
      const testRows = groups.flatMap((_, gi) =>
        Array.from({ length: nTest }, (_, i) => draw(seed, gi, n + i)),
      );
      const labels = groups.flatMap((_, gi) => Array.from({ length: nTest }, () => gi));
      out.oracle.push(timed('oracle', () => auc(labels, oracleProbabilities(truthSamplers, testRows, 0.5))));
      for (const key of methods) {
        const spec: DesignMethodSpec = DESIGN_METHODS[key as DesignMethod];
        const value = timed(key, () => {
          try {
            if (spec.kind === 'lda') {
              const ln = priorRows.map((rows) => rows.map(lnAmplitudes));
              const model = fitShrinkageLda([ln[0], ln[1]], blocks, spec.difference);
              return auc(labels, ldaScores(model, testRows.map(lnAmplitudes)));
            }
            const est = estimateStudyPriors(prior, {
              template,
              components,
              name: `design-${n}-${r}`,
              groups,
              amplitudes: spec.amplitudes,
              correlation: spec.correlation,
            });
            return auc(labels, oracleProbabilities(samplersOf(est.cohort), testRows, 0.5));
          } catch (err) {
            failures[key] ??= `n = ${n}, repeat ${r}: ${err instanceof Error ? err.message : String(err)}`;
            return Number.NaN;
          }
        });
        out[key].push(value);
      }
    }
    return out;
  };
  return { groups, run, seconds, failures };
}

/** One method's AUCs at one size over the repeats. */
export interface AucSummary {
  /** The expected AUC of a study of this design (mean over the repeats). */
  mean: number;
  /** Standard error of the mean. */
  se: number;
  /** 95 % interval of the mean: mean ± 1.96 SE. */
  low: number;
  high: number;
  /** 2.5th, 50th and 97.5th percentiles of ONE study's AUC (where a single site's study may land). */
  p025: number;
  median: number;
  p975: number;
  /** Repeats that gave an AUC (the others failed). */
  repeats: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Percentile by linear interpolation between order statistics (type 7, as R's default). */
function percentile(sorted: readonly number[], f: number): number {
  const h = (sorted.length - 1) * f;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

export function summariseAucs(values: readonly number[]): AucSummary {
  const v = values.filter(Number.isFinite);
  if (v.length === 0)
    return {
      mean: Number.NaN,
      se: Number.NaN,
      low: Number.NaN,
      high: Number.NaN,
      p025: Number.NaN,
      median: Number.NaN,
      p975: Number.NaN,
      repeats: 0,
    };
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : Number.NaN;
  const se = sd / Math.sqrt(v.length);
  const sorted = [...v].sort((a, b) => a - b);
  return {
    mean: r4(m),
    se: r4(se),
    low: r4(m - 1.96 * se),
    high: r4(m + 1.96 * se),
    p025: r4(percentile(sorted, 0.025)),
    median: r4(percentile(sorted, 0.5)),
    p975: r4(percentile(sorted, 0.975)),
    repeats: v.length,
  };
}

export interface StudyDesignOptions extends DesignExperimentOptions {
  /** Prior patients per group (default 10, 20, 40, 80). */
  sizes?: readonly number[];
  /** Studies per size (default 200). */
  repeats?: number;
  /** Test patients per group of each study (default 100). */
  testPerGroup?: number;
  seed?: number;
  /** Methods besides the oracle (default DEFAULT_DESIGN_METHODS). */
  methods?: readonly DesignMethod[];
  /** Called after each size. */
  onSize?: (n: number, index: number, count: number) => void;
}

export interface StudyDesignResult {
  truth: string;
  groups: readonly [string, string];
  sizes: number[];
  repeats: number;
  testPerGroup: number;
  seed: number;
  methods: DesignMethod[];
  /** One row per size: each method's summary and the oracle's. */
  rows: { priorPerGroup: number; aucs: Record<string, AucSummary> }[];
  /** Wall-clock seconds, and the CPU seconds of this process (on a shared machine the wall time is longer). */
  seconds: number;
  cpuSeconds: number;
  methodSeconds: Record<string, number>;
  status: 'ok' | 'doubtful' | 'failed';
  reasons: string[];
}

/** The expected AUC of each method (and the oracle) against prior patients per group, with intervals. */
export function studyDesign(truth: DesignTruth, o: StudyDesignOptions): StudyDesignResult {
  const sizes = [...(o.sizes ?? DESIGN_DEFAULTS.sizes)];
  const repeats = o.repeats ?? DESIGN_DEFAULTS.repeats;
  const testPerGroup = o.testPerGroup ?? DESIGN_DEFAULTS.testPerGroup;
  const seed = o.seed ?? DESIGN_DEFAULTS.seed;
  const methods = [...(o.methods ?? DEFAULT_DESIGN_METHODS)];
  for (const n of sizes)
    if (!(Number.isInteger(n) && n >= 3))
      throw new InputError(`prior patients per group ${n}`, {
        field: 'sizes',
        expected: 'whole numbers ≥ 3 (a covariance needs patients)',
      });
  if (!(Number.isInteger(repeats) && repeats >= 2))
    throw new InputError(`repeats ${repeats}`, { field: 'repeats', expected: 'a whole number ≥ 2' });
  if (!(Number.isInteger(testPerGroup) && testPerGroup >= 1))
    throw new InputError(`test patients per group ${testPerGroup}`, {
      field: 'testPerGroup',
      expected: 'a whole number ≥ 1',
    });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const ex = designExperiment(truth, o);
  const rows = sizes.map((n, i) => {
    const aucs = ex.run(n, repeats, testPerGroup, seed, methods);
    o.onSize?.(n, i, sizes.length);
    return {
      priorPerGroup: n,
      aucs: Object.fromEntries(Object.entries(aucs).map(([k, v]) => [k, summariseAucs(v)])),
    };
  });
  const result: StudyDesignResult = {
    truth: truth.source,
    groups: ex.groups,
    sizes,
    repeats,
    testPerGroup,
    seed,
    methods,
    rows,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    cpuSeconds: cpuSince(cpu0),
    methodSeconds: Object.fromEntries(
      Object.entries(ex.seconds).map(([k, v]) => [k, Math.round(v * 10) / 10]),
    ),
    status: 'ok',
    reasons: [],
  };
  judge(result, ex.failures);
  return result;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return Math.round((d.user + d.system) / 1e5) / 10;
}

/** Status and reasons of a design result (every number a site reads must say how far to trust it). */
function judge(result: StudyDesignResult, failures: Record<string, string>): void {
  const doubt = (reason: string) => {
    result.reasons.push(reason);
    if (result.status === 'ok') result.status = 'doubtful';
  };
  for (const m of result.methods) {
    const lost = result.rows.reduce((s, r) => s + (result.repeats - r.aucs[m].repeats), 0);
    if (lost === result.repeats * result.rows.length) {
      result.status = 'failed';
      result.reasons.push(`${m} failed in every study (${failures[m]})`);
    } else if (lost > 0)
      doubt(
        `${m} failed in ${lost} of ${result.repeats * result.rows.length} studies (first: ${failures[m]})`,
      );
  }
  if (result.repeats < 20)
    doubt(
      `only ${result.repeats} studies per size: the intervals (normal approximation, percentiles) are rough`,
    );
  // The oracle does not depend on n: one reason for all sizes where it is at chance.
  const chance = result.rows.filter((r) => r.aucs.oracle.low <= 0.5 && r.aucs.oracle.high >= 0.5);
  if (chance.length)
    doubt(
      `the oracle's interval contains 0.5 (n = ${chance.map((r) => r.priorPerGroup).join(', ')}): the truth's groups do not differ in their amplitudes, and no number of patients helps`,
    );
  for (const row of result.rows) {
    const o = row.aucs.oracle;
    for (const m of result.methods) {
      const a = row.aucs[m];
      // No method can beat the truth's own densities on average; a clear excess means a broken truth or method.
      if (a.repeats > 0 && a.mean - o.mean > 2 * Math.hypot(a.se, o.se) + 0.005)
        doubt(
          `n = ${row.priorPerGroup}: ${m} (${a.mean.toFixed(3)}) exceeds the oracle (${o.mean.toFixed(3)}) by more than 2 SE`,
        );
    }
  }
}
