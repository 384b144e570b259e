import { describe, expect, it } from 'vitest';
import { STUDY_SPEC } from '../../bench/fit-crlb-study.js';
import { Rng } from '../../src/core/random.js';
import { Fitter } from '../../src/fit/fit.js';
import { LIVER_FIT_OPTIONS, liverBasis } from '../../src/fit/liver.js';
import { liverScaling, quantify } from '../../src/fit/quantify.js';
import { peakHeight, type SyntheticSpec, synthesizeFid } from '../../src/fit/synthesize.js';

// Low-SNR liver spectra as the virtual clinical study fits them (SNR 10-30 on the L13 methylene peak): every
// fit must finish with finite amplitudes, CRLBs, parameters and concentrations, recover the dominant lipid
// within its CRLB, and say which metabolites it cannot quantify.
describe('low-SNR liver spectra', () => {
  const basis = liverBasis();
  const fitter = new Fitter(basis, synthesizeFid(basis, { ...STUDY_SPEC }), LIVER_FIT_OPTIONS);
  const nuisance: [string, Partial<SyntheticSpec>][] = [
    ['default', {}],
    ['broad lines', { lorentzHz: { metabolite: 20, lipid: 30 }, gaussianHz: 15 }],
    ['phase 150°', { phase0Deg: 150 }],
    [
      'little fat',
      { amplitudes: { ...STUDY_SPEC.amplitudes, L09: 0.1, L13: 0.1, L21: 0.1, L28: 0.1, L53: 0.1 } },
    ],
  ];
  for (const snr of [10, 30]) {
    it(`fits SNR ${snr} with finite results and warnings`, () => {
      const z: number[] = [];
      nuisance.forEach(([name, v], n) => {
        const spec0 = { ...STUDY_SPEC, ...v };
        const spec = { ...spec0, noiseSd: peakHeight(basis, spec0) / snr };
        for (let i = 0; i < 3; i++) {
          const fid = synthesizeFid(basis, spec, Rng.stream(500 + snr, 10 * n + i));
          const r = fitter.fit(fid);
          const finite = (x: number) => Number.isFinite(x);
          expect(
            r.components.every((c) => finite(c.amplitude) && finite(c.crlb)),
            name,
          ).toBe(true);
          expect(
            r.combined.every((c) => finite(c.amplitude) && finite(c.crlb)),
            name,
          ).toBe(true);
          expect(
            r.parameters.every((p) => finite(p.value) && finite(p.sd)),
            name,
          ).toBe(true);
          expect(finite(r.quality.snr) && finite(r.quality.residualSd), name).toBe(true);
          const l13 = r.components.find((c) => c.name === 'L13');
          if (!l13) throw new Error('no L13');
          z.push((l13.amplitude - (spec.amplitudes.L13 ?? 0)) / l13.crlb);
          // A water reference of the default liver's size (fat fraction ~10%) gives finite concentrations.
          const water = { area: 2000, firstPoint: 2000, fwhmHz: 15, ppm: 4.65, warnings: [] };
          const q = quantify(r, { water, scaling: liverScaling(0.03, 1.5), reference: 'L13' });
          expect(
            q.components.every((c) => c.concentration === undefined || finite(c.concentration)),
            name,
          ).toBe(true);
          expect(finite(q.fatFraction?.percent ?? Number.NaN), name).toBe(true);
          // The metabolites that cannot be quantified are named.
          if (snr === 10)
            expect(
              r.warnings.some((w) => w.startsWith('CRLB above 50%')),
              name,
            ).toBe(true);
        }
      });
      // L13 about its truth within a few CRLB. Measured max |z| 1.6 (SNR 10) and 3.3 (SNR 30, the 'little fat'
      // case: L13 = 0.1, 74% low); all other cases |z| ≤ 1.5.
      expect(Math.max(...z.map(Math.abs))).toBeLessThan(4);
    });
  }
});
