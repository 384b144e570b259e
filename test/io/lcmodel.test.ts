import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { ppmAxis } from '../../src/core/fid.js';
import { readLcmBasis, writeLcmBasis } from '../../src/io/lcmodel/basis.js';
import { readLcmRaw, writeLcmRaw } from '../../src/io/lcmodel/raw.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';
import { CHALLENGE } from '../paths.js';

const CH = CHALLENGE;
const basisFile = `${CH}/basisset_LCModel/press3T_30ms.BASIS`;

function peakPpm(fid: Float64Array, h: Parameters<typeof ppmAxis>[0], lo: number, hi: number): number {
  const s = fidToSpectrum(fid);
  const ax = ppmAxis(h);
  let best = -1;
  for (let k = 0; k < h.points; k++) {
    if (ax[k] < lo || ax[k] > hi) continue;
    if (best < 0 || s[2 * k] > s[2 * best]) best = k;
  }
  return ax[best];
}

describe('LCModel .BASIS', () => {
  const basis = readLcmBasis(readFileSync(basisFile, 'utf8'), basisFile);

  it('reads the ISMRM 2016 challenge basis header and all components', () => {
    expect(basis.spectrometerFrequency).toBeCloseTo(123.2617, 3);
    expect(basis.dwellTime).toBeCloseTo(0.00025, 8);
    expect(basis.points).toBe(4096);
    expect(basis.names).toContain('Cr');
    expect(basis.names).toContain('NAA');
    expect(basis.names.length).toBe(21); // 20 metabolites + Mac (Ace has a .RAW but is not in the .BASIS)
  });

  it('matches the time-domain Cr.RAW of the same basis and places NAA at 2.01 ppm', () => {
    const raw = readLcmRaw(readFileSync(`${CH}/basisset_LCModel/Cr.RAW`, 'utf8'), 'Cr.RAW', {
      dwellTime: 0.00025,
      spectrometerFrequency: 123.2,
    });
    const cr = basis.fids[basis.names.indexOf('Cr')];
    let num = 0;
    let da = 0;
    let db = 0;
    for (let i = 0; i < 2 * raw.points; i++) {
      num += cr[i] * raw.data[i];
      da += cr[i] * cr[i];
      db += raw.data[i] * raw.data[i];
    }
    expect(num / Math.sqrt(da * db)).toBeGreaterThan(0.9999);
    const naa = basis.fids[basis.names.indexOf('NAA')];
    expect(peakPpm(naa, basis, 1.8, 2.3)).toBeCloseTo(2.01, 1);
  });

  it('round-trips through writeLcmBasis', () => {
    const small = { ...basis, names: basis.names.slice(0, 2), fids: basis.fids.slice(0, 2) };
    const again = readLcmBasis(writeLcmBasis(small, { zeroFill: 1 }));
    expect(again.names).toEqual(small.names);
    expect(again.points).toBe(small.points);
    const a = small.fids[1];
    const b = again.fids[1];
    const scale = Math.max(...Array.from(a, Math.abs));
    for (let i = 0; i < 200; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * scale);
  });

  it('rejects a truncated file naming the metabolite', () => {
    const text = readFileSync(basisFile, 'utf8');
    const cut = text.slice(0, Math.floor(text.length * 0.1));
    expect(() => readLcmBasis(cut, 'cut.BASIS')).toThrow(InputError);
    expect(() => readLcmBasis(cut, 'cut.BASIS')).toThrow(/cut\.BASIS: \$BASIS \w+: truncated data/);
  });
});

describe('LCModel .RAW', () => {
  it('reads the challenge dataset with NAA at 2.01 ppm and round-trips', () => {
    const f = `${CH}/datasets_LCModel/dataset1.RAW`;
    const fid = readLcmRaw(readFileSync(f, 'utf8'), f, { dwellTime: 1 / 4000, spectrometerFrequency: 123.2 });
    expect(fid.points).toBe(2048);
    expect(peakPpm(fid.data, fid, 1.8, 2.3)).toBeCloseTo(2.01, 1);
    const back = readLcmRaw(writeLcmRaw(fid), 'x', { dwellTime: 1 / 4000 });
    expect(back.spectrometerFrequency).toBeCloseTo(123.2, 5);
    for (let i = 0; i < 100; i++) expect(back.data[i]).toBeCloseTo(fid.data[i], 2);
  });

  it('demands the dwell time that .RAW files lack', () => {
    const f = `${CH}/datasets_LCModel/dataset1.RAW`;
    expect(() => readLcmRaw(readFileSync(f, 'utf8'), f, { spectrometerFrequency: 123.2 })).toThrow(
      /dwell time/,
    );
  });
});
