import { type AcquisitionField, acquisitionFrom } from './acquisition.js';
import { InputError } from './errors.js';
import type { MrsHeader } from './grid.js';
import { DEFAULT_PPM_REFERENCE, type Fid } from './fid.js';

/**
 * A multi-dimensional MRS data set: what a scanner file or a NIfTI-MRS file holds (one voxel or an MRSI grid,
 * with up to three higher dimensions such as coils, transients and editing conditions).
 *
 * Layout of `data` (interleaved complex, Float64Array): the spectral points vary fastest, then the spatial
 * indices x, y, z, then the higher dimensions in order (NIfTI-MRS dim 5, 6, 7). This is the NIfTI order with the
 * time axis moved to the front, so one FID is one contiguous block of `2 * points` numbers:
 *   offset(p, x, y, z, i5, i6, i7) = 2 * (p + points * (x + nx * (y + ny * (z + nz * (i5 + n5 * (i6 + n6 * i7))))))
 * Every FID is in the internal convention of core/fid.ts.
 */
export const DIM_TAGS = [
  'DIM_COIL',
  'DIM_DYN',
  'DIM_INDIRECT_0',
  'DIM_INDIRECT_1',
  'DIM_INDIRECT_2',
  'DIM_PHASE_CYCLE',
  'DIM_EDIT',
  'DIM_MEAS',
  'DIM_USER_0',
  'DIM_USER_1',
  'DIM_USER_2',
  'DIM_ISIS',
  'DIM_METCYCLE',
] as const;

export type DimTag = (typeof DIM_TAGS)[number];

export function isDimTag(s: unknown): s is DimTag {
  return typeof s === 'string' && (DIM_TAGS as readonly string[]).includes(s);
}

/** NIfTI-MRS default tags of dimensions 5, 6 and 7 when a file does not name them. */
export const DEFAULT_DIM_TAGS: readonly DimTag[] = ['DIM_COIL', 'DIM_DYN', 'DIM_INDIRECT_0'];

/** One higher dimension (NIfTI-MRS dim 5, 6 or 7). */
export interface MrsDim {
  tag: DimTag;
  size: number;
}

/**
 * NIfTI spatial fields kept so that a NIfTI-MRS file is written back with the position it was read with.
 * Units: millimetres. `pixdim` is the voxel size; `qfac` is pixdim[0] (1 or -1).
 */
export interface MrsGeometry {
  pixdim: [number, number, number];
  qformCode: number;
  sformCode: number;
  /** quatern_b, quatern_c, quatern_d */
  quatern: [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z */
  qoffset: [number, number, number];
  qfac: number;
  /** srow_x, srow_y, srow_z (4 values each), row-major. */
  srow: number[];
}

/** A NIfTI header extension other than the NIfTI-MRS JSON one, kept verbatim. */
export interface OtherExtension {
  code: number;
  bytes: Uint8Array;
}

export interface MrsSource {
  /** Human-readable format name, e.g. 'NIfTI-MRS', 'Siemens RDA', 'Philips SDAT/SPAR'. */
  format: string;
  /** The file name the data came from (or a label such as '<memory>'). */
  file: string;
  /** On-disk sample type of a NIfTI-MRS source, written back by default. */
  dataType?: 'complex64' | 'complex128';
  /**
   * The vendor header field each acquisition value was read from, as 'header:<key>' (e.g. water suppression
   * from 'header:sPrepPulses.ucWaterSat = 32'), or 'option' / 'file-name:<rule>'; see Acquisition.sources.
   */
  headerKeys?: Partial<Record<AcquisitionField, string>>;
}

export interface MrsData {
  /** Interleaved complex samples; length 2 * points * spatial product * dims product. */
  data: Float64Array;
  points: number;
  /** Voxel grid [nx, ny, nz]; [1, 1, 1] for single-voxel spectroscopy. */
  spatial: [number, number, number];
  /** Up to three higher dimensions, in NIfTI-MRS order (dim 5, 6, 7). */
  dims: MrsDim[];
  header: MrsHeader;
  /**
   * The full NIfTI-MRS JSON header extension (standard keys such as EchoTime, ProcessingApplied, dim_5_info,
   * dim_6_header, and any user keys). The writer refreshes the keys that duplicate `header` and `dims`.
   */
  extension: Record<string, unknown>;
  geometry?: MrsGeometry;
  otherExtensions?: OtherExtension[];
  source: MrsSource;
  /**
   * An unsuppressed water reference stored in the same file (GE P-files keep their reference frames in the
   * metabolite file; the ISMRM text format has water columns). Not written into the same NIfTI-MRS file.
   */
  reference?: MrsData;
}

/** Number of voxels. */
export function voxelCount(mrs: Pick<MrsData, 'spatial'>): number {
  return mrs.spatial[0] * mrs.spatial[1] * mrs.spatial[2];
}

/** Number of FIDs (voxels x higher-dimension entries). */
export function fidCount(mrs: Pick<MrsData, 'spatial' | 'dims'>): number {
  return voxelCount(mrs) * mrs.dims.reduce((a, d) => a * d.size, 1);
}

/** Index of the first dimension with the given tag, or -1. */
export function dimIndex(mrs: Pick<MrsData, 'dims'>, tag: DimTag): number {
  return mrs.dims.findIndex((d) => d.tag === tag);
}

/** Size of the dimension with the given tag (1 when absent). */
export function dimSize(mrs: Pick<MrsData, 'dims'>, tag: DimTag): number {
  const i = dimIndex(mrs, tag);
  return i < 0 ? 1 : mrs.dims[i].size;
}

/**
 * Flat FID number of a voxel and higher-dimension indices (missing indices are 0).
 * Throws RangeError for out-of-range indices (a programming error, not bad input).
 */
export function fidNumber(
  mrs: Pick<MrsData, 'spatial' | 'dims'>,
  dimIndices: readonly number[] = [],
  voxel: readonly [number, number, number] = [0, 0, 0],
): number {
  let n = 0;
  let stride = 1;
  for (let a = 0; a < 3; a++) {
    checkIndex(voxel[a], mrs.spatial[a], `voxel[${a}]`);
    n += voxel[a] * stride;
    stride *= mrs.spatial[a];
  }
  for (let d = 0; d < mrs.dims.length; d++) {
    const i = dimIndices[d] ?? 0;
    checkIndex(i, mrs.dims[d].size, mrs.dims[d].tag);
    n += i * stride;
    stride *= mrs.dims[d].size;
  }
  if (dimIndices.length > mrs.dims.length)
    throw new RangeError(`${dimIndices.length} indices for ${mrs.dims.length} dimensions`);
  return n;
}

function checkIndex(i: number, size: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= size)
    throw new RangeError(`${what} index ${i} outside 0..${size - 1}`);
}

/** The samples of FID number `n` (a view, not a copy). */
export function fidView(mrs: Pick<MrsData, 'data' | 'points'>, n: number): Float64Array {
  return mrs.data.subarray(2 * mrs.points * n, 2 * mrs.points * (n + 1));
}

/**
 * One FID as a core Fid (a copy). `index` is either a flat FID number in 0..fidCount-1 or the list of
 * higher-dimension indices (e.g. [coil, transient]); `voxel` picks the voxel of MRSI data.
 */
export function toFid(
  mrs: MrsData,
  index: number | readonly number[] = 0,
  voxel: readonly [number, number, number] = [0, 0, 0],
): Fid {
  const n = typeof index === 'number' ? index : fidNumber(mrs, index, voxel);
  checkIndex(n, fidCount(mrs), 'FID');
  const h = mrs.header;
  return {
    data: Float64Array.from(fidView(mrs, n)),
    points: mrs.points,
    dwellTime: h.dwellTime,
    spectrometerFrequency: h.spectrometerFrequency,
    ppmReference: h.ppmReference,
    nucleus: h.nucleus,
    echoTime: h.echoTime,
    repetitionTime: h.repetitionTime,
    acquisition: acquisitionFrom(
      h,
      mrs.points,
      mrs.extension,
      dimSize(mrs, 'DIM_DYN'),
      mrs.source.headerKeys,
    ),
    meta: { source: mrs.source.format, file: mrs.source.file, fid: n, header: headerFacts(mrs) },
  };
}

/**
 * What a report's acquisition table (MRSinMRS items, Lin et al., NMR Biomed 2021;34:e4484) needs beyond a Fid's
 * grid and acquisition: the scanner, its software, the converter, the voxel size, and the coil and transient
 * dimensions the file holds. A field the file does not hold is absent (a voxel of 10 m, the NIfTI-MRS default
 * for unlocalised data, counts as absent).
 */
export interface HeaderFacts {
  manufacturer?: string;
  model?: string;
  scannerSoftware?: string;
  conversion?: string;
  voxelSizeMm?: [number, number, number];
  coils?: number;
  transients?: number;
}

export function headerFacts(mrs: Pick<MrsData, 'extension' | 'geometry' | 'dims'>): HeaderFacts {
  const e = mrs.extension;
  const str = (k: string) =>
    typeof e[k] === 'string' && (e[k] as string).trim() ? (e[k] as string) : undefined;
  const p = mrs.geometry?.pixdim;
  const out: HeaderFacts = {
    manufacturer: str('Manufacturer'),
    model: str('ManufacturersModelName'),
    scannerSoftware: str('SoftwareVersions'),
    conversion: str('ConversionMethod'),
    voxelSizeMm: p?.every((x) => x > 0 && x < 10000) ? [p[0], p[1], p[2]] : undefined,
    coils: mrs.dims.some((d) => d.tag === 'DIM_COIL') ? dimSize(mrs, 'DIM_COIL') : undefined,
    transients: mrs.dims.some((d) => d.tag === 'DIM_DYN') ? dimSize(mrs, 'DIM_DYN') : undefined,
  };
  for (const k of Object.keys(out) as (keyof HeaderFacts)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Every FID, in storage order. */
export function toFids(mrs: MrsData): Fid[] {
  const out: Fid[] = [];
  const n = fidCount(mrs);
  for (let i = 0; i < n; i++) out.push(toFid(mrs, i));
  return out;
}

/**
 * A single-voxel data set from a list of FIDs stacked along one dimension (e.g. one simulated spectrum per
 * DIM_DYN entry). All FIDs must share points, dwell time, spectrometer frequency, ppm reference and nucleus.
 */
export function fromFids(
  fids: readonly Fid[],
  dimTag: DimTag = 'DIM_DYN',
  source?: Partial<MrsSource>,
): MrsData {
  if (fids.length === 0) throw new RangeError('fromFids: no FIDs');
  const f0 = fids[0];
  fids.forEach((f, i) => {
    for (const k of ['points', 'dwellTime', 'spectrometerFrequency', 'ppmReference', 'nucleus'] as const) {
      if (f[k] !== f0[k]) throw new RangeError(`fromFids: FID ${i} has ${k} ${f[k]}, FID 0 has ${f0[k]}`);
    }
    if (f.data.length !== 2 * f.points)
      throw new RangeError(`fromFids: FID ${i} has ${f.data.length / 2} samples, not ${f.points}`);
  });
  const data = new Float64Array(2 * f0.points * fids.length);
  for (let i = 0; i < fids.length; i++) data.set(fids[i].data, 2 * f0.points * i);
  const header: MrsHeader = {
    spectrometerFrequency: f0.spectrometerFrequency,
    dwellTime: f0.dwellTime,
    nucleus: f0.nucleus,
    ppmReference: f0.ppmReference,
    echoTime: f0.echoTime,
    repetitionTime: f0.repetitionTime,
  };
  return {
    data,
    points: f0.points,
    spatial: [1, 1, 1],
    dims: [{ tag: dimTag, size: fids.length }],
    header,
    extension: {},
    source: {
      format: source?.format ?? 'livermrs',
      file: source?.file ?? '<memory>',
      dataType: source?.dataType,
    },
  };
}

/** A single-voxel, single-FID data set. */
export function fromFid(fid: Fid, source?: Partial<MrsSource>): MrsData {
  const mrs = fromFids([fid], 'DIM_DYN', source);
  mrs.dims = [];
  return mrs;
}

/** A copy with new data (same shape unless `shape` says otherwise); the extension is deep-copied. */
export function withData(
  mrs: MrsData,
  data: Float64Array,
  shape: Partial<Pick<MrsData, 'points' | 'dims' | 'spatial'>> & { header?: Partial<MrsHeader> } = {},
): MrsData {
  const out: MrsData = {
    ...mrs,
    data,
    points: shape.points ?? mrs.points,
    dims: (shape.dims ?? mrs.dims).map((d) => ({ ...d })),
    spatial: [...(shape.spatial ?? mrs.spatial)] as [number, number, number],
    header: { ...mrs.header, ...shape.header },
    extension: structuredClone(mrs.extension),
  };
  if (out.data.length !== 2 * out.points * fidCount(out)) {
    throw new RangeError(`withData: ${out.data.length / 2} samples for shape ${describeShape(out)}`);
  }
  return out;
}

/** Deep copy. */
export function cloneMrs(mrs: MrsData): MrsData {
  return withData(mrs, Float64Array.from(mrs.data));
}

/** e.g. `4096 points x 4 DIM_COIL x 16 DIM_DYN` (voxel grid shown when not 1x1x1). */
export function describeShape(mrs: Pick<MrsData, 'points' | 'spatial' | 'dims'>): string {
  const parts = [`${mrs.points} points`];
  if (voxelCount(mrs) !== 1) parts.unshift(`${mrs.spatial.join('x')} voxels`);
  for (const d of mrs.dims) parts.push(`${d.size} ${d.tag}`);
  return parts.join(' x ');
}

/** Default ppm reference for a nucleus: 4.65 for 1H (water at body temperature), 0 otherwise. */
export function defaultPpmReference(nucleus: string): number {
  return nucleus.toUpperCase() === '1H' ? DEFAULT_PPM_REFERENCE : 0;
}

/**
 * Index of the first sample that is NaN or infinite, or -1. x·0 is 0 for every finite x and NaN otherwise, so
 * one pass sums those products (a simulated data set has 40 million samples) and only a non-zero sum looks for
 * the index.
 */
function firstNonFinite(data: ArrayLike<number>): number {
  const typed = data instanceof Float32Array || data instanceof Float64Array;
  if (typed && zeroProducts(data) === 0) return -1;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

// Four sums, so that the additions do not wait on each other.
function zeroProducts(x: Float32Array | Float64Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const m = x.length - (x.length % 4);
  for (let i = 0; i < m; i += 4) {
    a += x[i] * 0;
    b += x[i + 1] * 0;
    c += x[i + 2] * 0;
    d += x[i + 3] * 0;
  }
  for (let i = m; i < x.length; i++) a += x[i] * 0;
  return a + b + c + d;
}

/**
 * Validates the invariants every reader must establish; throws InputError naming the file so that a corrupt
 * header never produces a silently wrong data set. (Also for single-precision samples about to be written.)
 * `finite: false` leaves the samples to checkFiniteSamples (a writer checks each piece as it goes).
 */
export function checkMrsData<T extends Omit<MrsData, 'data'> & { data: ArrayLike<number> }>(
  mrs: T,
  options: { finite?: boolean } = {},
): T {
  const file = mrs.source.file;
  const h = mrs.header;
  const bad = (field: string, problem: string, expected: string) => {
    throw new InputError(problem, { file, field, expected });
  };
  if (!Number.isInteger(mrs.points) || mrs.points < 2)
    bad('points', `${mrs.points} points`, 'an integer >= 2');
  if (!(h.dwellTime > 0 && Number.isFinite(h.dwellTime)))
    bad('dwell time', `${h.dwellTime} s`, 'a positive dwell time');
  if (!(h.spectrometerFrequency > 0 && Number.isFinite(h.spectrometerFrequency))) {
    bad('spectrometer frequency', `${h.spectrometerFrequency} MHz`, 'a positive frequency');
  }
  if (!Number.isFinite(h.ppmReference)) bad('ppm reference', `${h.ppmReference}`, 'a finite chemical shift');
  if (mrs.dims.length > 3) bad('dimensions', `${mrs.dims.length} higher dimensions`, 'at most 3');
  for (const d of mrs.dims) {
    if (!Number.isInteger(d.size) || d.size < 1) bad(d.tag, `size ${d.size}`, 'a positive integer');
  }
  if (mrs.data.length !== 2 * mrs.points * fidCount(mrs)) {
    bad('data', `${mrs.data.length / 2} samples`, `${mrs.points * fidCount(mrs)} for ${describeShape(mrs)}`);
  }
  if (options.finite !== false) checkFiniteSamples(mrs, mrs.data);
  return mrs;
}

/** Throws checkMrsData's error when a sample of `data` (the samples from complex index `first` on) is not finite. */
export function checkFiniteSamples(mrs: Pick<MrsData, 'source'>, data: ArrayLike<number>, first = 0): void {
  const i = firstNonFinite(data);
  if (i < 0) return;
  throw new InputError(`non-finite sample at complex index ${first + (i >> 1)}`, {
    file: mrs.source.file,
    field: 'data',
    expected: 'finite numbers',
  });
}
