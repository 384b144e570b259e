import { Rng } from '../../src/core/random.js';
import { rocCurve, auc as aucOf, confusion } from '../../src/networks/classification-metrics.js';
import { STUDY_SPEC } from '../../bench/fit-crlb-study.js';
import { Fitter } from '../../src/fit/fit.js';
import { LIVER_FIT_OPTIONS, liverBasis } from '../../src/fit/liver.js';
import { peakHeight, synthesizeFid } from '../../src/fit/synthesize.js';
import { fitSection } from '../../src/report/from-fit.js';
import type { ReportInput, SpectrumFigureInput } from '../../src/report/types.js';

/** A real NLLS fit of a simulated liver spectrum (physics liver basis, the fit study's illustrative truth, SNR 60, seeded). */
export function liverFit() {
  const basis = liverBasis();
  const fid = synthesizeFid(
    basis,
    { ...STUDY_SPEC, noiseSd: peakHeight(basis, STUDY_SPEC) / 60 },
    new Rng(5),
  );
  return new Fitter(basis, fid, LIVER_FIT_OPTIONS).fit(fid);
}

/** Liver-like peaks (ppm, relative area, FWHM ppm): lipids dominate, a few small metabolites. */
export const PEAKS = [
  { name: 'L09', ppm: 0.9, area: 8, fwhm: 0.12 },
  { name: 'L13', ppm: 1.3, area: 60, fwhm: 0.12 },
  { name: 'L21', ppm: 2.1, area: 9, fwhm: 0.14 },
  { name: 'Cho', ppm: 3.21, area: 1.2, fwhm: 0.08 },
  { name: 'Glyc', ppm: 3.8, area: 2.5, fwhm: 0.2 },
  { name: 'L53', ppm: 5.3, area: 5, fwhm: 0.12 },
];

function lorentzian(x: number, x0: number, fwhm: number): number {
  const g = fwhm / 2;
  return (g * g) / ((x - x0) ** 2 + g * g);
}

/** A synthetic fit result on a descending ppm axis: components, a smooth baseline, noise; seeded. */
export function syntheticSpectrum(seed = 1, points = 600): SpectrumFigureInput {
  const rng = new Rng(seed);
  const ppm = Array.from({ length: points }, (_, i) => 6 - (5.6 * i) / (points - 1));
  const components = PEAKS.map((p) => ({
    name: p.name,
    values: ppm.map((x) => p.area * lorentzian(x, p.ppm, p.fwhm)),
  }));
  const baseline = ppm.map((x) => 1.5 + 0.6 * Math.sin(x));
  const fit = ppm.map((_, i) => baseline[i] + components.reduce((s, c) => s + c.values[i], 0));
  const data = fit.map((f) => f + 0.4 * rng.normal());
  return { ppm, data, fit, baseline, components, ppmRange: [0.4, 5.8], title: 'Synthetic liver spectrum' };
}

/** A small virtual study: probabilities for 10 LC and 7 LC-HCC per method, repeated R times. */
export function syntheticStudy(seed = 2, repeats = 20) {
  const rng = new Rng(seed);
  const labels = [...Array(10).fill(0), ...Array(7).fill(1)];
  const scores = (sep: number) =>
    labels.map((l) => 1 / (1 + Math.exp(-(sep * (l - 0.5) * 4 + rng.normal()))));
  const cnn = scores(0.5);
  const nlls = scores(0.25);
  const acc = (sep: number) =>
    Array.from({ length: repeats }, () => {
      const s = scores(sep);
      const c = confusion(labels, s);
      return (c.tp + c.tn) / labels.length;
    });
  return { labels, cnn, nlls, accCnn: acc(0.5), accNlls: acc(0.25) };
}

/** A report using every block kind. */
export function fullReport(): ReportInput {
  const st = syntheticStudy();
  const roc = (s: number[]) => {
    const pts = rocCurve(st.labels, s);
    return { fpr: pts.map((p) => p.fpr), tpr: pts.map((p) => p.tpr), auc: aucOf(st.labels, s) };
  };
  const cc = confusion(st.labels, st.cnn);
  const cn = confusion(st.labels, st.nlls);
  const rng = new Rng(3);
  const truth = Array.from({ length: 60 }, () => 1 + 2 * rng.uniform());
  const shrink = truth.map((t) => 2 + 0.6 * (t - 2) + 0.1 * rng.normal());
  const noisy = truth.map((t) => t + 0.35 * rng.normal());
  return {
    title: 'livermrs test report',
    subtitle: 'simulated liver spectrum (NLLS fit) and a synthetic virtual study',
    meta: [
      ['software', 'livermrs test'],
      ['input', 'simulated'],
    ],
    sections: [
      fitSection(liverFit(), 'NLLS fit', 'Simulated liver spectrum, NLLS fit'),
      {
        heading: 'Classification',
        blocks: [
          {
            kind: 'probability',
            input: { probability: 0.73, positiveLabel: 'LC-HCC', negativeLabel: 'LC', interval: [0.6, 0.84] },
          },
        ],
      },
      {
        heading: 'Study',
        blocks: [
          {
            kind: 'roc',
            curves: [
              { label: 'cCNN', ...roc(st.cnn) },
              { label: 'NLLS + logistic', ...roc(st.nlls) },
            ],
          },
          {
            kind: 'confusion',
            matrices: [
              { title: 'cCNN', ...cc, positiveLabel: 'LC-HCC', negativeLabel: 'LC' },
              { title: 'NLLS + logistic', ...cn, positiveLabel: 'LC-HCC', negativeLabel: 'LC' },
            ],
          },
          {
            kind: 'metrics',
            rows: [
              { method: 'cCNN', ...cc, auc: aucOf(st.labels, st.cnn) },
              { method: 'NLLS + logistic', ...cn },
            ],
          },
          {
            kind: 'distribution',
            input: {
              title: 'Accuracy over repeated studies',
              metric: 'accuracy',
              range: [0, 1],
              series: [
                { label: 'cCNN', values: st.accCnn },
                { label: 'NLLS + LR', values: st.accNlls },
              ],
              references: [{ value: 16 / 17, label: 'paper 16/17' }],
            },
          },
          {
            kind: 'errors',
            input: {
              measure: 'mean absolute error (mmol/kg)',
              methods: ['qCNN', 'NLLS'],
              rows: [
                { component: 'Cho', errors: { qCNN: 0.12, NLLS: 0.2 }, pValue: 0.0004, crlb: 0.1 },
                { component: 'Glyc', errors: { qCNN: 0.5, NLLS: 0.45 }, pValue: 0.2 },
              ],
            },
          },
          {
            kind: 'bias',
            plots: [
              {
                component: 'Cho',
                unit: 'mmol/kg',
                methods: [
                  { label: 'qCNN', truth, estimate: shrink },
                  { label: 'NLLS', truth, estimate: noisy },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}
