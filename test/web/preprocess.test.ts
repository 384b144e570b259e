import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { type Fid, ppmToHz } from '../../src/core/fid.js';
import { fromFids } from '../../src/core/mrs-data.js';
import { classProbability, componentGroup, quantificationRows } from '../../src/networks/interpret.js';
import { parseModelMetadata } from '../../src/networks/contract.js';
import { interpolateSpectrum, networkInput, windowGrid } from '../../src/networks/input.js';
import { autoPhase0, spectrumOf } from '../../src/spectra/display.js';
import { analysableFids } from '../../src/preproc/analysable.js';
import { combineFids } from '../../src/web/preprocess.js';
import { testModels } from './models.js';

/** A Lorentzian singlet at `ppm` (area 1, T2* 40 ms) with zero-order phase `phase`, in the internal convention. */
function singlet(ppm: number, phase = 0, points = 2048, bandwidth = 2000): Fid {
  const h = { points, dwellTime: 1 / bandwidth, spectrometerFrequency: 127.76, ppmReference: 4.65 };
  const f = ppmToHz(ppm, h);
  const data = new Float64Array(2 * points);
  for (let n = 0; n < points; n++) {
    const t = n * h.dwellTime;
    const a = Math.exp(-t / 0.04);
    const ang = 2 * Math.PI * f * t + phase;
    data[2 * n] = a * Math.cos(ang);
    data[2 * n + 1] = a * Math.sin(ang);
  }
  return { ...h, data, nucleus: '1H' };
}

const PREP = {
  ppmRange: [0.5, 5.7] as [number, number],
  points: 105,
  channels: ['real', 'imag', 'magnitude'] as const,
  normalisation: 'max-magnitude' as const,
};

describe('network input', () => {
  it('puts a singlet at its ppm on the descending window grid, normalised to magnitude 1', () => {
    const x = networkInput(singlet(3.2), { ...PREP, channels: [...PREP.channels] });
    expect(x.dims).toEqual([3, 105]);
    const grid = windowGrid(PREP); // 5.7, 5.65, ..., 0.5 (step 0.05)
    expect(grid[0]).toBe(5.7);
    expect(grid[104]).toBeCloseTo(0.5, 12);
    const mag = x.input.subarray(210, 315);
    const peak = mag.indexOf(Math.max(...mag));
    expect(grid[peak]).toBeCloseTo(3.2, 6);
    expect(Math.max(...mag)).toBeCloseTo(1, 6);
    // Absorption at phase 0: the real channel is positive and largest at the peak.
    expect(x.input[peak]).toBeCloseTo(1, 2);
  });

  it('l2 normalisation gives unit norm; none keeps the scale', () => {
    const x = networkInput(singlet(2), { ...PREP, channels: ['real', 'imag'], normalisation: 'l2' });
    expect(Math.hypot(...x.input)).toBeCloseTo(1, 5);
    const y = networkInput(singlet(2), { ...PREP, channels: ['real'], normalisation: 'none' });
    expect(y.norm).toBe(1);
  });

  it("scales by dwell_data / the model's dwell time, so the same FID amplitude gives the same factor at any bandwidth", () => {
    const prep = { ...PREP, channels: ['real' as const, 'imag' as const] };
    // The same singlet (T2* 40 ms) over the same 1.024 s, sampled at 2000 and at 4000 Hz.
    const slow = singlet(3.2, 0, 2048, 2000);
    const fast = singlet(3.2, 0, 4096, 4000);
    // Unnormalised FFT peak: sum of e^(-n dt / T2*) = 1 / (1 - e^(-dt / T2*)): 80.50 at 0.5 ms, 160.50 at 0.25 ms.
    const a = networkInput(slow, { ...prep, dwellTime: 1 / 2000 });
    const b = networkInput(fast, { ...prep, dwellTime: 1 / 2000 });
    const sum = (dt: number) => 1 / (1 - Math.exp(-dt / 0.04));
    expect(b.norm / a.norm).toBeCloseTo((0.5 * sum(1 / 4000)) / sum(1 / 2000), 3);
    expect(Math.abs(b.norm / a.norm - 1)).toBeLessThan(0.005);
    // Without the model's dwell time the factor follows the data's sampling (twice as large at 4000 Hz).
    expect(networkInput(fast, prep).norm / a.norm).toBeCloseTo(sum(1 / 4000) / sum(1 / 2000), 3);
    // The network input itself does not change.
    const c = networkInput(fast, prep);
    expect(Math.max(...b.input.map((v, i) => Math.abs(v - c.input[i])))).toBeLessThan(1e-6);
  });

  it('refuses a window outside the spectral width, naming the file', () => {
    expect(() =>
      networkInput(singlet(2), { ...PREP, channels: ['real'], ppmRange: [0.5, 20] }, { source: 'x.nii' }),
    ).toThrow(InputError);
    expect(() =>
      networkInput(singlet(2), { ...PREP, channels: ['real'], ppmRange: [0.5, 20] }, { source: 'x.nii' }),
    ).toThrow(/^x\.nii: spectral range .* does not cover the model window 0\.5–20 ppm/);
  });

  it('interpolates linearly on a descending axis', () => {
    const ppm = [4, 3, 2, 1];
    const spec = [4, 40, 3, 30, 2, 20, 1, 10];
    expect(Array.from(interpolateSpectrum(ppm, spec, [3.5, 1.25]))).toEqual([3.5, 35, 1.25, 12.5]);
  });

  it('automatic zero-order phase undoes a known phase (window symmetric about the peak)', () => {
    const { ppm, spectrum } = spectrumOf(singlet(3, 0.7), 0);
    expect(autoPhase0(ppm, spectrum, [1, 5])).toBeCloseTo(-0.7, 3);
  });

  it('aligns and averages transients, and combines coils, with the preproc steps', () => {
    const a = singlet(2);
    const b = { ...a, data: a.data.map((v) => 3 * v) };
    const { fid, averaged, notes } = combineFids(fromFids([a, b], 'DIM_DYN'));
    expect(averaged).toBe(2);
    expect(fid.data[0]).toBeCloseTo(2 * a.data[0], 6);
    expect(notes[0]).toBe('2 transients aligned and averaged');
    const coils = combineFids(fromFids([a, b], 'DIM_COIL'));
    expect(coils.notes[0]).toBe('2 coil channels combined (SNR-optimal weights)');
    const other = combineFids(fromFids([a, b], 'DIM_EDIT'));
    expect(other.fid.data[0]).toBeCloseTo(2 * a.data[0], 12);
    expect(other.notes[0]).toBe('2 FIDs averaged (DIM_EDIT 2)');
  });

  it('runs the command line’s chain: the same FID as analysableFids, outliers rejected alike', () => {
    const transients = [0, 0.01, -0.02, 0.015, 0.4].map((d, k) => {
      const f = singlet(2 + d, 0.1 * k);
      // The last transient is far off (a breath-hold that slipped): rejected as an outlier by both.
      return k === 4 ? { ...f, data: f.data.map((v) => 5 * v) } : f;
    });
    const mrs = fromFids(transients, 'DIM_DYN');
    const browser = combineFids(mrs);
    const [cli] = analysableFids(mrs);
    expect(Array.from(browser.fid.data)).toEqual(Array.from(cli.data));
    const steps = (f: Fid) =>
      ((f.meta?.processing ?? []) as Record<string, unknown>[]).map(({ Time: _t, ...step }) => step);
    expect(steps(cli).length).toBeGreaterThan(0);
    expect(steps(browser.fid)).toEqual(steps(cli));
    expect(browser.notes[0]).toMatch(/^5 transients aligned and averaged \([12] outliers rejected\)$/);
  });
});

describe('model bundle', () => {
  it('accepts the documented metadata and names the field of an error', () => {
    const { qMeta, cMeta } = testModels();
    expect(parseModelMetadata(JSON.parse(JSON.stringify(qMeta)), 'qcnn.json').task).toBe('quantify');
    expect(parseModelMetadata(JSON.parse(JSON.stringify(cMeta)), 'ccnn.json').task).toBe('classify');
    const bad = { ...cMeta, preprocessing: { ...cMeta.preprocessing, normalisation: 'max' } };
    expect(() => parseModelMetadata(bad, 'ccnn.json')).toThrow(/^ccnn\.json: preprocessing\.normalisation: /);
    const short = { ...qMeta, targets: { unit: 'a.u.', scale: [1, 2] } };
    expect(() => parseModelMetadata(short, 'qcnn.json')).toThrow(
      'qcnn.json: targets.scale: has 2 entries for 20 components',
    );
  });

  it('turns outputs into values, SDs and probabilities', () => {
    const { qMeta, cMeta } = testModels();
    const rows = quantificationRows(qMeta, new Array(20).fill(1), new Array(20).fill(Math.log(0.25)), 10);
    // scale 2, offset i % 3: value = 1 * 2 + (i % 3); SD = exp(log(0.25) / 2) * 2 = 1.
    expect(rows[4]).toEqual({ name: 'GPC', value: 3, sd: 1, group: 'metabolite' });
    expect(rows[16].group).toBe('lipid');
    const scaled = quantificationRows(
      { ...qMeta, targets: { ...qMeta.targets, scaleByInputNorm: true } },
      new Array(20).fill(1),
      undefined,
      10,
    );
    expect(scaled[0]).toEqual({ name: 'Ala', value: 20, sd: undefined, group: 'metabolite' });
    expect(classProbability(cMeta, [0])).toBe(0.5);
    expect(classProbability(cMeta, [Math.log(3)])).toBeCloseTo(0.75, 12);
    expect(classProbability(cMeta, [0, Math.log(3)])).toBeCloseTo(0.75, 12);
    expect(componentGroup('L53')).toBe('lipid');
    expect(componentGroup('Lac')).toBe('metabolite');
  });
});
