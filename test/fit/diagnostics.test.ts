import { describe, expect, it } from 'vitest';
import { type Diagnostic, diagnosticMessage } from '../../src/fit/diagnostics.js';
import { fitStatus } from '../../src/fit/status.js';

// The sentences results.json, concentrations.csv, reports and the command line have always written: a diagnostic
// must render to exactly these bytes (scripts/output-snapshot.mjs compares whole outputs; this pins each code).
const CASES: [Diagnostic, string][] = [
  [
    { code: 'basis-field-mismatch', basisMhz: 127.76, dataMhz: 123.2 },
    'basis simulated at 127.760 MHz used for 123.200 MHz data: shifts are mapped, J-coupling patterns are not re-simulated',
  ],
  [
    { code: 'basis-short', basisSeconds: 0.512, dataSeconds: 1.024, components: ['NAA', 'Cr'] },
    'basis FIDs are shorter than the data (0.512 s < 1.024 s) and have not decayed for NAA, Cr: zero-filled',
  ],
  [
    { code: 'echo-time-unknown', sequence: 'press', assumedEchoTimeMs: 30 },
    'echo time unknown (give --te): the liver basis is simulated for PRESS TE 30 ms',
  ],
  [
    { code: 'no-noise-region' },
    'no signal-free region in the spectral range: the CRLB uses the residual noise',
  ],
  [{ code: 'not-converged', iterations: 60 }, 'the fit did not converge in 60 iterations'],
  [
    { code: 'at-bound', parameter: 'damping.fat', side: 'upper', group: 'fat' },
    'damping.fat is at its upper bound',
  ],
  [
    { code: 'crlb-high', components: ['Cho', 'Glyc'], limitPercent: 50 },
    'CRLB above 50% for Cho, Glyc: not quantifiable at this SNR and linewidth (report sums or ratios with their CRLB)',
  ],
  [{ code: 'no-signal' }, 'no component was fitted above zero: the basis does not describe the data'],
  [
    { code: 'residual-high', ratio: 1.25 },
    'the residual is 1.3× the noise: the model misses signal (unmodelled components such as lipids, artefacts or a poor basis)',
  ],
  [
    { code: 'baseline-large', percent: 62.5 },
    'the baseline reaches 63% of the largest fitted peak: broad signals are being absorbed by it',
  ],
  [
    { code: 'water-area-mismatch', percent: -17.4 },
    'water reference: fitted area differs from |FID(0)| by -17% (non-Voigt lineshape or other signals?)',
  ],
  [
    { code: 'reference-zero', reference: 'Cr+PCr' },
    'the reference Cr+PCr was fitted as zero: ratios are undefined (reported as null)',
  ],
  [{ code: 'water-area-zero' }, 'the water reference area is zero: no concentrations'],
  [{ code: 'no-protons', components: ['L13'] }, 'no proton count for L13: fat fraction not computed'],
  [{ code: 'no-scaling' }, 'a water reference was given without scaling constants: no concentrations'],
];

describe('diagnostics', () => {
  it.each(CASES)('%o renders as its sentence', (d, text) => {
    expect(diagnosticMessage(d)).toBe(text);
  });

  const fitWith = (warnings: Diagnostic[]) => ({
    quality: { residualToNoise: 1, snr: 50, converged: true },
    components: [{ amplitude: 1 }],
    warnings,
  });

  it('a bound or a large baseline makes a fit doubtful, with the sentence as the reason', () => {
    const bound: Diagnostic = { code: 'at-bound', parameter: 'shift.metabolite', side: 'lower' };
    expect(fitStatus(fitWith([bound])).build()).toEqual({
      status: 'doubtful',
      reasons: ['shift.metabolite is at its lower bound'],
    });
    const base: Diagnostic = { code: 'baseline-large', percent: 80 };
    expect(fitStatus(fitWith([base])).build().reasons).toEqual([diagnosticMessage(base)]);
  });

  it('notes that are not quality problems leave the status ok', () => {
    const notes: Diagnostic[] = [
      { code: 'crlb-high', components: ['Cho'], limitPercent: 50 },
      { code: 'residual-high', ratio: 1.3 },
      { code: 'basis-field-mismatch', basisMhz: 127.7, dataMhz: 123.2 },
    ];
    expect(fitStatus(fitWith(notes)).build()).toEqual({ status: 'ok', reasons: [] });
  });
});
