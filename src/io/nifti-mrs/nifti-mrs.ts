import { gzipSync } from 'fflate';
import { InputError } from '../../core/errors.js';
import type { NiftiDataType } from '../format-ids.js';
import {
  checkMrsData,
  DEFAULT_DIM_TAGS,
  type DimTag,
  defaultPpmReference,
  DIM_TAGS,
  fidCount,
  isDimTag,
  type MrsData,
  type MrsDim,
  type MrsGeometry,
  type OtherExtension,
  voxelCount,
} from '../../core/mrs-data.js';
import { gunzipChecked } from './gzip.js';
import {
  DT_COMPLEX64,
  DT_COMPLEX128,
  encodeNiftiHeader,
  NIFTI1_SIZE,
  NIFTI2_SIZE,
  type NiftiHeader,
  parseNiftiHeader,
  spaceUnitMm,
  timeUnitSeconds,
} from './nifti-header.js';

/**
 * NIfTI-MRS (Clarke et al., Magn Reson Med 2022;88:2358, doi:10.1002/mrm.29418; specification v0.10 at
 * github.com/wtclarke/mrs_nifti_standard): a NIfTI-1 or NIfTI-2 file with complex time-domain data
 * (x, y, z, time, dim5, dim6, dim7), dwell time in pixdim[4] and a JSON header extension (ecode 44) holding
 * SpectrometerFrequency, ResonantNucleus, dimension tags and all other metadata. The data on disk already follow
 * the livermrs convention (core/fid.ts), so no conjugation is needed in either direction.
 *
 * The ppm reference is not a required NIfTI-MRS key: it is read from `SpecFreqChemShift` (standard-defined in the
 * v0.11 definitions) or from livermrs's user-defined `PpmReference` object, and otherwise defaults to 4.65 ppm
 * for 1H. The writer states it whenever it is not the default, so a Siemens file (4.7 ppm) keeps its axis
 * through a round trip (see extensionFor).
 */
export const NIFTI_MRS_INTENT = 'mrs_v0_10';
export const ECODE_MRS = 44;

const GZIP_MAGIC = [0x1f, 0x8b];

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** True when the bytes (possibly gzipped) start with a NIfTI-1/2 header. */
export function looksLikeNifti(bytes: Uint8Array): boolean {
  if (isGzip(bytes)) return true; // only NIfTI is gzipped among the formats we read
  if (bytes.length < 4) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizes = [v.getInt32(0, true), v.getInt32(0, false)];
  return sizes.includes(NIFTI1_SIZE) || sizes.includes(NIFTI2_SIZE);
}

/** Decodes a NIfTI-MRS file (.nii or .nii.gz bytes; gzip is detected from the content). */
export function decodeNiftiMrs(bytes: Uint8Array, fileName = '<nifti-mrs>'): MrsData {
  const file = fileName;
  const raw = isGzip(bytes) ? gunzipChecked(bytes, file) : bytes;
  const h = parseNiftiHeader(raw, file);
  const hdrSize = h.version === 2 ? NIFTI2_SIZE : NIFTI1_SIZE;

  const ndim = h.dim[0];
  if (!Number.isInteger(ndim) || ndim < 4 || ndim > 7) {
    throw new InputError(`dim[0] is ${ndim}`, {
      file,
      field: 'dim[0]',
      expected: '4 to 7 dimensions (x, y, z, time, ...)',
    });
  }
  const sizes: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    const d = h.dim[i];
    if (!Number.isSafeInteger(d) || d < 1) {
      throw new InputError(`dim[${i}] is ${d}`, { file, field: `dim[${i}]`, expected: 'a positive size' });
    }
    sizes.push(d);
  }
  const points = sizes[3];
  const spatial: [number, number, number] = [sizes[0], sizes[1], sizes[2]];
  const higher = sizes.slice(4);

  if (h.datatype !== DT_COMPLEX64 && h.datatype !== DT_COMPLEX128) {
    throw new InputError(`datatype code ${h.datatype}`, {
      file,
      field: 'datatype',
      expected: `complex data (${DT_COMPLEX64} = complex64 or ${DT_COMPLEX128} = complex128)`,
    });
  }
  const bytesPerValue = h.datatype === DT_COMPLEX64 ? 4 : 8;
  const voxOffset = h.voxOffset;
  if (!Number.isInteger(voxOffset) || voxOffset < hdrSize || voxOffset > raw.length) {
    throw new InputError(`vox_offset is ${voxOffset}`, {
      file,
      field: 'vox_offset',
      expected: `an integer between ${hdrSize} and the file length ${raw.length}`,
    });
  }
  const count = sizes.reduce((a, b) => a * b, 1);
  const needed = count * 2 * bytesPerValue;
  if (!Number.isSafeInteger(needed) || raw.length - voxOffset < needed) {
    throw new InputError(`${raw.length - voxOffset} data bytes`, {
      file,
      field: 'data',
      expected: `${needed} bytes for ${sizes.join('x')} ${h.datatype === DT_COMPLEX64 ? 'complex64' : 'complex128'} values (file truncated?)`,
    });
  }

  const { json, others } = readExtensions(raw, hdrSize, voxOffset, h.littleEndian, file);
  if (!json) {
    throw new InputError('no NIfTI-MRS JSON header extension', {
      file,
      field: 'extension',
      expected: `a header extension with ecode ${ECODE_MRS} (NIfTI-MRS)`,
    });
  }
  const ext = json;

  const tUnit = timeUnitSeconds(h.xyztUnits);
  if (tUnit === undefined) {
    throw new InputError(`xyzt_units time code ${h.xyztUnits & 0x38}`, {
      file,
      field: 'xyzt_units',
      expected: 's, ms or us',
    });
  }
  const dwellTime = h.pixdim[4] * tUnit;
  const spectrometerFrequency = firstNumber(ext.SpectrometerFrequency);
  if (spectrometerFrequency === undefined) {
    throw new InputError('missing SpectrometerFrequency', {
      file,
      field: 'SpectrometerFrequency',
      expected: 'an array of numbers (MHz)',
    });
  }
  const nucleus = firstString(ext.ResonantNucleus);
  if (nucleus === undefined) {
    throw new InputError('missing ResonantNucleus', {
      file,
      field: 'ResonantNucleus',
      expected: "an array of strings, e.g. ['1H']",
    });
  }
  const dims: MrsDim[] = higher.map((size, i) => ({ tag: dimTag(ext, i + 5, file), size }));
  const ppmReference = statedPpmReference(ext) ?? defaultPpmReference(nucleus);

  const data = readSamples(raw, voxOffset, points, spatial, higher, bytesPerValue, h.littleEndian);
  applySlope(data, h, file);

  const mm = spaceUnitMm(h.xyztUnits);
  const geometry: MrsGeometry = {
    pixdim: [h.pixdim[1] * mm, h.pixdim[2] * mm, h.pixdim[3] * mm],
    qformCode: h.qformCode,
    sformCode: h.sformCode,
    quatern: [...h.quatern],
    qoffset: h.qoffset.map((q) => q * mm) as [number, number, number],
    qfac: h.pixdim[0] === -1 ? -1 : 1,
    srow: h.srow.map((s) => s * mm),
  };

  return checkMrsData({
    data,
    points,
    spatial,
    dims,
    header: {
      spectrometerFrequency,
      dwellTime,
      nucleus,
      ppmReference,
      echoTime: typeof ext.EchoTime === 'number' ? ext.EchoTime : undefined,
      repetitionTime: typeof ext.RepetitionTime === 'number' ? ext.RepetitionTime : undefined,
    },
    extension: ext,
    geometry,
    otherExtensions: others.length ? others : undefined,
    source: { format: 'NIfTI-MRS', file, dataType: h.datatype === DT_COMPLEX64 ? 'complex64' : 'complex128' },
  });
}

function readExtensions(
  raw: Uint8Array,
  hdrSize: number,
  voxOffset: number,
  le: boolean,
  file: string,
): { json: Record<string, unknown> | undefined; others: OtherExtension[] } {
  const others: OtherExtension[] = [];
  let json: Record<string, unknown> | undefined;
  // The 4-byte "extender" follows the header; a non-zero first byte announces extensions.
  if (voxOffset < hdrSize + 4 || raw[hdrSize] === 0) return { json, others };
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let pos = hdrSize + 4;
  while (pos + 8 <= voxOffset) {
    const esize = v.getInt32(pos, le);
    const ecode = v.getInt32(pos + 4, le);
    if (esize < 8 || esize % 8 !== 0 || pos + esize > voxOffset) {
      throw new InputError(`extension at byte ${pos} has esize ${esize}`, {
        file,
        field: 'extension esize',
        expected: `a multiple of 16 (at least 8) ending before vox_offset ${voxOffset}`,
      });
    }
    const content = raw.subarray(pos + 8, pos + esize);
    if (ecode === ECODE_MRS) {
      if (json)
        throw new InputError('two NIfTI-MRS extensions', {
          file,
          field: 'extension',
          expected: 'one ecode 44 extension',
        });
      json = parseJson(content, file);
    } else {
      others.push({ code: ecode, bytes: Uint8Array.from(content) });
    }
    pos += esize;
  }
  return { json, others };
}

function parseJson(content: Uint8Array, file: string): Record<string, unknown> {
  let end = content.length;
  while (end > 0 && (content[end - 1] === 0 || content[end - 1] === 0x20 || content[end - 1] === 0x0a)) end--;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content.subarray(0, end));
  } catch (err) {
    throw new InputError(
      'header extension is not UTF-8 text',
      { file, field: 'extension', expected: 'UTF-8 JSON' },
      { cause: err },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(
      `header extension is not valid JSON (${(err as Error).message})`,
      { file, field: 'extension', expected: 'a JSON object' },
      { cause: err },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('header extension is not a JSON object', {
      file,
      field: 'extension',
      expected: 'a JSON object',
    });
  }
  return value as Record<string, unknown>;
}

function dimTag(ext: Record<string, unknown>, n: number, file: string): DimTag {
  const v = ext[`dim_${n}`];
  if (v === undefined) return DEFAULT_DIM_TAGS[n - 5];
  if (!isDimTag(v)) {
    throw new InputError(`dim_${n} is ${JSON.stringify(v)}`, {
      file,
      field: `dim_${n}`,
      expected: `one of ${DIM_TAGS.join(', ')}`,
    });
  }
  return v;
}

function firstNumber(v: unknown): number | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' ? x : undefined;
}

function firstString(v: unknown): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : undefined;
}

/** NIfTI order (x fastest, then y, z, time, higher) -> livermrs order (time fastest, then x, y, z, higher). */
function readSamples(
  raw: Uint8Array,
  offset: number,
  points: number,
  spatial: [number, number, number],
  higher: number[],
  bytesPerValue: number,
  le: boolean,
): Float64Array {
  const nv = spatial[0] * spatial[1] * spatial[2];
  const nh = higher.reduce((a, b) => a * b, 1);
  const out = new Float64Array(2 * points * nv * nh);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const get = bytesPerValue === 4 ? (o: number) => v.getFloat32(o, le) : (o: number) => v.getFloat64(o, le);
  const step = 2 * bytesPerValue;
  let src = offset;
  for (let hi = 0; hi < nh; hi++) {
    for (let p = 0; p < points; p++) {
      for (let vox = 0; vox < nv; vox++) {
        const dst = 2 * (p + points * (vox + nv * hi));
        out[dst] = get(src);
        out[dst + 1] = get(src + bytesPerValue);
        src += step;
      }
    }
  }
  return out;
}

function applySlope(data: Float64Array, h: NiftiHeader, file: string): void {
  const s = h.sclSlope;
  if (s === 0 || s === 1 || Number.isNaN(s)) return; // 0 (and NaN) mean "no scaling" in NIfTI
  if (!Number.isFinite(s))
    throw new InputError(`scl_slope is ${s}`, { file, field: 'scl_slope', expected: 'a finite number' });
  for (let i = 0; i < data.length; i++) data[i] *= s;
}

export interface EncodeNiftiMrsOptions {
  /** gzip the output (.nii.gz). */
  gzip: boolean;
  /**
   * Sample type on disk. Default: the source file's type when it was NIfTI-MRS, else complex64 when every value
   * is exactly a 32-bit float (then nothing is lost) and complex128 otherwise: the writer never rounds data.
   */
  dataType?: NiftiDataType;
  /** NIfTI-1 instead of the (preferred) NIfTI-2 header. */
  nifti1?: boolean;
}

/** Encodes NIfTI-MRS bytes (NIfTI-2, little-endian; gzipped if asked). */
export function encodeNiftiMrs(mrs: MrsData, options: EncodeNiftiMrsOptions = { gzip: true }): Uint8Array {
  checkMrsData(mrs);
  const dataType =
    options.dataType ?? mrs.source.dataType ?? (isExactFloat32(mrs.data) ? 'complex64' : 'complex128');
  const bytesPerValue = dataType === 'complex64' ? 4 : 8;
  const head = encodeNiftiMrsHead(mrs, dataType, options.nifti1);
  const out = new Uint8Array(head.length + mrs.data.length * bytesPerValue);
  out.set(head, 0);
  writeSamples(new DataView(out.buffer), head.length, mrs, bytesPerValue);
  return options.gzip ? gzipSync(out, { level: 6 }) : out;
}

/**
 * The bytes of a NIfTI-MRS file before its samples (vox_offset of them): the NIfTI header (NIfTI-2 unless
 * `nifti1`) and the extensions, the JSON one first. The samples follow, little-endian, in NIfTI order.
 */
export function encodeNiftiMrsHead(
  mrs: Omit<MrsData, 'data'>,
  dataType: 'complex64' | 'complex128',
  nifti1 = false,
): Uint8Array {
  const bytesPerValue = dataType === 'complex64' ? 4 : 8;
  const version = nifti1 ? 1 : 2;
  const hdrSize = version === 2 ? NIFTI2_SIZE : NIFTI1_SIZE;

  const jsonBytes = new TextEncoder().encode(extensionJson(extensionFor(mrs)));
  const extensions: { code: number; bytes: Uint8Array }[] = [
    { code: ECODE_MRS, bytes: jsonBytes },
    ...(mrs.otherExtensions ?? []),
  ];
  const extSizes = extensions.map((e) => Math.ceil((8 + e.bytes.length) / 16) * 16);
  const voxOffset = hdrSize + 4 + extSizes.reduce((a, b) => a + b, 0);

  const g = mrs.geometry ?? defaultGeometry();
  const dim = [4 + mrs.dims.length, ...mrs.spatial, mrs.points, ...mrs.dims.map((d) => d.size)];
  while (dim.length < 8) dim.push(1);
  const header = encodeNiftiHeader({
    version,
    dim,
    pixdim: [g.qfac, ...g.pixdim, mrs.header.dwellTime, 1, 1, 1],
    datatype: dataType === 'complex64' ? DT_COMPLEX64 : DT_COMPLEX128,
    bitpix: 16 * bytesPerValue,
    voxOffset,
    sclSlope: 1,
    sclInter: 0,
    xyztUnits: 2 | 8, // mm, s
    qformCode: g.qformCode,
    sformCode: g.sformCode,
    quatern: g.quatern,
    qoffset: g.qoffset,
    srow: g.srow,
    intentName: NIFTI_MRS_INTENT,
    descrip: '',
  });

  const out = new Uint8Array(voxOffset);
  out.set(header, 0);
  out[hdrSize] = 1; // extender: extensions follow
  const v = new DataView(out.buffer);
  let pos = hdrSize + 4;
  extensions.forEach((e, i) => {
    v.setInt32(pos, extSizes[i], true);
    v.setInt32(pos + 4, e.code, true);
    out.set(e.bytes, pos + 8);
    pos += extSizes[i];
  });
  return out;
}

/**
 * The JSON extension with the keys that duplicate `header` and `dims` refreshed from them. The ppm reference is
 * written to `SpecFreqChemShift` when the extension already has that key (definitions v0.11), otherwise, when it
 * differs from the nucleus default, as the user-defined object `PpmReference` ({Value, Description}): validators
 * that predate v0.11 reject bare user-defined keys, and readers without it assume the default anyway.
 */
export function extensionFor(mrs: Omit<MrsData, 'data'>): Record<string, unknown> {
  const ext: Record<string, unknown> = structuredClone(mrs.extension);
  const h = mrs.header;
  ext.SpectrometerFrequency = replaceFirst(ext.SpectrometerFrequency, h.spectrometerFrequency);
  ext.ResonantNucleus = replaceFirst(ext.ResonantNucleus, h.nucleus);
  setOrDelete(ext, 'EchoTime', h.echoTime);
  setOrDelete(ext, 'RepetitionTime', h.repetitionTime);
  delete ext.PpmReference;
  if (typeof ext.SpecFreqChemShift === 'number') {
    ext.SpecFreqChemShift = h.ppmReference;
  } else if (h.ppmReference !== defaultPpmReference(h.nucleus)) {
    ext.PpmReference = {
      Value: h.ppmReference,
      Description:
        'Chemical shift (ppm) at the receiver centre frequency (SpecFreqChemShift of NIfTI-MRS v0.11), written by livermrs',
    };
  }
  for (let n = 5; n <= 7; n++) {
    const d = mrs.dims[n - 5];
    if (d) {
      ext[`dim_${n}`] = d.tag;
    } else {
      delete ext[`dim_${n}`];
      delete ext[`dim_${n}_info`];
      delete ext[`dim_${n}_header`];
    }
  }
  return ext;
}

/** The ppm reference an extension states (SpecFreqChemShift, or livermrs's PpmReference object), if any. */
export function statedPpmReference(ext: Record<string, unknown>): number | undefined {
  if (typeof ext.SpecFreqChemShift === 'number') return ext.SpecFreqChemShift;
  const p = ext.PpmReference as { Value?: unknown } | undefined;
  return p && typeof p === 'object' && typeof p.Value === 'number' ? p.Value : undefined;
}

/**
 * JSON text of the extension. SpectrometerFrequency values are written with a decimal point (297.0, not 297):
 * the NIfTI-MRS validator requires floats there and Python's json reads 297 as an integer.
 */
export function extensionJson(ext: Record<string, unknown>): string {
  const sf = ext.SpectrometerFrequency;
  if (!Array.isArray(sf)) return JSON.stringify(ext);
  const placeholder = '"__livermrs_sf__"';
  const text = JSON.stringify({ ...ext, SpectrometerFrequency: '__livermrs_sf__' });
  const values = sf.map((v) => (typeof v === 'number' && Number.isInteger(v) ? `${v}.0` : JSON.stringify(v)));
  return text.replace(placeholder, `[${values.join(',')}]`);
}

function replaceFirst<T>(old: unknown, value: T): T[] {
  return Array.isArray(old) && old.length > 1 ? [value, ...(old.slice(1) as T[])] : [value];
}

function setOrDelete(ext: Record<string, unknown>, key: string, value: number | undefined): void {
  if (value === undefined) delete ext[key];
  else ext[key] = value;
}

/** Unlocalised data: no position (qform_code 0) and the standard's default voxel size of 10 m. */
export function defaultGeometry(): MrsGeometry {
  return {
    pixdim: [10000, 10000, 10000],
    qformCode: 0,
    sformCode: 0,
    quatern: [0, 0, 0],
    qoffset: [0, 0, 0],
    qfac: 1,
    srow: [10000, 0, 0, 0, 0, 10000, 0, 0, 0, 0, 10000, 0],
  };
}

function isExactFloat32(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (Math.fround(x[i]) !== x[i]) return false;
  return true;
}

function writeSamples(v: DataView, offset: number, mrs: MrsData, bytesPerValue: number): void {
  const points = mrs.points;
  const nv = voxelCount(mrs);
  const nh = fidCount(mrs) / nv;
  const d = mrs.data;
  const set =
    bytesPerValue === 4
      ? (o: number, x: number) => v.setFloat32(o, x, true)
      : (o: number, x: number) => v.setFloat64(o, x, true);
  let dst = offset;
  for (let hi = 0; hi < nh; hi++) {
    for (let p = 0; p < points; p++) {
      for (let vox = 0; vox < nv; vox++) {
        const src = 2 * (p + points * (vox + nv * hi));
        set(dst, d[src]);
        set(dst + bytesPerValue, d[src + 1]);
        dst += 2 * bytesPerValue;
      }
    }
  }
}
