import { describe, expect, it } from 'vitest';
import type { Fid } from '../../src/core/fid.js';
import {
  inputPipeline,
  NO_WATER_REFERENCE_NOTE,
  networkInput,
  prepareFid,
} from '../../src/networks/input.js';

const grid = { points: 1024, dwellTime: 1 / 2000, spectrometerFrequency: 127.76, ppmReference: 4.65 };
const protocol = { ...grid, echoTime: 0.03 };
const pipeline = inputPipeline(grid);

/** Lorentzian singlets (ppm, amplitude at t = 0, FWHM Hz) in the internal convention. */
function singlets(g: typeof grid, lines: [number, number, number][], echoTime?: number): Fid {
  const data = new Float64Array(2 * g.points);
  for (let n = 0; n < g.points; n++) {
    const t = n * g.dwellTime;
    for (const [ppm, a, lw] of lines) {
      const w = -2 * Math.PI * (ppm - g.ppmReference) * g.spectrometerFrequency * t;
      const e = a * Math.exp(-Math.PI * lw * t);
      data[2 * n] += e * Math.cos(w);
      data[2 * n + 1] += e * Math.sin(w);
    }
  }
  return { ...g, data, nucleus: '1H', ...(echoTime !== undefined ? { echoTime } : {}) };
}

const LINES: [number, number, number][] = [
  [1.3, 100, 20],
  [3.2, 9, 8],
  [5.3, 5, 15],
];

describe('network input', () => {
  it("is the web app's model-contract preprocessing exactly on the model grid", () => {
    const fid = singlets(grid, LINES, 0.03);
    const ours = prepareFid(fid, protocol, pipeline);
    const web = networkInput(fid, pipeline.model);
    expect(web.dims).toEqual([2, pipeline.model.points]);
    expect(Math.abs(web.norm / ours.norm - 1)).toBeLessThan(1e-6);
    let diff = 0;
    for (let i = 0; i < ours.input.length; i++) diff = Math.max(diff, Math.abs(ours.input[i] - web.input[i]));
    expect(diff).toBeLessThan(1e-6);
    // Nothing to say of a spectrum on the model's grid, but that its lineshape was not measured.
    expect(ours.notes).toEqual([NO_WATER_REFERENCE_NOTE]);
    // The window is the 0.5–5.7 ppm liver window on the grid's bins, largest magnitude 1.
    expect(pipeline.model.ppmRange[0]).toBeGreaterThanOrEqual(0.5);
    expect(pipeline.model.ppmRange[1]).toBeLessThanOrEqual(5.7);
    expect(pipeline.model.points).toBe(340);
    let m = 0;
    for (let j = 0; j < 340; j++) m = Math.max(m, Math.hypot(ours.input[j], ours.input[340 + j]));
    expect(m).toBeCloseTo(1, 6);
  });

  it('says that the lineshape stays in the spectrum only when no water reference is given and the frame is on', () => {
    const fid = singlets(grid, LINES, 0.03);
    const water = { fid: singlets(grid, [[4.65, 2000, 6]], 0.03), source: 'water.raw' };
    const withRef = networkInput(fid, pipeline, { waterReference: water });
    expect(withRef.referenceDeconvolution).toBeDefined();
    expect(withRef.notes).not.toContain(NO_WATER_REFERENCE_NOTE);
    expect(networkInput(fid, pipeline).notes).toContain(NO_WATER_REFERENCE_NOTE);
    // A model without the canonical frame (trained before it) gets no such note: it never claimed the frame.
    expect(networkInput(fid, inputPipeline(grid, undefined, null)).notes).not.toContain(
      NO_WATER_REFERENCE_NOTE,
    );
  });

  it('resamples another spectral width and point count to the same input and the same amplitude scale', () => {
    const native = prepareFid(singlets(grid, LINES), protocol, pipeline);
    const wide = { ...grid, points: 2048, dwellTime: 1 / 4000 };
    const other = prepareFid(singlets(wide, LINES), protocol, pipeline);
    expect(other.notes.join(' ')).toMatch(/resampled from 2048 points at 4000 Hz/);
    // Peak heights scale with 1/dwell: the scaling by dwell_data / dwell_model keeps the divisor.
    expect(other.norm / native.norm).toBeGreaterThan(0.99);
    expect(other.norm / native.norm).toBeLessThan(1.01);
    let diff = 0;
    for (let i = 0; i < native.input.length; i++)
      diff = Math.max(diff, Math.abs(native.input[i] - other.input[i]));
    expect(diff).toBeLessThan(0.02);
  });

  it('accepts 123.2 MHz (Siemens 3 T) with a note, refuses another field or echo time naming the field', () => {
    const siemens = { ...grid, spectrometerFrequency: 123.2 };
    expect(prepareFid(singlets(siemens, LINES), protocol, pipeline).notes.join(' ')).toMatch(
      /123\.200 MHz mapped/,
    );
    expect(() =>
      prepareFid(singlets({ ...grid, spectrometerFrequency: 297.2 }, LINES), protocol, pipeline, 'x.nii'),
    ).toThrow(
      /x\.nii: spectrometerFrequency: spectrometer frequency 297\.200 MHz \(expected the model's field: 127\.76 MHz/,
    );
    expect(() => prepareFid(singlets(grid, LINES, 0.144), protocol, pipeline, 'x.nii')).toThrow(
      /x\.nii: echoTime: echo time 144\.0 ms \(expected the model's echo time 30\.0 ms/,
    );
    expect(prepareFid(singlets(grid, LINES), protocol, pipeline).notes.join(' ')).toMatch(
      /does not state its echo time/,
    );
    const narrow = { ...grid, dwellTime: 1 / 500, points: 256 };
    expect(() => prepareFid(singlets(narrow, LINES), protocol, pipeline, 'n.nii')).toThrow(
      /does not cover the model window/,
    );
  });
});
