import { describe, expect, it } from 'vitest';
import { STUDY_SPEC } from '../../bench/fit-crlb-study.js';
import { Rng } from '../../src/core/random.js';
import { Fitter } from '../../src/fit/fit.js';
import { LIVER_FIT_OPTIONS, liverBasis } from '../../src/fit/liver.js';
import { peakHeight, synthesizeFid } from '../../src/fit/synthesize.js';

// FitOptions.amplitudes 'signed' against the default non-negative fit. Known answers: a component whose true
// amplitude is 0 has signed estimates that scatter about 0 (mean 0 within its standard error, some negative),
// while the non-negative estimates are ≥ 0 with a mean > 0 (|noise|-like); with strong signal (every amplitude
// far from its bound) both fits solve the same problem and agree to float precision.
describe('signed amplitudes', () => {
  const basis = liverBasis();
  const spec0 = { ...STUDY_SPEC, amplitudes: { ...STUDY_SPEC.amplitudes, Cr: 0 } };
  const first = synthesizeFid(basis, spec0);
  const nonneg = new Fitter(basis, first, LIVER_FIT_OPTIONS);
  const signed = new Fitter(basis, first, { ...LIVER_FIT_OPTIONS, amplitudes: 'signed' });
  const k = basis.names.indexOf('Cr');

  it('a zero-amplitude component at low SNR: signed mean ≈ 0, non-negative mean > 0', () => {
    const spec = { ...spec0, noiseSd: peakHeight(basis, spec0) / 10 };
    const s: number[] = [];
    const n: number[] = [];
    const crlb: number[] = [];
    for (let i = 0; i < 40; i++) {
      const fid = synthesizeFid(basis, spec, Rng.stream(9120, i));
      const rs = signed.fit(fid);
      s.push(rs.components[k].amplitude);
      crlb.push(rs.components[k].crlb);
      n.push(nonneg.fit(fid).components[k].amplitude);
    }
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const se = (x: number[]) => {
      const m = mean(x);
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1) / x.length);
    };
    expect(s.filter((v) => v < 0).length).toBeGreaterThan(5);
    expect(Math.abs(mean(s))).toBeLessThan(3 * se(s));
    expect(n.every((v) => v >= 0)).toBe(true);
    expect(mean(n)).toBeGreaterThan(3 * se(n));
    // The signed estimates scatter as their CRLB says (SD / mean CRLB within 0.6–1.6 for 40 draws).
    const sd = se(s) * Math.sqrt(s.length);
    expect(sd / mean(crlb)).toBeGreaterThan(0.6);
    expect(sd / mean(crlb)).toBeLessThan(1.6);
  });

  it('with strong signal the two fits agree', () => {
    const spec = { ...STUDY_SPEC, noiseSd: peakHeight(basis, STUDY_SPEC) / 1e5 };
    const fid = synthesizeFid(basis, spec, Rng.stream(9121, 0));
    const a = nonneg.fit(fid);
    const b = signed.fit(fid);
    // Same nonlinear fit, and at it every amplitude is positive: the same least-squares solution.
    a.components.forEach((c, j) => {
      expect(c.amplitude).toBeGreaterThan(0);
      expect(Math.abs(b.components[j].amplitude - c.amplitude)).toBeLessThan(1e-9 * c.amplitude);
      expect(Math.abs(b.components[j].crlb - c.crlb)).toBeLessThan(1e-9 * c.crlb);
    });
  });
});
