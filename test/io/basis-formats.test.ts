import { describe, expect, it } from 'vitest';
import type { BasisSet } from '../../src/core/basis.js';
import { InputError } from '../../src/core/errors.js';
import { ppmAxis } from '../../src/core/fid.js';
import { readBasisJson, writeBasisJson } from '../../src/io/basis-json.js';
import { readFslBasis, writeFslBasis } from '../../src/io/fslmrs-basis.js';
import { readLcmBasis, writeLcmBasis } from '../../src/io/lcmodel/basis.js';
import { DEFAULT_PROTOCOL, simulateBasis, simulateLineLists } from '../../src/physics/index.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';
import { renderLines } from '../../src/spectra/render.js';

const names = ['Scyllo', 'Lac', 'Glyc'];
const basis = simulateBasis(DEFAULT_PROTOCOL, names, { linewidthHz: 2 });
/** A fine grid for checking peak positions to 0.005 ppm. */
const FINE = { ...DEFAULT_PROTOCOL, points: 8192 };

function peakPpm(b: BasisSet, i: number, lo: number, hi: number, points = b.points): number {
  const s = fidToSpectrum(b.fids[i].subarray(0, 2 * points));
  const ax = ppmAxis({ ...b, points });
  let best = -1;
  for (let k = 0; k < points; k++) {
    if (ax[k] < lo || ax[k] > hi) continue;
    if (best < 0 || s[2 * k] > s[2 * best]) best = k;
  }
  // parabolic interpolation between the three top bins
  const [a, b0, c] = [s[2 * best - 2], s[2 * best], s[2 * best + 2]];
  const offset = (0.5 * (a - c)) / (a - 2 * b0 + c);
  return ax[best] + offset * (ax[best + 1] - ax[best]);
}

function maxDiff(a: Float64Array, b: Float64Array, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('native JSON basis', () => {
  it('round-trips header, FIDs, component info and line lists exactly', () => {
    const lines = simulateLineLists(DEFAULT_PROTOCOL, names);
    const back = readBasisJson(writeBasisJson(basis, lines), 'b.json');
    expect(back.basis.names).toEqual(names);
    expect(back.basis.points).toBe(basis.points);
    expect(back.basis.spectrometerFrequency).toBe(basis.spectrometerFrequency);
    expect(back.basis.components?.Scyllo).toEqual({
      protons: 6,
      group: 'metabolite',
      source: basis.components?.Scyllo.source,
    });
    for (let i = 0; i < names.length; i++) expect(maxDiff(back.basis.fids[i], basis.fids[i])).toBe(0);
    // The stored lines re-render to the stored FIDs.
    const again = renderLines(back.lines.Glyc, {
      points: basis.points,
      dwellTime: basis.dwellTime,
      lorentzHz: 2,
    });
    expect(maxDiff(again, basis.fids[2])).toBeLessThan(1e-12);
    expect(back.lines.Glyc.fwhmHz?.[0]).toBeCloseTo(0.09 * DEFAULT_PROTOCOL.spectrometerFrequency, 9);
  });

  it('rejects a file of another kind or with a wrong FID length, naming the field', () => {
    const good = JSON.parse(writeBasisJson(basis));
    expect(() => readBasisJson(JSON.stringify({ ...good, format: 'other' }), 'x.json')).toThrow(
      /x\.json: format/,
    );
    good.components[1].fid.re.pop();
    expect(() => readBasisJson(JSON.stringify(good), 'x.json')).toThrow(/x\.json: components\.1\.fid: Lac/);
    expect(() => readBasisJson('{', 'x.json')).toThrow(InputError);
  });
});

describe('FSL-MRS basis folder', () => {
  it('writes one JSON per metabolite with the fields FSL-MRS reads, and reads them back', () => {
    const files = writeFslBasis(basis);
    expect(files.map((f) => f.name)).toEqual(['Scyllo.json', 'Lac.json', 'Glyc.json']);
    const doc = JSON.parse(files[0].text);
    expect(Object.keys(doc.basis).sort()).toEqual(
      [
        'basis_centre',
        'basis_dwell',
        'basis_im',
        'basis_name',
        'basis_nucleus',
        'basis_re',
        'basis_width',
      ].sort(),
    );
    expect(doc.basis.basis_centre).toBe(127.76);
    expect(doc.basis.basis_dwell).toBe(0.0005);
    expect(doc.basis.basis_width).toBe(2);
    const back = readFslBasis(files.map((f) => ({ file: f.name, text: f.text })));
    for (let i = 0; i < names.length; i++) expect(maxDiff(back.fids[i], basis.fids[i])).toBe(0);
  });

  it('re-references a 4.7 ppm basis to the 4.65 ppm centre FSL-MRS assumes', () => {
    const siemens = simulateBasis({ ...FINE, ppmReference: 4.7 }, ['Scyllo'], { linewidthHz: 2 });
    expect(peakPpm(siemens, 0, 3.2, 3.5)).toBeCloseTo(3.34, 2);
    const back = readFslBasis(writeFslBasis(siemens).map((f) => ({ file: f.name, text: f.text })));
    expect(back.ppmReference).toBe(4.65);
    expect(peakPpm(back, 0, 3.2, 3.5)).toBeCloseTo(3.34, 2);
  });
});

describe('LCModel .BASIS writer', () => {
  it("writes LCModel's fixed format (6E13.5 records, NDATAB = 2 x points) that reads back", () => {
    const text = writeLcmBasis(basis);
    const dataLines = text.split('\n').filter((l) => /^ *-?\d\.\d{5}E[+-]\d\d/.test(l));
    // 2 x points complex values per metabolite, six 13-character fields per record (the last one shorter)
    expect(dataLines.length).toBe(names.length * Math.ceil((2 * 2 * basis.points) / 6));
    for (const l of dataLines) expect(l.length % 13).toBe(0);
    expect(dataLines.filter((l) => l.length !== 78).length).toBe(names.length);
    expect(text).toContain("SEQ = 'PRESS'");
    expect(text).toContain(`FWHMBA = ${(2 / 127.76).toPrecision(6)},`); // 2 Hz at 127.76 MHz
    // ideal lines: FWHMBA is the digital resolution, 1 / (1024 x 0.5 ms) = 1.953 Hz, not ~0
    const ideal = writeLcmBasis(simulateBasis(DEFAULT_PROTOCOL, ['Scyllo']));
    expect(ideal).toContain(`FWHMBA = ${(1.953125 / 127.76).toPrecision(6)},`);
    expect(text).toContain('ECHOT = 30.0000');
    const back = readLcmBasis(text, 'b.BASIS');
    expect(back.points).toBe(2 * basis.points);
    // ifft of the zero-filled spectrum gives the FID back (to the 6 digits of E13.5) then zeros
    const scale = Math.max(...Array.from(basis.fids[0], Math.abs));
    expect(maxDiff(back.fids[0], basis.fids[0], 2 * basis.points)).toBeLessThan(1e-4 * scale);
    expect(peakPpm(back, 0, 3.2, 3.5)).toBeCloseTo(3.34, 2);
  });

  it('re-references to 4.65 ppm and shortens long names to LCModel 6-character names', () => {
    const b = simulateBasis({ ...FINE, ppmReference: 4.7 }, ['Scyllo', 'Glycerol'], { linewidthHz: 2 });
    const back = readLcmBasis(writeLcmBasis(b), 'b.BASIS');
    expect(back.names).toEqual(['Scyllo', 'Glycer']);
    expect(peakPpm(back, 0, 3.2, 3.5)).toBeCloseTo(3.34, 2);
  });

  it('refuses names that collide after shortening', () => {
    const b = { ...basis, names: ['Glycerol', 'Glycerin', 'Lac'] };
    expect(() => writeLcmBasis(b)).toThrow(/'Glycerol' and 'Glycerin' both become 'Glycer'/);
  });
});
