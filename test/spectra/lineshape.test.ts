import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fid } from '../../src/core/fid.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { analysableFids } from '../../src/preproc/analysable.js';
import { envelopeFwhm, extractLineshape } from '../../src/spectra/lineshape.js';
import { REPO_ROOT } from '../helpers/repo.js';

const grid = { points: 2048, dwellTime: 1 / 2000, spectrometerFrequency: 127.76, ppmReference: 4.65 };

function lorentzians(lines: [number, number, number][]): Fid {
  const data = new Float64Array(2 * grid.points);
  for (let n = 0; n < grid.points; n++) {
    const t = n * grid.dwellTime;
    for (const [ppm, a, lw] of lines) {
      const w = -2 * Math.PI * (ppm - grid.ppmReference) * grid.spectrometerFrequency * t;
      const e = a * Math.exp(-Math.PI * lw * t);
      data[2 * n] += e * Math.cos(w);
      data[2 * n + 1] += e * Math.sin(w);
    }
  }
  return { ...grid, data, nucleus: '1H' };
}

describe('measured lineshapes', () => {
  it('takes a Lorentzian water line as e^{-πΔν t}, without the fat beside it', () => {
    const ls = extractLineshape(
      lorentzians([
        [4.72, 1000, 8],
        [1.3, 200, 20],
      ]),
      'test',
      'analytic',
    );
    expect(ls.envelope[0]).toBeCloseTo(1, 6);
    expect(ls.envelope[1]).toBeCloseTo(0, 6);
    expect(ls.fwhmHz).toBeGreaterThan(7.6);
    expect(ls.fwhmHz).toBeLessThan(8.4);
    // |h(t)| = e^{-π 8 t} at every sample up to 100 ms, the first ones too (a band cut of the complex spectrum
    // smeared h across t = 0 with the FID's wrapped-around end: h(0.5 ms) came out 0.55). Within 8 %: the
    // Lorentzian's tails beyond the ±64 Hz band (about 5 % of its area) are cut, so h(0) is a little low.
    for (let n = 1; n <= 200; n++) {
      const t = n * grid.dwellTime;
      const ratio = Math.hypot(ls.envelope[2 * n], ls.envelope[2 * n + 1]) / Math.exp(-Math.PI * 8 * t);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.08);
    }
  });

  it('measures the FWHM of a Lorentzian envelope', () => {
    const env: number[] = [];
    for (let n = 0; n < 4096; n++) env.push(Math.exp(-Math.PI * 12 * n * 1e-4), 0);
    expect(envelopeFwhm(env, 1e-4)).toBeCloseTo(12, 1);
  });

  it('gives the built-in library entry of a real water reference (Philips 3 T phantom)', () => {
    const lib = JSON.parse(readFileSync(join(REPO_ROOT, 'data/lineshapes.json'), 'utf8')) as {
      lineshapes: { name: string; fwhmHz: number; envelope: number[]; heldOut: boolean }[];
    };
    const entry = lib.lineshapes.find((l) => l.name === 'philips-3t-phantom-w');
    expect(entry?.heldOut).toBe(true);
    const file = join(REPO_ROOT, 'test/extdata/philips/spant_philips_spar_sdat_W.SDAT');
    const ls = extractLineshape(analysableFids(readMrsFile(file))[0], 'x', 'y');
    expect(ls.fwhmHz).toBeCloseTo(entry?.fwhmHz ?? 0, 3);
    expect(ls.envelope.length).toBe(entry?.envelope.length);
    // A real water line is not a Lorentzian: its envelope has an imaginary part (asymmetry, eddy currents).
    const imag = Math.max(...ls.envelope.filter((_, i) => i % 2 === 1).map(Math.abs));
    expect(imag).toBeGreaterThan(0.05);
  });
});
