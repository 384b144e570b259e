import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Fid } from '../../src/core/fid.js';
import { describeShape, fidNumber, fromFids, type MrsData, toFid } from '../../src/core/mrs-data.js';
import { decodeNiftiMrs, encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { readMrsFile, writeMrsFile } from '../../src/io/mrs-file.js';
import { EXTDATA } from '../paths.js';
import { heightAt, magnitudeSpectrum, medianIn, peakIn } from './spectrum-helpers.js';

const DIR = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib');
const read = (name: string) => decodeNiftiMrs(new Uint8Array(readFileSync(join(DIR, name))), name);

/** Field-by-field equality of two data sets (data exactly, header values exactly, extension deeply). */
function expectSameMrs(a: MrsData, b: MrsData, float32Dwell = false): void {
  expect(b.points).toBe(a.points);
  expect(b.spatial).toEqual(a.spatial);
  expect(b.dims).toEqual(a.dims);
  // NIfTI-1 stores pixdim (and so the dwell time) as 32-bit floats.
  const dwell = float32Dwell ? Math.fround(a.header.dwellTime) : a.header.dwellTime;
  expect(b.header).toEqual({ ...a.header, dwellTime: dwell });
  expect(b.data.length).toBe(a.data.length);
  let maxDiff = 0;
  for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
  expect(maxDiff).toBe(0);
}

describe('NIfTI-MRS reading (7T STEAM, FMRIB, written by spec2nii)', () => {
  it('reads shapes, dimension tags and header values of every file', () => {
    const expected: Record<string, string> = {
      'metab.nii.gz': '4095 points',
      'metab_int_freq.nii.gz': '4095 points',
      'metab_raw.nii.gz': '4096 points x 4 DIM_COIL x 16 DIM_DYN',
      'wref_raw.nii.gz': '4096 points x 4 DIM_COIL x 2 DIM_DYN',
      'quant_raw.nii.gz': '4096 points x 4 DIM_COIL x 2 DIM_DYN',
      'ecc.nii.gz': '4096 points x 4 DIM_COIL',
    };
    for (const [name, shape] of Object.entries(expected)) {
      const m = read(name);
      expect(describeShape(m)).toBe(shape);
      expect(m.header.dwellTime).toBeCloseTo(8.33e-5, 12);
      expect(m.header.nucleus).toBe('1H');
      expect(m.header.echoTime).toBe(0.011);
      expect(m.header.repetitionTime).toBe(5);
      expect(m.header.ppmReference).toBe(4.65);
      expect(m.header.spectrometerFrequency).toBe(name === 'metab_int_freq.nii.gz' ? 297 : 297.219948);
      expect(m.source).toEqual({ format: 'NIfTI-MRS', file: name, dataType: 'complex64' });
      expect(m.extension.Manufacturer).toBe('SIEMENS');
      expect(m.geometry?.sformCode).toBe(2);
      expect(m.geometry?.pixdim).toEqual([20, 20, 20]);
    }
  });

  it('shows NAA at 2.01 and Cr at 3.03 ppm in metab.nii.gz, and not their mirror images', () => {
    const m = read('metab.nii.gz');
    const s = magnitudeSpectrum(m);
    const naa = peakIn(m, s, 1.9, 2.1);
    const cr = peakIn(m, s, 2.95, 3.1);
    expect(naa.ppm).toBeCloseTo(2.01, 1);
    expect(Math.abs(naa.ppm - 2.01)).toBeLessThan(0.02);
    expect(Math.abs(cr.ppm - 3.03)).toBeLessThan(0.02);
    const noise = medianIn(m, s, 7, 9);
    expect(naa.height).toBeGreaterThan(20 * noise);
    // Conjugation would mirror NAA about the 4.65 ppm reference to 7.29 ppm.
    expect(naa.height).toBeGreaterThan(20 * heightAt(m, s, 2 * 4.65 - 2.01));
  });

  it('shows the water peak at 4.65 ppm in the unsuppressed reference', () => {
    const m = read('wref_raw.nii.gz');
    const s = magnitudeSpectrum(m);
    const w = peakIn(m, s, 3, 6.5);
    expect(Math.abs(w.ppm - 4.65)).toBeLessThan(0.05);
  });

  it('keeps the data in the on-disk order: re-encoding gives the same data bytes', () => {
    const bytes = new Uint8Array(readFileSync(join(DIR, 'metab_raw.nii.gz')));
    const raw = gunzipSync(bytes);
    const m = decodeNiftiMrs(bytes, 'metab_raw.nii.gz');
    const again = encodeNiftiMrs(m, { gzip: false });
    const off0 = Number(new DataView(raw.buffer, raw.byteOffset).getBigInt64(168, true));
    const off1 = Number(new DataView(again.buffer).getBigInt64(168, true));
    expect(again.length - off1).toBe(raw.length - off0);
    expect(Buffer.compare(Buffer.from(raw.subarray(off0)), Buffer.from(again.subarray(off1)))).toBe(0);
    // coil 2, transient 5 is FID number 2 + 4 * 5; its first sample sits at NIfTI index (t=0, coil 2, dyn 5)
    const view = new DataView(raw.buffer, raw.byteOffset);
    const nifti = 0 + 4096 * (2 + 4 * 5);
    expect(toFid(m, [2, 5]).data[0]).toBe(view.getFloat32(off0 + 8 * nifti, true));
    expect(fidNumber(m, [2, 5])).toBe(22);
  });
});

describe('NIfTI-MRS writing', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'livermrs-nifti-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('round-trips every example file through NIfTI-2 .nii.gz, NIfTI-2 .nii and NIfTI-1', () => {
    for (const name of ['metab.nii.gz', 'metab_raw.nii.gz', 'ecc.nii.gz', 'metab_int_freq.nii.gz']) {
      const a = read(name);
      for (const opts of [{ gzip: true }, { gzip: false }, { gzip: false, nifti1: true }]) {
        const b = decodeNiftiMrs(encodeNiftiMrs(a, opts), name);
        expectSameMrs(a, b, 'nifti1' in opts);
        expect(b.extension).toEqual(a.extension);
        const r = 'nifti1' in opts ? Math.fround : (x: number) => x;
        expect(b.geometry?.srow).toEqual(a.geometry?.srow.map(r));
        expect(b.geometry?.qoffset).toEqual(a.geometry?.qoffset.map(r));
      }
    }
  });

  it('writes complex128 when the data are not exactly 32-bit floats, so nothing is rounded', () => {
    const fid: Fid = {
      data: Float64Array.from({ length: 16 }, (_, i) => Math.PI * (i + 1)),
      points: 8,
      dwellTime: 1 / 2000,
      spectrometerFrequency: 123.2,
      ppmReference: 4.7,
      nucleus: '1H',
      echoTime: 0.03,
    };
    const m = fromFids([fid, fid], 'DIM_DYN');
    const bytes = encodeNiftiMrs(m, { gzip: false });
    expect(new DataView(bytes.buffer).getInt16(12, true)).toBe(1792);
    const back = decodeNiftiMrs(bytes, 'x.nii');
    expectSameMrs(m, back);
    expect(back.header.ppmReference).toBe(4.7);
    expect(back.extension.dim_5).toBe('DIM_DYN');
    const f32 = decodeNiftiMrs(encodeNiftiMrs(m, { gzip: false, dataType: 'complex64' }), 'y.nii');
    expect(f32.source.dataType).toBe('complex64');
    expect(f32.data[1]).toBe(Math.fround(m.data[1]));
  });

  it('stores MRSI grids in NIfTI order (x fastest, then y, z, time, higher dims)', () => {
    const points = 5;
    const spatial: [number, number, number] = [3, 2, 1];
    const nCoil = 2;
    const data = new Float64Array(2 * points * 6 * nCoil);
    // value encodes (p, voxel, coil)
    for (let c = 0; c < nCoil; c++)
      for (let v = 0; v < 6; v++)
        for (let p = 0; p < points; p++) data[2 * (p + points * (v + 6 * c))] = 100 * c + 10 * v + p;
    const m: MrsData = {
      data,
      points,
      spatial,
      dims: [{ tag: 'DIM_COIL', size: nCoil }],
      header: { spectrometerFrequency: 127.76, dwellTime: 5e-4, nucleus: '1H', ppmReference: 4.65 },
      extension: {},
      source: { format: 'test', file: 'grid' },
    };
    const bytes = encodeNiftiMrs(m, { gzip: false });
    const view = new DataView(bytes.buffer);
    const off = Number(view.getBigInt64(168, true));
    // NIfTI element (x=1, y=1, z=0, t=3, coil=1): voxel 1 + 3 * 1 = 4
    const idx = 1 + 3 * (1 + 2 * (0 + 1 * (3 + points * 1)));
    expect(view.getFloat32(off + 8 * idx, true)).toBe(100 + 40 + 3);
    expect(Number(view.getBigInt64(16, true))).toBe(5);
    expect(Number(view.getBigInt64(16 + 8 * 5, true))).toBe(nCoil);
    const back = decodeNiftiMrs(bytes, 'grid.nii');
    expectSameMrs(m, back);
    expect(toFid(back, [1], [1, 1, 0]).data[6]).toBe(143);
  });

  it('writes files atomically through writeMrsFile and reads them back through readMrsFile', () => {
    const a = read('metab.nii.gz');
    const path = join(tmp, 'out', 'metab_copy.nii.gz');
    writeMrsFile(path, a);
    const b = readMrsFile(path);
    expectSameMrs(a, b);
    expect(() => writeMrsFile(join(tmp, 'x.txt'), a)).toThrow(/\.nii/);
  });
});

describe('NIfTI-MRS errors', () => {
  const good = encodeNiftiMrs(read('metab.nii.gz'), { gzip: false });

  function corrupt(edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
    const b = Uint8Array.from(good);
    edit(b, new DataView(b.buffer));
    return b;
  }

  /** The gzip of metab.nii.gz with the trailer's CRC (offset 0) or length (offset 4) replaced. */
  function gzTrailer(offset: number, value: number): Uint8Array {
    const gz = Uint8Array.from(encodeNiftiMrs(read('metab.nii.gz'), { gzip: true }));
    new DataView(gz.buffer).setUint32(gz.length - 8 + offset, value, true);
    return gz;
  }

  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated data', good.subarray(0, good.length - 100), /data.*truncated/],
    ['truncated header', good.subarray(0, 200), /header/],
    ['real datatype', corrupt((_, v) => v.setInt16(12, 16, true)), /datatype/],
    ['zero size', corrupt((_, v) => v.setBigInt64(16 + 8 * 4, 0n, true)), /dim\[4\]/],
    ['too many dims', corrupt((_, v) => v.setBigInt64(16, 9n, true)), /dim\[0\]/],
    ['bad JSON', corrupt((b) => b.fill(0x7b, 552, 560)), /JSON/],
    [
      'bad dim tag',
      encodeNiftiMrs(
        { ...read('ecc.nii.gz'), dims: [{ tag: 'DIM_FOO' as 'DIM_COIL', size: 4 }] },
        { gzip: false },
      ),
      /dim_5/,
    ],
    [
      'truncated gzip',
      encodeNiftiMrs(read('metab.nii.gz'), { gzip: true }).subarray(0, 5000),
      /decompress|truncated/,
    ],
    ['gzip CRC mismatch', gzTrailer(0, 0x12345678), /CRC-32/],
    ['gzip length mismatch', gzTrailer(4, 1234), /trailer says 1234/],
    ['absurd gzip length', gzTrailer(4, 0xfffffff0), /declared size/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what} with an InputError naming the file`, () => {
      let err: unknown;
      try {
        decodeNiftiMrs(bytes, 'bad.nii');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/^bad\.nii: /);
      expect((err as Error).message).toMatch(message);
    });
  }
});
