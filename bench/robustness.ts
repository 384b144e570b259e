import { loadavg } from 'node:os';
import type { Fid } from '../src/core/fid.js';
import { Fitter } from '../src/fit/fit.js';
import { LIVER_FIT_OPTIONS } from '../src/fit/liver-options.js';
import { liverBasis } from '../src/fit/liver.js';
import { fitStatus } from '../src/fit/status.js';
import { defaultModelsDir, type LoadedBundle, readBundle, readEnsemble } from '../src/networks/bundle.js';
import { ensembleInputs, quantifyWithEnsemble } from '../src/networks/ensemble-run.js';
import { combineCohorts } from '../src/networks/cohorts.js';
import type { QuantifyModelMetadata } from '../src/networks/contract.js';
import { checkInput } from '../src/networks/input-check.js';
import { prepareForBundle } from '../src/networks/onnx-inference.js';
import { loadCohort, loadCohortBasis } from '../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../src/simulate/generator.js';
import { builtinLineshapes } from '../src/simulate/lineshape-files.js';
import { Rng } from '../src/core/random.js';
import { referenceDeconvolve } from '../src/preproc/reference-deconvolution.js';
import { selfDeconvolve } from './self-deconvolution.js';
import type { WaterReferenceInput } from '../src/networks/input.js';
import {
  NO_REALISM,
  type Realism,
  type RealismConfig,
  simulatedWaterReference,
} from '../src/simulate/realism.js';

/**
 * Does a network hold up on spectra unlike its simulator? (docs/robustness.md.) Spectra drawn exactly like the
 * shipped networks' training cohorts (hbv-lc, hbv-lc-hcc; another seed), then changed in one way real scanner
 * data differ, one family at a time, 200 spectra each (ROBUSTNESS_SPECTRA); the measured lineshapes are the
 * held-out ones of data/lineshapes.json, which no training uses. Each spectrum goes through what `livermrs
 * quantify` does to a file (canonical frame, window, guard, ONNX qCNN, SD widening) and through the NLLS fit.
 *
 * Per family and method: refused (failed), doubtful, ok; the error of the answered spectra relative to the
 * in-distribution family (lipids, metabolites: mean absolute error over the components of each class); the
 * silent failures: components of `ok` answers whose error exceeds 3 stated SDs (qCNN: its SD; NLLS: its CRLB),
 * as a share of the ok components and of the spectra with at least one; and the time of the canonical step and
 * the guard per spectrum. ROBUSTNESS_MODELS picks the models directory (default the shipped models),
 * ROBUSTNESS_NLLS=0 skips the NLLS arm, ROBUSTNESS_FAMILIES a comma list of families,
 * ROBUSTNESS_SELF=full|phase|smooth-phase applies the self-reference deconvolution prototype first
 * (self-deconvolution.ts; not part of quantify), ROBUSTNESS_MODELS2 a further qCNN's directory, scored as one
 * more member of the deep ensemble (the models directory's own members, member2-qcnn.* …, are always used).
 */
export interface Family {
  name: string;
  description: string;
  config: RealismConfig;
  /** Held-out lineshape to use (its name in data/lineshapes.json). */
  lineshape?: string;
  /**
   * Give quantify the voxel's water reference (simulatedWaterReference: the same lineshape, eddy currents and
   * shift on a water line), so that it deconvolves the lineshape first (preproc/reference-deconvolution.ts).
   */
  waterReference?: boolean;
}

const off = NO_REALISM;

export function robustnessFamilies(): Family[] {
  const base = baseFamilies();
  // The families a water reference can mend, again with the reference given (and the clean one: no harm done).
  const withWater = ['none', 'lineshape-3t', 'lineshape-7t', 'eddy'].map((name) => {
    const f = base.find((x) => x.name === name) as Family;
    return {
      ...f,
      name: `${name}+water`,
      description: `${f.description}; the voxel's water reference given (reference deconvolution)`,
      waterReference: true,
    };
  });
  return [...base, ...withWater];
}

function baseFamilies(): Family[] {
  return [
    { name: 'none', description: 'in-distribution (no distortion)', config: off },
    {
      name: 'lineshape-3t',
      description: 'real 3 T water lineshape (Philips phantom reference, held out) instead of the Gaussian',
      config: {
        ...off,
        lineshape: { probability: 1, measuredShare: 1, shoulders: [0, 0], shoulderOffsetHz: [0, 0] },
      },
      lineshape: 'philips-3t-phantom-w',
    },
    {
      name: 'lineshape-7t',
      description:
        'real in-vivo 7 T water lineshape (FMRIB water reference, held out) instead of the Gaussian',
      config: {
        ...off,
        lineshape: { probability: 1, measuredShare: 1, shoulders: [0, 0], shoulderOffsetHz: [0, 0] },
      },
      lineshape: 'fmrib-7t-wref',
    },
    {
      name: 'eddy',
      description: 'eddy-current phase ±A·exp(−t/20 ms), A 0.5–1.5 rad',
      config: { ...off, eddy: { probability: 1, amplitudeRad: [0.5, 1.5], tauMs: [20, 20] } },
    },
    {
      name: 'hump-1.5-2.0',
      description: 'broad baseline hump centred in 1.5–2.0 ppm (FWHM 0.3–0.6 ppm), area 0.5–2× L13',
      config: {
        ...off,
        humps: { probability: 1, count: [1, 1], ppm: [1.5, 2.0], fwhmPpm: [0.3, 0.6], areaOfL13: [0.5, 2] },
      },
    },
    {
      name: 'hump-3.3-3.7',
      description: 'broad baseline hump centred in 3.3–3.7 ppm (FWHM 0.3–0.6 ppm), area 0.5–2× L13',
      config: {
        ...off,
        humps: { probability: 1, count: [1, 1], ppm: [3.3, 3.7], fwhmPpm: [0.3, 0.6], areaOfL13: [0.5, 2] },
      },
    },
    {
      name: 'water',
      description: 'residual water 5–20× L13 (area), 40–80 Hz FWHM',
      config: {
        ...off,
        water: { probability: 1, areaOfL13: [5, 20], widthHz: [40, 80], offsetHz: [-10, 10] },
      },
    },
    {
      name: 'shift',
      description: 'frequency shift 12–20 Hz either way (beyond the cohorts’ ±10 Hz)',
      config: { ...off, shift: { probability: 1, hz: [12, 20], bothSigns: true } },
    },
    {
      name: 'phase',
      description: 'zero-order phase 30–60° either way',
      config: { ...off, phase0: { probability: 1, degrees: [30, 60], bothSigns: true } },
    },
  ];
}

interface ArmResult {
  refused: number;
  doubtful: number;
  ok: number;
  /** Mean absolute error per component over answered spectra. */
  mae: number[];
  /** Components of ok answers with |error| > 3 SD, and ok components. */
  silentComponents: number;
  okComponents: number;
  silentSpectra: number;
  /** Components (all answered) with |error| > 3 SD. */
  beyond3: number;
  answeredComponents: number;
}

function emptyArm(K: number): ArmResult {
  return {
    refused: 0,
    doubtful: 0,
    ok: 0,
    mae: new Array(K).fill(0),
    silentComponents: 0,
    okComponents: 0,
    silentSpectra: 0,
    beyond3: 0,
    answeredComponents: 0,
  };
}

function tally(a: ArmResult, status: string, truth: number[], est: number[], sd: number[]): void {
  if (status === 'failed') {
    a.refused++;
    return;
  }
  if (status === 'doubtful') a.doubtful++;
  else a.ok++;
  let silent = 0;
  truth.forEach((t, k) => {
    const e = Math.abs(est[k] - t);
    a.mae[k] += e;
    a.answeredComponents++;
    const beyond = !(e <= 3 * sd[k]);
    if (beyond) a.beyond3++;
    if (status === 'ok') {
      a.okComponents++;
      if (beyond) silent++;
    }
  });
  a.silentComponents += silent;
  if (silent > 0) a.silentSpectra++;
}

/** The shared draw of the benchmark: the hbv-lc + hbv-lc-hcc cohorts and their basis. */
export function robustnessSetup() {
  const lc = loadCohort('hbv-lc');
  return {
    cohort: combineCohorts([lc, loadCohort('hbv-lc-hcc')], 'hbv-lc+hbv-lc-hcc'),
    basis: loadCohortBasis(lc),
    heldOut: builtinLineshapes('held-out'),
  };
}

/** The NLLS fit the benchmark puts beside the networks: the liver basis, PRESS TE 30, real-spectrum defaults. */
export function robustnessFitter(): Fitter {
  return new Fitter(
    liverBasis(undefined, { sequence: 'press', echoTime: 0.03 }),
    { points: 1024, dwellTime: 1 / 2000, spectrometerFrequency: 127.76, ppmReference: 4.65, nucleus: '1H' },
    LIVER_FIT_OPTIONS,
  );
}

/**
 * The n spectra of one family (seed 9001, groups alternating; the same spectra in every run and every bench that
 * uses them), the true amplitudes of `components`, and the voxel's water reference when the family gives one.
 */
export function familySpectra(
  fam: Family,
  n: number,
  setup: ReturnType<typeof robustnessSetup>,
  components: readonly string[],
): {
  fids: Fid[];
  truths: number[][];
  waters: (WaterReferenceInput | undefined)[];
  lineshapes: Realism['lineshapes'];
} {
  const { cohort, basis, heldOut } = setup;
  const lineshapes = fam.lineshape ? heldOut.filter((l) => l.name === fam.lineshape) : [];
  if (fam.lineshape && lineshapes.length !== 1)
    throw new Error(`held-out lineshape ${fam.lineshape} not found`);
  const realism: Realism = { config: fam.config, lineshapes };
  const gen = new SpectrumGenerator(cohort, basis, { groups: ['LC', 'LC-HCC'], realism });
  const cols = components.map((c) => gen.layout.indexOf(c));
  const grid = gen.model.grid;
  const row = new Float64Array(gen.layout.size);
  const fd = new Float64Array(2 * grid.points);
  const fids: Fid[] = [];
  const truths: number[][] = [];
  const waters: (WaterReferenceInput | undefined)[] = [];
  const waterRng = new Rng(4242, 0);
  for (let i = 0; i < n; i++) {
    const td = new Float64Array(2 * grid.points);
    const id = { seed: 9001, group: i % 2, index: Math.floor(i / 2) };
    gen.generate(id, row, 0, { fd, td });
    const fid: Fid = {
      ...grid,
      data: td,
      nucleus: '1H',
      echoTime: 0.03,
      acquisition: { sequence: 'press' },
    };
    fids.push(fid);
    truths.push(cols.map((c) => row[c]));
    const d = fam.waterReference ? gen.distortionOf(id, row, 0) : undefined;
    waters.push(
      d && {
        fid: {
          ...fid,
          acquisition: { ...fid.acquisition, waterSuppressed: false },
          data: simulatedWaterReference(
            d,
            row[gen.layout.gauss],
            row[gen.layout.shift],
            grid,
            lineshapes,
            waterRng,
            // The water T2 varies between livers; the deconvolution assumes 34 ms.
            { t2: waterRng.uniformIn(0.025, 0.045), noiseOfPeak: 1e-3 },
          ),
        },
        source: `${fam.name}-${i}-water`,
      },
    );
  }
  return { fids, truths, waters, lineshapes };
}

/**
 * What `livermrs quantify` does to each spectrum (networks/ensemble-run.ts): input step and guard of every member
 * of the deep ensemble (timed: `inputSeconds`), then the networks; the mixture's values, SDs and status.
 */
export async function quantifyAsCli(
  members: LoadedBundle<QuantifyModelMetadata>[],
  fids: Fid[],
  label: string,
  waters: (WaterReferenceInput | undefined)[],
): Promise<{ answers: { values: number[]; sd: number[]; status: string }[]; inputSeconds: number }> {
  const t0 = performance.now();
  const bundle = members[0];
  const prepared = fids.map((f, i) => prepareForBundle(f, bundle, `${label}-${i}`, waters[i]));
  // Members of the same preprocessing share the prepared input.
  const runs = ensembleInputs(
    members,
    fids,
    { prepared, checks: fids.map((f, i) => checkInput(bundle, f, prepared[i])) },
    (m) => fids.map((f, i) => prepareForBundle(f, m, `${label}-${i}`, waters[i])),
  );
  const inputSeconds = (performance.now() - t0) / 1000;
  const answers = (await quantifyWithEnsemble(members, runs, 1)).map((c) => ({
    ...c.answer,
    status: c.check.status,
  }));
  return { answers, inputSeconds };
}

export async function run(): Promise<Record<string, unknown>> {
  const n = Number(process.env.ROBUSTNESS_SPECTRA ?? 200);
  const withNlls = process.env.ROBUSTNESS_NLLS !== '0';
  const dir = process.env.ROBUSTNESS_MODELS ?? defaultModelsDir();
  const only = process.env.ROBUSTNESS_FAMILIES?.split(',');
  const dir2 = process.env.ROBUSTNESS_MODELS2;
  const members = [
    ...readEnsemble(dir, 'quantify'),
    ...(dir2 ? [readBundle(dir2, 'quantify')] : []),
  ] as LoadedBundle<QuantifyModelMetadata>[];
  const bundle = members[0];
  const setup = robustnessSetup();
  const { basis } = setup;
  const components = bundle.contract.components;
  const K = components.length;
  const lipid = components.map((c) => /^L\d\d$/.test(c));
  const fitter = robustnessFitter();
  const families = robustnessFamilies().filter((f) => !only || only.includes(f.name));
  const out: Record<string, unknown>[] = [];
  let reference: { qcnn: ArmResult; nlls?: ArmResult } | undefined;
  const load0 = loadavg()[0];
  for (const fam of families) {
    const { fids, truths, waters } = familySpectra(fam, n, setup, components);
    // What quantify does: input step and guard (timed, with the prototype below when it runs), then the network.
    const t0 = performance.now();
    // ROBUSTNESS_SELF=full|phase|smooth-phase: the self-reference deconvolution prototype (self-deconvolution.ts)
    // on the spectra without a water reference, before quantify's input step (docs/robustness.md §4).
    const selfMode = process.env.ROBUSTNESS_SELF;
    const self = selfMode === 'full' || selfMode === 'phase' || selfMode === 'smooth-phase';
    const lipidModels = basis.fids.filter((_, j) => /^L\d\d$/.test(basis.names[j]));
    const inputs = fids.map((f, i) =>
      self && !waters[i]
        ? (selfDeconvolve(f, lipidModels, {
            phaseOnly: selfMode === 'phase',
            smoothPhase: selfMode === 'smooth-phase',
          })?.fid ?? f)
        : f,
    );
    const selfSeconds = (performance.now() - t0) / 1000;
    const quantified = await quantifyAsCli(members, inputs, fam.name, waters);
    const { answers } = quantified;
    const inputSeconds = selfSeconds + quantified.inputSeconds;
    const q = emptyArm(K);
    for (const [i, a] of answers.entries()) tally(q, a.status, truths[i], a.values, a.sd);
    let nlls: ArmResult | undefined;
    let nllsSeconds = 0;
    if (withNlls) {
      nlls = emptyArm(K);
      const t1 = performance.now();
      for (const [i, f] of fids.entries()) {
        // With a water reference the NLLS fit gets the same deconvolved spectrum as the network.
        const w = waters[i];
        const fit = fitter.fit(w ? referenceDeconvolve(f, w.fid, w.source).fid : f);
        const byName = new Map(fit.components.map((c) => [c.name, c]));
        const st = fitStatus(fit).build();
        tally(
          nlls,
          st.status,
          truths[i],
          components.map((c) => byName.get(c)?.amplitude ?? 0),
          components.map((c) => byName.get(c)?.crlb ?? Number.POSITIVE_INFINITY),
        );
      }
      nllsSeconds = (performance.now() - t1) / 1000;
    }
    if (fam.name === 'none') reference = { qcnn: q, ...(nlls ? { nlls } : {}) };
    const summary = (a: ArmResult, ref: ArmResult | undefined) => {
      const answered = a.ok + a.doubtful;
      const mae = a.mae.map((m) => m / Math.max(1, answered));
      const refAnswered = ref ? ref.ok + ref.doubtful : 0;
      const refMae = ref?.mae.map((m) => m / Math.max(1, refAnswered));
      const ratio = (pick: (k: number) => boolean) => {
        if (!refMae) return null;
        const ks = components.map((_, k) => k).filter(pick);
        return ks.reduce((s, k) => s + mae[k] / refMae[k], 0) / ks.length;
      };
      return {
        refused: a.refused / n,
        doubtful: a.doubtful / n,
        ok: a.ok / n,
        lipidErrorRatio: ratio((k) => lipid[k]),
        metaboliteErrorRatio: ratio((k) => !lipid[k]),
        silentComponents: a.okComponents ? a.silentComponents / a.okComponents : 0,
        silentSpectra: a.silentSpectra / n,
        beyond3Sd: a.answeredComponents ? a.beyond3 / a.answeredComponents : 0,
        maeByComponent: Object.fromEntries(components.map((c, k) => [c, mae[k]])),
      };
    };
    const entry = {
      family: fam.name,
      description: fam.description,
      spectra: n,
      qcnn: summary(q, reference?.qcnn),
      ...(nlls ? { nlls: summary(nlls, reference?.nlls), nllsMsPerSpectrum: (1000 * nllsSeconds) / n } : {}),
      inputAndGuardMsPerSpectrum: (1000 * inputSeconds) / n,
    };
    out.push(entry);
    const f = (x: number | null) => (x === null ? '–' : x.toFixed(2));
    process.stderr.write(
      `robustness ${fam.name.padEnd(13)} qCNN refused ${(100 * entry.qcnn.refused).toFixed(1)}% doubtful ${(100 * entry.qcnn.doubtful).toFixed(1)}% lipid ×${f(entry.qcnn.lipidErrorRatio)} metab ×${f(entry.qcnn.metaboliteErrorRatio)} silent ${(100 * entry.qcnn.silentComponents).toFixed(1)}% (${(100 * entry.qcnn.silentSpectra).toFixed(0)}% spectra)${nlls ? ` | NLLS refused ${(100 * (entry.nlls?.refused ?? 0)).toFixed(1)}% lipid ×${f(entry.nlls?.lipidErrorRatio ?? null)} silent ${(100 * (entry.nlls?.silentComponents ?? 0)).toFixed(1)}%` : ''} | input+guard ${entry.inputAndGuardMsPerSpectrum.toFixed(1)} ms\n`,
    );
  }
  return {
    models: dir,
    ensembleMembers: members.map((m) => m.onnx),
    guard: bundle.guard ? 'model guard (guard.ts)' : 'NLLS SNR/linewidth range (training-range-check.ts)',
    canonicalFrame: bundle.contract.preprocessing.canonical ?? 'none',
    heldOutLineshapes: setup.heldOut.map((l) => `${l.name}: ${l.source}`),
    loadAverageAtStart: load0,
    families: out,
    loadAverageAtEnd: loadavg()[0],
  };
}
