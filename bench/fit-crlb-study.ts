/**
 * Monte Carlo check of the fitter's Cramér–Rao bounds on simulated liver spectra with known truth: for each SNR
 * level, `count` spectra (liver default protocol: 127.76 MHz, 2000 Hz, 1024 points; the 20-component
 * spin-physics liver basis) are synthesised in the time domain with seeded complex Gaussian noise and fitted with the
 * liver defaults. Per component: bias, Monte Carlo SD of the estimates and the mean CRLB the fitter reported.
 *
 *   node dist/bench/fit-crlb-study.js [count=500] [outDir=docs]
 *
 * writes outDir/fit-crlb-study.json and outDir/fit-crlb-study.svg. The CI test (test/fit/crlb.test.ts) runs
 * the same function with a small count.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../src/core/random.js';
import { Fitter } from '../src/fit/fit.js';
import { LIVER_FIT_OPTIONS, liverBasis } from '../src/fit/liver.js';
import { peakHeight, type SyntheticSpec, synthesizeFid } from '../src/fit/synthesize.js';

/** Illustrative liver truth (basis units: molecules for metabolites, triglycerides for lipids). */
export const LIVER_TRUTH: Record<string, number> = {
  Ala: 0.5,
  Bet: 1.0,
  Cho: 1.2,
  Cr: 0.6,
  GPC: 1.0,
  PCh: 0.8,
  Glc: 3,
  Glyc: 6,
  Gln: 1.5,
  Glu: 2,
  GSH: 1.5,
  Gly: 1,
  Ins: 1,
  Lac: 1,
  Tau: 1,
  // Lipids per triglyceride (one fat pool of the basis' composition): ≈ 61 methylene protons at 1.3 ppm.
  L09: 0.85,
  L13: 0.85,
  L21: 0.85,
  L28: 0.85,
  L53: 0.85,
};

export const STUDY_SPEC: SyntheticSpec = {
  amplitudes: LIVER_TRUTH,
  lorentzHz: { metabolite: 8, lipid: 12 },
  gaussianHz: 10,
  shiftHz: { metabolite: 2, lipid: -1 },
  phase0Deg: 20,
  water: [{ ppm: 4.68, widthHz: 25, re: 80, im: -30 }],
  noiseSd: 0,
};

export interface ComponentStats {
  name: string;
  truth: number;
  mean: number;
  bias: number;
  /** bias / SD of the mean: |z| < 3 counts as unbiased. */
  biasZ: number;
  mcSd: number;
  meanCrlb: number;
  /** Monte Carlo SD / mean CRLB. */
  ratio: number;
  atZero: number;
}

export interface StudyResult {
  snr: number;
  count: number;
  noiseSd: number;
  secondsPerFit: number;
  components: ComponentStats[];
}

/** SNR = largest real peak of the noiseless spectrum (the L13 methylene) / frequency-domain noise SD. */
export function crlbStudy(snr: number, count: number, seed = 2026): StudyResult {
  const basis = liverBasis();
  const spec = { ...STUDY_SPEC, noiseSd: peakHeight(basis, STUDY_SPEC) / snr };
  const first = synthesizeFid(basis, spec, Rng.stream(seed, 0));
  const fitter = new Fitter(basis, first, LIVER_FIT_OPTIONS);
  const k = basis.names.length;
  const est: number[][] = basis.names.map(() => []);
  const crlb: number[][] = basis.names.map(() => []);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const r = fitter.fit(synthesizeFid(basis, spec, Rng.stream(seed, i)));
    for (let c = 0; c < k; c++) {
      est[c].push(r.components[c].amplitude);
      crlb[c].push(r.components[c].crlb);
    }
  }
  const secondsPerFit = (performance.now() - t0) / 1000 / count;
  const components = basis.names.map((name, c) => {
    const m = est[c].reduce((a, b) => a + b, 0) / count;
    const sd = Math.sqrt(est[c].reduce((a, b) => a + (b - m) ** 2, 0) / (count - 1));
    const meanCrlb = crlb[c].reduce((a, b) => a + b, 0) / count;
    const truth = LIVER_TRUTH[name];
    return {
      name,
      truth,
      mean: m,
      bias: m - truth,
      biasZ: (m - truth) / (sd / Math.sqrt(count)),
      mcSd: sd,
      meanCrlb,
      ratio: sd / meanCrlb,
      atZero: est[c].filter((v) => v === 0).length / count,
    };
  });
  return { snr, count, noiseSd: spec.noiseSd, secondsPerFit, components };
}

/** Unbiased in the study's sense: |bias| within 3 standard errors and within 10% of the truth, never at 0. */
export function isUnbiased(c: ComponentStats): boolean {
  return Math.abs(c.biasZ) < 3 && Math.abs(c.bias) < 0.1 * c.truth && c.atZero === 0;
}

function figure(results: StudyResult[]): string {
  const w = 860;
  const h = 420;
  const m = { l: 60, r: 20, t: 30, b: 90 };
  const names = results[0].components.map((c) => c.name);
  const x = (i: number) => m.l + ((i + 0.5) * (w - m.l - m.r)) / names.length;
  const y = (v: number) => h - m.b - ((Math.min(v, 2) - 0) / 2) * (h - m.t - m.b);
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c'];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="14">Monte Carlo SD / mean CRLB per component (filled: unbiased; band ±25%)</text>`,
    `<rect x="${m.l}" y="${y(1.25)}" width="${w - m.l - m.r}" height="${y(0.75) - y(1.25)}" fill="#eee"/>`,
    `<line x1="${m.l}" x2="${w - m.r}" y1="${y(1)}" y2="${y(1)}" stroke="#888"/>`,
    `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${h - m.b}" stroke="#333"/>`,
  ];
  for (const v of [0, 0.5, 1, 1.5, 2]) {
    parts.push(`<text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  names.forEach((n, i) => {
    parts.push(`<text transform="translate(${x(i) + 4},${h - m.b + 10}) rotate(60)">${n}</text>`);
  });
  results.forEach((r, s) => {
    r.components.forEach((c, i) => {
      const cx = x(i) + (s - 1) * 7;
      const fill = isUnbiased(c) ? colours[s] : 'white';
      parts.push(
        `<circle cx="${cx}" cy="${y(c.ratio)}" r="4" fill="${fill}" stroke="${colours[s]}" stroke-width="1.5"/>`,
      );
    });
    parts.push(
      `<circle cx="${w - 170}" cy="${m.t + 12 + 16 * s}" r="4" fill="${colours[s]}"/><text x="${w - 160}" y="${m.t + 16 + 16 * s}">SNR ${r.snr} (n = ${r.count})</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

const isMain = process.argv[1]?.endsWith('fit-crlb-study.js');
if (isMain) {
  const count = Number(process.argv[2] ?? 500);
  const outDir = process.argv[3] ?? 'docs';
  const results = [25, 50, 100].map((snr) => {
    const r = crlbStudy(snr, count);
    process.stderr.write(`SNR ${snr}: ${(r.secondsPerFit * 1000).toFixed(1)} ms/fit\n`);
    return r;
  });
  writeFileSync(join(outDir, 'fit-crlb-study.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(join(outDir, 'fit-crlb-study.svg'), figure(results));
  for (const r of results) {
    process.stdout.write(
      `\nSNR ${r.snr}, n = ${r.count}\n| component | truth | bias (%) | MC SD | mean CRLB | SD/CRLB | unbiased |\n|---|---|---|---|---|---|---|\n`,
    );
    for (const c of r.components) {
      process.stdout.write(
        `| ${c.name} | ${c.truth} | ${((100 * c.bias) / c.truth).toFixed(1)} | ${c.mcSd.toPrecision(3)} | ${c.meanCrlb.toPrecision(3)} | ${c.ratio.toFixed(2)} | ${isUnbiased(c) ? 'yes' : 'no'} |\n`,
      );
    }
  }
}
