import type { MrsData } from '../core/mrs-data.js';
import { formatCsv } from '../io/csv.js';
import { type Dataset, datasetToMrs32 } from './dataset.js';

/**
 * `livermrs simulate --per-file`: one single-spectrum NIfTI-MRS per simulated patient, named by group and
 * index (`spectra/LC-HCC_007.nii.gz`), and a study manifest listing them, so that a virtual manifest study
 * (`livermrs study --manifest OUT/manifest.csv`) is one command away. Each file carries the whole data set's
 * header (protocol, sequence, water suppression, provenance) plus its group and index.
 */
export interface PerFileSpectrum {
  /** Path relative to the output folder. */
  name: string;
  group: string;
  /** 1-based number within its group. */
  index: number;
  /** Position in spectra.nii.gz and truth.csv (0-based). */
  entry: number;
  mrs: MrsData;
}

/** Characters safe in a file name on every system; others become '_'. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function perFileSpectra(ds: Dataset, folder = 'spectra'): PerFileSpectrum[] {
  const all = datasetToMrs32(ds);
  const { dim_5_info: _d, livermrs_simulation: sim, ...extension } = all.extension;
  const width = Math.max(3, String(ds.perGroup).length);
  const out: PerFileSpectrum[] = [];
  const n = 2 * ds.points;
  for (let entry = 0; entry < ds.count; entry++) {
    const group = ds.groups[Math.floor(entry / ds.perGroup)];
    const index = (entry % ds.perGroup) + 1;
    out.push({
      name: `${folder}/${fileSafe(group)}_${String(index).padStart(width, '0')}.nii.gz`,
      group,
      index,
      entry,
      mrs: {
        ...all,
        // Float32 values widened exactly: the writer keeps them as complex64.
        data: Float64Array.from(ds.fids.subarray(entry * n, (entry + 1) * n)),
        dims: [],
        extension: {
          ...structuredClone(extension),
          livermrs_simulation: { ...(sim as object), group, index, truthRow: entry + 1 },
        },
      },
    });
  }
  return out;
}

/**
 * A study manifest of the per-file spectra: in each group the first ⌈n/2⌉ are prior patients and the rest
 * test patients (edit the role column for another design).
 */
export function perFileManifest(files: readonly PerFileSpectrum[], perGroup: number): string {
  const prior = Math.ceil(perGroup / 2);
  return formatCsv(
    ['file', 'group', 'role'],
    files.map((f) => [f.name, f.group, f.index <= prior ? 'prior' : 'test']),
  );
}
