/**
 * The lineshape families of the robustness benchmark side by side with LCModel: is a real lineshape, given no
 * water reference, something another program gets the lipids through? The same spectra as `npm run bench
 * robustness` (robustness.ts familySpectra: hbv-lc + hbv-lc-hcc, seed 9001; families none, lineshape-3t,
 * lineshape-7t; ROBUSTNESS_LCM_SPECTRA per family, default 200) through three programs:
 *
 * - the shipped qCNN ensemble as `livermrs quantify` runs it (quantifyAsCli), no water reference;
 * - the livermrs NLLS fit (LIVER_FIT_OPTIONS, as the robustness benchmark fits);
 * - LCModel (only when the environment variable LCMODEL names a binary; not part of the project, its public BSD
 *   source builds with gfortran): SPTYPE='liver-1', its built-in simulated liver model — every lipid line a sum
 *   of 6–10 lines of fixed widths from 0.05 to 0.95 ppm, so that a line of any symmetric shape is a positive
 *   combination (LCModel manual §9.4) — PPMST 4.0, PPMEND −1.0, no basis file, the .RAW scaled ×RAW_SCALE.
 *
 * Lipid groups compared: L09 (LCModel Lip09), L13 with its 1.6 ppm β-carboxyl (Lip13) and L21 + L28 by protons
 * (Lip20: LCModel's 2.06/2.25/2.7 ppm group). LCModel's areas are in its own arbitrary units, so each program's estimates of a group
 * are scaled by the one factor that fits them best to the truth on the in-distribution family (least squares
 * through the origin; livermrs's factors come out ≈ 1) and the same factor is used on every family. Per program,
 * group and family: the mean absolute error of the scaled estimates (mmol TG/kg) over the spectra the program
 * answered, and its ratio to the same program's in-distribution error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fid } from '../src/core/fid.js';
import { fitStatus } from '../src/fit/status.js';
import { defaultModelsDir, type LoadedBundle, readEnsemble } from '../src/networks/bundle.js';
import type { QuantifyModelMetadata } from '../src/networks/contract.js';
import { runLcmodel } from './lcmodel-runner.js';
import {
  familySpectra,
  quantifyAsCli,
  robustnessFamilies,
  robustnessFitter,
  robustnessSetup,
} from './robustness.js';

const N = Number(process.env.ROBUSTNESS_LCM_SPECTRA ?? 200);
/** The .RAW scale (lcmodel-runner.ts). */
const RAW_SCALE = 1e5;
const FAMILIES = ['none', 'lineshape-3t', 'lineshape-7t'];
/**
 * The lipid groups compared: our components (amplitudes in mmol triglyceride/kg) and LCModel's row. L21 + L28 is
 * summed by protons, in L21's unit (L21 + L28 × 0.64/12.4 H per triglyceride: LCModel's Lip20 is an area, and an
 * unweighted sum would let the 0.64-proton L28's large amplitude errors dominate).
 */
const GROUPS: { name: string; ours: [string, number][]; lcmodel: string }[] = [
  { name: 'L09', ours: [['L09', 1]], lcmodel: 'Lip09' },
  { name: 'L13', ours: [['L13', 1]], lcmodel: 'Lip13' },
  {
    name: 'L21+L28',
    ours: [
      ['L21', 1],
      ['L28', 0.64 / 12.4],
    ],
    lcmodel: 'Lip20',
  },
];
const r3 = (x: number) => Number(x.toFixed(3));

/** LCModel's areas of the GROUPS rows for one FID, or the reason it gave none. */
function lcmodelAreas(bin: string, dir: string, i: number, fid: Fid): { areas?: number[]; failure?: string } {
  const { coord, failure } = runLcmodel(bin, dir, i, fid, {
    name: 'robustness',
    sptype: 'liver-1',
    ppmst: 4,
    ppmend: -1,
    echoTimeMs: 30,
    scale: RAW_SCALE,
  });
  if (!coord) return { failure };
  const areas = GROUPS.map((g) => coord.table.find((r) => r.name === g.lcmodel)?.concentration);
  if (areas.some((a) => a === undefined)) return { failure: 'a lipid row is missing' };
  return { areas: areas as number[] };
}

/** One program's estimates of the GROUPS per spectrum (undefined: not answered). */
type Estimates = (number[] | undefined)[];

export async function run(): Promise<Record<string, unknown>> {
  const load0 = loadavg()[0];
  const bin = process.env.LCMODEL;
  const members = readEnsemble(defaultModelsDir(), 'quantify') as LoadedBundle<QuantifyModelMetadata>[];
  const components = members[0].contract.components;
  const setup = robustnessSetup();
  const fitter = robustnessFitter();
  const group = (values: number[]) =>
    GROUPS.map((g) => g.ours.reduce((s, [c, w]) => s + w * values[components.indexOf(c)], 0));
  const dir = bin ? mkdtempSync(join(tmpdir(), 'livermrs-lcm-robust-')) : '';
  const perFamily: {
    family: string;
    truth: number[][];
    programs: Record<string, Estimates>;
    failures: Record<string, number>;
  }[] = [];
  try {
    for (const fam of robustnessFamilies().filter((f) => FAMILIES.includes(f.name))) {
      const { fids, truths } = familySpectra(fam, N, setup, components);
      const { answers } = await quantifyAsCli(
        members,
        fids,
        fam.name,
        fids.map(() => undefined),
      );
      const programs: Record<string, Estimates> = {
        qcnn: answers.map((a) => (a.status === 'failed' ? undefined : group(a.values))),
        nlls: fids.map((f) => {
          const fit = fitter.fit(f);
          if (fitStatus(fit).build().status === 'failed') return undefined;
          const byName = new Map(fit.components.map((c) => [c.name, c.amplitude]));
          return group(components.map((c) => byName.get(c) ?? 0));
        }),
      };
      const failures: Record<string, number> = {};
      if (bin) {
        programs.lcmodel = fids.map((f, i) => {
          const l = lcmodelAreas(bin, dir, i, f);
          if (l.failure) failures[l.failure] = (failures[l.failure] ?? 0) + 1;
          return l.areas;
        });
      }
      perFamily.push({ family: fam.name, truth: truths.map(group), programs, failures });
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  // Per program and group: the scale fitted on the in-distribution family, then the MAE on each family.
  const ref = perFamily[0];
  const results: Record<string, unknown> = {};
  for (const program of Object.keys(ref.programs)) {
    const scale = GROUPS.map((_, g) => {
      let num = 0;
      let den = 0;
      ref.programs[program].forEach((e, i) => {
        if (!e) return;
        num += e[g] * ref.truth[i][g];
        den += e[g] * e[g];
      });
      return den > 0 ? num / den : Number.NaN;
    });
    const mae = (f: (typeof perFamily)[number]) =>
      GROUPS.map((_, g) => {
        const errs = f.programs[program]
          .map((e, i) => (e ? Math.abs(scale[g] * e[g] - f.truth[i][g]) : undefined))
          .filter((x): x is number => x !== undefined);
        return errs.reduce((s, x) => s + x, 0) / Math.max(1, errs.length);
      });
    const refMae = mae(ref);
    results[program] = {
      scale: Object.fromEntries(GROUPS.map((g, k) => [g.name, Number(scale[k].toPrecision(4))])),
      families: perFamily.map((f) => {
        const m = mae(f);
        return {
          family: f.family,
          answered: f.programs[program].filter(Boolean).length,
          spectra: f.truth.length,
          truthMean: Object.fromEntries(
            GROUPS.map((g, k) => [g.name, r3(f.truth.reduce((s, t) => s + t[k], 0) / f.truth.length)]),
          ),
          mae: Object.fromEntries(GROUPS.map((g, k) => [g.name, r3(m[k])])),
          ratio: Object.fromEntries(GROUPS.map((g, k) => [g.name, r3(m[k] / refMae[k])])),
          meanRatio: r3(m.reduce((s, x, k) => s + x / refMae[k], 0) / GROUPS.length),
          ...(program === 'lcmodel' ? { failures: f.failures } : {}),
        };
      }),
    };
  }
  return {
    benchmark: 'robustness-lcmodel',
    date: new Date().toISOString(),
    what: 'lipid error on held-out measured lineshapes without a water reference, relative to clean spectra: the shipped qCNN ensemble, the livermrs NLLS fit and LCModel liver-1 on the same spectra',
    conditions: {
      spectra: N,
      families: FAMILIES,
      draw: 'robustness.ts familySpectra (hbv-lc + hbv-lc-hcc, seed 9001), 127.76 MHz, 2000 Hz, 1024 points, PRESS TE 30 ms',
      groups: GROUPS.map((g) => `${g.name} = LCModel ${g.lcmodel}`),
      scaling:
        'per program and group, one factor fitted on the in-distribution family (least squares through the origin)',
      lcmodel: bin
        ? `SPTYPE='liver-1', PPMST 4.0, PPMEND -1.0, no basis, .RAW x${RAW_SCALE}`
        : 'not run (set LCMODEL to an LCModel binary)',
    },
    programs: results,
    loadAverageAtStart: r3(load0),
    loadAverageAtEnd: r3(loadavg()[0]),
  };
}
