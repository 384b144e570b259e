import { describe, expect, it } from 'vitest';
import { fitConcentrationTable, fitSection, fitSpectrumInput } from '../../src/report/from-fit.js';
import { buildReport } from '../../src/report/html.js';
import { liverFit } from './fixtures.js';

describe('report from a FitResult', () => {
  const r = liverFit();

  it('figure input: real parts on the fit window, fit = baseline(+water) + components', () => {
    const f = fitSpectrumInput(r);
    expect(f.ppmRange).toEqual([0.5, 5.7]);
    expect(f.components?.map((c) => c.name)).toEqual(r.components.map((c) => c.name));
    // The fit equals the sum of its parts at every point.
    for (let i = 0; i < f.ppm.length; i += 37) {
      const sum = (f.baseline?.[i] ?? 0) + (f.components ?? []).reduce((s, c) => s + c.values[i], 0);
      expect(sum).toBeCloseTo(f.fit?.[i] ?? Number.NaN, 6);
    }
  });

  it('table: every component with its CRLB, then the sums, and the fit warnings', () => {
    const t = fitConcentrationTable(r);
    expect(t.rows).toHaveLength(r.components.length + r.combined.length);
    const l13 = t.rows.find((x) => x.name === 'L13');
    const fitted = r.components.find((c) => c.name === 'L13');
    expect(l13?.value).toBe(fitted?.amplitude);
    expect(l13?.sd).toBe(fitted?.crlb);
    expect(l13?.group).toBe('lipid');
    // Scaled values carry their CRLB with the same factor.
    const s = fitConcentrationTable(r, { values: { L13: 2 * (fitted?.amplitude ?? 0) } });
    expect(s.rows.find((x) => x.name === 'L13')?.sd).toBeCloseTo(2 * (fitted?.crlb ?? 0), 12);
    expect(s.unit).toBe('mmol/kg');
  });

  it('renders as a report section', () => {
    const { html, figures } = buildReport({ title: 'fit', sections: [fitSection(r)] });
    expect(figures.map((x) => x.id)).toEqual(['spectrum']);
    expect(html).toContain('Nonlinear parameters');
    expect(html).toContain('>L13<');
  });
});
