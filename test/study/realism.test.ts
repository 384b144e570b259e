import { describe, expect, it } from 'vitest';
import { defaultLiverBasis } from '../../src/physics/index.js';
import { loadCohort } from '../../src/simulate/cohort-files.js';
import { SpectrumGenerator } from '../../src/simulate/generator.js';
import { heldOutRealism } from '../../src/simulate/lineshape-files.js';
import { drawPatients, PAPER_DESIGN } from '../../src/study/virtual-study.js';

describe('study --realism', () => {
  it('renders the test patients with held-out distortions, leaving the prior patients and every truth as they were', () => {
    const cohort = loadCohort('truth-hbv').cohort;
    const basis = defaultLiverBasis();
    const groups = PAPER_DESIGN.groups;
    const plain = new SpectrumGenerator(cohort, basis, { groups });
    const harsh = new SpectrumGenerator(cohort, basis, { groups, realism: heldOutRealism('harsh') });
    const a = drawPatients(plain, PAPER_DESIGN, 5);
    const b = drawPatients(plain, PAPER_DESIGN, 5, harsh);
    expect(b.map((p) => [p.id, p.role])).toEqual(a.map((p) => [p.id, p.role]));
    for (const [i, p] of b.entries()) {
      const q = a[i];
      const same = p.fid.data.every((v, j) => v === q.fid.data[j]);
      expect(same).toBe(p.role === 'prior');
      // The amplitudes are the patient's whatever the rendering (the realism stream is separate).
      const K = basis.names.length;
      expect(Array.from((p.truth as Float64Array).subarray(0, K))).toEqual(
        Array.from((q.truth as Float64Array).subarray(0, K)),
      );
    }
    expect(heldOutRealism('none')).toBeUndefined();
    expect(heldOutRealism('harsh')?.lineshapes.map((l) => l.name)).toEqual([
      'philips-3t-phantom-w',
      'fmrib-7t-wref',
    ]);
  });
});
