import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gunzipChecked } from '../../src/io/nifti-mrs/gzip.js';
import { decodeNiftiMrs, encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { type MrsData32, writeNiftiMrsFile } from '../../src/io/nifti-mrs/write-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'livermrs-write-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 40 FIDs of 256 points along DIM_DYN, single precision, with an extension as simulate writes it. */
function dataset(points = 256, n = 40): MrsData32 {
  const data = new Float32Array(2 * points * n);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.fround(Math.sin(0.37 * i) * Math.exp(-(i % 512) / 200));
  return {
    data,
    points,
    spatial: [1, 1, 1],
    dims: [{ tag: 'DIM_DYN', size: n }],
    header: {
      spectrometerFrequency: 127.76,
      dwellTime: 1 / 2000,
      nucleus: '1H',
      ppmReference: 4.65,
      echoTime: 0.03,
    },
    extension: { dim_5_info: 'simulated spectra', livermrs_simulation: { seed: 1 } },
    source: { format: 'NIfTI-MRS', file: '<simulation>', dataType: 'complex64' },
  };
}

describe('writeNiftiMrsFile (single precision, zlib off the main thread)', () => {
  const mrs = dataset();
  const expected = encodeNiftiMrs(
    { ...mrs, data: Float64Array.from(mrs.data) },
    { gzip: false, dataType: 'complex64' },
  );

  it('writes the bytes encodeNiftiMrs writes, gzipped as one member the reader accepts', async () => {
    const file = join(tmp, 'a.nii.gz');
    await writeNiftiMrsFile(file, mrs, { gzip: true });
    const gz = new Uint8Array(readFileSync(file));
    expect(gunzipChecked(gz, file)).toEqual(expected);
    const back = decodeNiftiMrs(gz, file);
    expect(back.dims).toEqual(mrs.dims);
    expect(back.header).toEqual(mrs.header);
    expect(back.data).toEqual(Float64Array.from(mrs.data));
    expect(back.extension.livermrs_simulation).toEqual({ seed: 1 });
  });

  it('writes a plain .nii when gzip is off, and the same bytes at any zlib level', async () => {
    const plain = join(tmp, 'b.nii');
    await writeNiftiMrsFile(plain, mrs, { gzip: false });
    expect(new Uint8Array(readFileSync(plain))).toEqual(expected);
    const stored = join(tmp, 'c.nii.gz');
    await writeNiftiMrsFile(stored, mrs, { gzip: true, zlib: { level: 9, strategy: 0 } });
    expect(gunzipChecked(new Uint8Array(readFileSync(stored)), stored)).toEqual(expected);
  });

  it('refuses non-finite samples and a sample count that does not match the dimensions', async () => {
    const bad = dataset();
    bad.data[7] = Number.NaN;
    await expect(writeNiftiMrsFile(join(tmp, 'd.nii'), bad, { gzip: false })).rejects.toThrow(/non-finite/);
    const short = { ...dataset(), dims: [{ tag: 'DIM_DYN' as const, size: 41 }] };
    await expect(writeNiftiMrsFile(join(tmp, 'e.nii'), short, { gzip: false })).rejects.toThrow(/samples/);
  });

  it('streams samples still being made: each piece waits until its FIDs are ready (simulate)', async () => {
    // 600 FIDs of 1024 points: 4.9 MB of samples, more than one 4 MB piece.
    const whole = dataset(1024, 600);
    const want = encodeNiftiMrs(
      { ...whole, data: Float64Array.from(whole.data) },
      { gzip: false, dataType: 'complex64' },
    );
    const filling = { ...whole, data: new Float32Array(whole.data.length) };
    const asked: number[] = [];
    let made = 0;
    const ready = async (fids: number) => {
      asked.push(fids);
      await new Promise((r) => setTimeout(r, 5));
      const upTo = Math.min(600, fids + 37); // a producer a little ahead, in chunks
      filling.data.set(whole.data.subarray(2 * 1024 * made, 2 * 1024 * upTo), 2 * 1024 * made);
      made = upTo;
    };
    const file = join(tmp, 'f.nii');
    await writeNiftiMrsFile(file, filling, { gzip: false, ready });
    expect(new Uint8Array(readFileSync(file))).toEqual(want);
    expect(asked).toEqual([512, 600]);
    // A bad sample in the second piece is named by its place in the whole data.
    const bad = dataset(1024, 600);
    bad.data[1_100_001] = Number.POSITIVE_INFINITY;
    await expect(writeNiftiMrsFile(join(tmp, 'g.nii'), bad, { gzip: true })).rejects.toThrow(
      'non-finite sample at complex index 550000',
    );
    // Nothing half-written is left behind.
    expect(existsSync(join(tmp, 'g.nii'))).toBe(false);
  });
});
