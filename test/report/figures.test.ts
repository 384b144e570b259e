import { describe, expect, it } from 'vitest';
import { biasFigureSvg, leastSquaresLine } from '../../src/report/figures/bias.js';
import { confusionFigureSvg, confusionFractions } from '../../src/report/figures/confusion.js';
import { distributionFigureSvg, quantile } from '../../src/report/figures/distribution.js';
import { probabilityFigureSvg } from '../../src/report/figures/probability.js';
import { rocFigureSvg } from '../../src/report/figures/roc.js';
import { spectrumFigureSvg } from '../../src/report/figures/spectrum.js';
import { syntheticSpectrum } from './fixtures.js';

/** x of the highest point (smallest SVG y) of the first path with the given stroke colour. */
function peakX(svg: string, stroke: string): number {
  const m = svg.match(new RegExp(`<path d="([^"]+)" fill="none" stroke="${stroke}"`));
  if (!m) throw new Error(`no path with stroke ${stroke}`);
  const pts = [...m[1].matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])]);
  return pts.reduce((best, p) => (p[1] < best[1] ? p : best))[0];
}

describe('spectrum figure', () => {
  it('draws the L13 peak at 1.3 ppm on a reversed axis, with data, fit, baseline, residual and each component', () => {
    const input = syntheticSpectrum();
    const svg = spectrumFigureSvg(input, { width: 900 });
    // Plot area: left 70, width 900 - 70 - 110 = 720, axis from 5.8 (left) to 0.4 (right).
    const expectX = 70 + ((5.8 - 1.3) / (5.8 - 0.4)) * 720;
    expect(Math.abs(peakX(svg, '#D55E00') - expectX)).toBeLessThan(720 / 600 + 1); // fit, within one point
    expect(Math.abs(peakX(svg, '#000') - expectX)).toBeLessThan(3); // noisy data
    for (const c of input.components ?? []) expect(svg).toContain(`>${c.name}`);
    for (const label of ['data', 'fit', 'baseline', 'residual', 'chemical shift (ppm)'])
      expect(svg).toContain(label);
    // Ticks run from high ppm on the left to low on the right.
    const x5 = Number(svg.match(/<text x="([\d.]+)"[^>]*>5\.0<\/text>/)?.[1]);
    const x1 = Number(svg.match(/<text x="([\d.]+)"[^>]*>1\.0<\/text>/)?.[1]);
    expect(x5).toBeLessThan(x1);
  });

  it('labels components drawn smaller than the main panel with their magnification', () => {
    const svg = spectrumFigureSvg(syntheticSpectrum());
    expect(svg).toMatch(/>Cho ×\d+</); // a small metabolite is magnified
    expect(svg).toMatch(/>L13 ×0\.\d+</); // the dominant lipid is shrunk to its row
  });

  it('refuses a window without data', () => {
    expect(() => spectrumFigureSvg({ ...syntheticSpectrum(), ppmRange: [8, 9] })).toThrow(
      /fewer than 2 points/,
    );
  });
});

describe('study figures', () => {
  it('confusion matrix reports the paper-style counts 7/7, 9/10, 16/17', () => {
    expect(confusionFractions({ tp: 7, fn: 0, tn: 9, fp: 1 })).toEqual({
      sensitivity: '7/7',
      specificity: '9/10',
      accuracy: '16/17',
    });
    const svg = confusionFigureSvg({
      title: 'cCNN',
      tp: 7,
      fn: 0,
      tn: 9,
      fp: 1,
      positiveLabel: 'LC-HCC',
      negativeLabel: 'LC',
    });
    expect(svg).toContain('sensitivity 7/7 · specificity 9/10 · accuracy 16/17');
    expect(svg).toContain('>90 %<'); // 9 of 10 LC correct
  });

  it('quantiles follow R type 7', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.9)).toBe(5);
  });

  it('box plot shows n per series and reference lines', () => {
    const svg = distributionFigureSvg({
      title: 'Accuracy',
      metric: 'accuracy',
      range: [0, 1],
      series: [{ label: 'cCNN', values: [0.8, 0.9, 1] }],
      references: [{ value: 16 / 17, label: 'paper 16/17' }],
    });
    expect(svg).toContain('n = 3');
    expect(svg).toContain('paper 16/17');
    expect(svg.match(/<circle/g)?.length).toBe(3);
  });

  it('bias trend line: least squares recovers a known line', () => {
    const x = [1, 2, 3, 4];
    const { a, b } = leastSquaresLine(
      x,
      x.map((v) => 0.5 - 0.4 * v),
    );
    expect(a).toBeCloseTo(0.5, 12);
    expect(b).toBeCloseTo(-0.4, 12);
    const svg = biasFigureSvg([
      { component: 'Cho', methods: [{ label: 'qCNN', truth: x, estimate: x.map((v) => v + 1) }] },
    ]);
    expect(svg).toContain('estimate − true');
    expect(svg).toContain('>Cho<');
  });

  it('ROC legend carries the AUC and the chance line is drawn', () => {
    const svg = rocFigureSvg([{ label: 'cCNN', fpr: [0, 0, 1], tpr: [0, 1, 1], auc: 1 }]);
    expect(svg).toContain('cCNN (AUC 1.000)');
    expect(svg).toContain('stroke-dasharray="4 3"');
  });

  it('probability display names the predicted class', () => {
    const svg = probabilityFigureSvg({ probability: 0.27, positiveLabel: 'LC-HCC', negativeLabel: 'LC' });
    expect(svg).toContain('P(LC-HCC) = 0.270 → LC');
  });
});

describe('spectrum figure: zero components', () => {
  it('labels a component fitted to zero "= 0" instead of a magnification', () => {
    const input = syntheticSpectrum();
    input.components?.push({ name: 'Ala', values: new Array(input.ppm.length).fill(0) });
    const svg = spectrumFigureSvg(input);
    expect(svg).toContain('>Ala = 0<');
  });
});
