import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { makeGrid } from '../../src/fit/grid.js';
import { liverBasis } from '../../src/fit/liver.js';
import { resampleBasis } from '../../src/fit/resample.js';
import { fft, fidToSpectrum } from '../../src/spectra/fft.js';
import { ppmAxis } from '../../src/core/fid.js';
import { readLcmRaw } from '../../src/io/lcmodel/raw.js';
import { CHALLENGE } from '../paths.js';

const grid = {
  points: 1024,
  dwellTime: 1 / 2000,
  spectrometerFrequency: 127.76,
  ppmReference: 4.65,
  nucleus: '1H',
};

function peakPpm(fid: Float64Array, h: typeof grid): number {
  const s = fidToSpectrum(fid);
  const ax = ppmAxis(h);
  let best = 0;
  for (let k = 1; k < h.points; k++) if (s[2 * k] > s[2 * best]) best = k;
  return ax[best];
}

/** resample.ts's sum written out: every in-band basis bin mapped to the data axis, summed at each data time. */
function directInterpolation(
  f: Float64Array,
  b: ReturnType<typeof liverBasis>,
  d: typeof grid,
): Float64Array {
  const nb = b.points;
  const src = Float64Array.from(f);
  src[0] *= 0.5;
  src[1] *= 0.5;
  const spec = fft(src);
  const out = new Float64Array(2 * d.points);
  const tMax = (nb - 1) * b.dwellTime * (1 + 1e-12);
  const ratio = d.spectrometerFrequency / b.spectrometerFrequency;
  const offset = (d.ppmReference - b.ppmReference) * d.spectrometerFrequency;
  for (let k = 0; k < nb; k++) {
    const fd = offset + ((k < nb / 2 ? k : k - nb) / (nb * b.dwellTime)) * ratio;
    if (Math.abs(fd) >= 0.5 / d.dwellTime) continue;
    for (let n = 0; n < d.points && n * d.dwellTime <= tMax; n++) {
      const a = 2 * Math.PI * fd * n * d.dwellTime;
      out[2 * n] += (spec[2 * k] * Math.cos(a) - spec[2 * k + 1] * Math.sin(a)) / nb;
      out[2 * n + 1] += (spec[2 * k] * Math.sin(a) + spec[2 * k + 1] * Math.cos(a)) / nb;
    }
  }
  out[0] *= 2;
  out[1] *= 2;
  return out;
}

describe('basis resampling', () => {
  it('interpolates a basis of finer dwell time and another field onto the data grid', () => {
    // Basis at 4000 Hz, 2048 points, 123.2 MHz; data at 2000 Hz, 1024 points, 127.76 MHz.
    // Bases carry a linewidth (3 Hz here): an undamped, truncated line leaks over the whole band and cannot
    // be band-limited without loss.
    const broaden = (b: ReturnType<typeof liverBasis>) => ({
      ...b,
      fids: b.fids.map((f) => f.map((v, i) => v * Math.exp(-Math.PI * 3 * (i >> 1) * b.dwellTime))),
    });
    const fine = broaden(
      liverBasis({ points: 2048, dwellTime: 1 / 4000, spectrometerFrequency: 123.2, ppmReference: 4.65 }),
    );
    const direct = broaden(liverBasis(grid));
    const r = resampleBasis(fine, grid);
    expect(r.method).toBe('interpolate');
    const k = fine.names.indexOf('Cr');
    // Same line positions (ppm) as the basis built directly on the data grid, to within one bin.
    const damp = (f: Float64Array) => f.map((v, i) => v * Math.exp(-Math.PI * 5 * (i >> 1) * grid.dwellTime));
    expect(Math.abs(peakPpm(damp(r.basis.fids[k]), grid) - peakPpm(damp(direct.fids[k]), grid))).toBeLessThan(
      0.013,
    );
    // Area (FID(0)) preserved.
    expect(r.basis.fids[k][0]).toBeCloseTo(direct.fids[k][0], 1);
  });
  it('interpolates exactly as the direct band-limited sum over the basis bins (chirp-z is only faster)', () => {
    const fine = liverBasis({
      points: 1000,
      dwellTime: 1 / 3900,
      spectrometerFrequency: 123.2,
      ppmReference: 4.7,
    });
    const r = resampleBasis(fine, grid);
    for (const k of [0, fine.names.indexOf('Cr'), fine.names.length - 1]) {
      const want = directInterpolation(fine.fids[k], fine, grid);
      const got = r.basis.fids[k];
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-10 * scale);
    }
  });
  it('truncates a longer basis of the same dwell time', () => {
    const long = liverBasis({ ...grid, points: 4096 });
    const r = resampleBasis(long, grid);
    expect(r.method).toBe('truncate');
    expect(r.basis.fids[0]).toHaveLength(2 * 1024);
    expect(Array.from(r.basis.fids[3].slice(0, 20))).toEqual(Array.from(long.fids[3].slice(0, 20)));
  });
  it('refuses a basis whose spectral width cannot cover the data', () => {
    const coarse = liverBasis({ ...grid, dwellTime: 1 / 1000 });
    expect(() => resampleBasis(coarse, grid, 'coarse.BASIS')).toThrow(/narrower than the data's 2000\.0 Hz/);
  });
  it('refuses a basis for another field strength', () => {
    const b = liverBasis({ ...grid, spectrometerFrequency: 297.2 });
    expect(() => resampleBasis(b, grid, '7T.BASIS')).toThrow(InputError);
  });
});

describe('malformed inputs', () => {
  it('an empty fit window is an input error naming the spectral range', () => {
    expect(() => makeGrid(grid, { ppmRange: [20, 25] })).toThrow(/holds 0 spectral points/);
  });
  it('a truncated .RAW is an input error', () => {
    const text = readFileSync(`${CHALLENGE}/datasets_LCModel/dataset1.RAW`, 'utf8');
    const cut = text.slice(0, 200);
    expect(() => readLcmRaw(cut, 'cut.RAW', { dwellTime: 2.5e-4, spectrometerFrequency: 123.2 })).toThrow(
      InputError,
    );
  });
  it('the CLI exits 2 with one line for a truncated file, a narrow basis and an empty window', () => {
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-fit-'));
    const text = readFileSync(`${CHALLENGE}/datasets_LCModel/dataset1.RAW`, 'utf8');
    writeFileSync(join(dir, 'cut.RAW'), text.slice(0, 200));
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['dist/src/cli/main.js', 'fit', ...args], { encoding: 'utf8' });
    const common = ['--sw', '4000', '--frequency', '123.2', '--out', join(dir, 'out')];
    const a = cli([join(dir, 'cut.RAW'), ...common]);
    expect(a.status).toBe(2);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/cut\.RAW/);
    const ds1 = `${CHALLENGE}/datasets_LCModel/dataset1.RAW`;
    const basis = `${CHALLENGE}/basisset_LCModel/press3T_30ms.BASIS`;
    const b = cli([ds1, '--basis', basis, '--sw', '8000', '--frequency', '123.2', '--out', join(dir, 'o2')]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/narrower than the data/);
    const c = cli([ds1, '--basis', basis, '--ppm', '30,40', ...common]);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/fit window 30\.\.40 ppm holds 0 spectral points/);
  });
});
