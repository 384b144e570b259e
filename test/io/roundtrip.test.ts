import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultPpmReference, type MrsData } from '../../src/core/mrs-data.js';
import { readLcmBasis } from '../../src/io/lcmodel/basis.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { decodeNiftiMrs, encodeNiftiMrs, statedPpmReference } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { EXAMPLE_FILES, MRS_FILES } from './example-files.js';

/** Identical data (bit for bit) and header values after NIfTI-MRS encoding and decoding. */
function expectIdentical(a: MrsData, b: MrsData, what: string): void {
  expect(b.points, what).toBe(a.points);
  expect(b.spatial, what).toEqual(a.spatial);
  expect(b.dims, what).toEqual(a.dims);
  expect(b.header, what).toEqual(a.header);
  expect(b.data.length, what).toBe(a.data.length);
  let same = true;
  for (let i = 0; i < a.data.length && same; i++) same = Object.is(a.data[i], b.data[i]);
  expect(same, `${what}: data identical`).toBe(true);
  expect(b.extension, `${what}: extension`).toEqual(a.extension);
  expect(statedPpmReference(a.extension) ?? defaultPpmReference(a.header.nucleus)).toBe(
    a.header.ppmReference,
  );
}

describe('every example file is accounted for and opens', () => {
  it('classifies every file under test/extdata', () => {
    const kinds = EXAMPLE_FILES.reduce<Record<string, number>>((acc, f) => {
      acc[f.kind] = (acc[f.kind] ?? 0) + 1;
      return acc;
    }, {});
    expect(kinds.mrs).toBeGreaterThan(250);
    expect(kinds.basis).toBe(3);
  });

  it('opens every MRS data file', () => {
    for (const f of MRS_FILES) {
      const m = readMrsFile(f.path, f.options);
      expect(m.points, f.name).toBeGreaterThan(1);
    }
  });

  it('opens every LCModel basis set', () => {
    for (const f of EXAMPLE_FILES.filter((x) => x.kind === 'basis')) {
      const b = readLcmBasis(readFileSync(f.path, 'latin1'), f.name);
      expect(b.names.length, f.name).toBeGreaterThan(5);
    }
  });
});

describe('round trip: read -> NIfTI-MRS -> read gives identical data and header values', () => {
  it(`for all ${MRS_FILES.length} example data files (and their water references)`, () => {
    for (const f of MRS_FILES) {
      const a = readMrsFile(f.path, f.options);
      const b = decodeNiftiMrs(encodeNiftiMrs(a, { gzip: true }), `${f.name}.nii.gz`);
      expectIdentical(a, b, f.name);
      if (a.reference) {
        const r = decodeNiftiMrs(encodeNiftiMrs(a.reference, { gzip: false }), `${f.name}.ref.nii`);
        expectIdentical(a.reference, r, `${f.name} (reference)`);
      }
      // And a second generation is byte-identical to the first (nothing drifts).
      const again = encodeNiftiMrs(b, { gzip: false });
      const twice = encodeNiftiMrs(decodeNiftiMrs(again, 'x.nii'), { gzip: false });
      expect(Buffer.compare(Buffer.from(again), Buffer.from(twice)), f.name).toBe(0);
    }
  });
});
