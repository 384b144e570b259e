import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gunzipChecked } from '../../src/io/nifti-mrs/gzip.js';
import { decodeNiftiMrs, encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { type MrsData32, writeNiftiMrsFile } from '../../src/io/nifti-mrs/write-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'livermrs-write-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 40 FIDs of 256 points along DIM_DYN, single precision, with an extension as simulate writes it. */
function dataset(): MrsData32 {
  const points = 256;
  const n = 40;
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
});
