import { InputError } from '../../core/errors.js';

/**
 * The binary NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers, as far as NIfTI-MRS uses them.
 * Layouts: nifti1.h and nifti2.h of the NIfTI Data Format Working Group (offsets below, in bytes).
 * Both byte orders are read; files are written little-endian.
 */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[0..7] */
  dim: number[];
  /** pixdim[0..7] */
  pixdim: number[];
  datatype: number;
  bitpix: number;
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  srow: number[];
  intentName: string;
  descrip: string;
}

export const NIFTI1_SIZE = 348;
export const NIFTI2_SIZE = 540;
export const DT_COMPLEX64 = 32;
export const DT_COMPLEX128 = 1792;

const NIFTI2_MAGIC = [0x6e, 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]; // "n+2\0\r\n\032\n"

/** Reads the header at the start of `bytes`; throws InputError if it is not a NIfTI-1 or NIfTI-2 header. */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  if (bytes.length < 4)
    throw new InputError('file too short for a NIfTI header', {
      file,
      expected: 'a NIfTI-1 or NIfTI-2 file',
    });
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let version: 1 | 2;
  let le: boolean;
  const sizeLe = v.getInt32(0, true);
  const sizeBe = v.getInt32(0, false);
  if (sizeLe === NIFTI2_SIZE || sizeBe === NIFTI2_SIZE) {
    version = 2;
    le = sizeLe === NIFTI2_SIZE;
  } else if (sizeLe === NIFTI1_SIZE || sizeBe === NIFTI1_SIZE) {
    version = 1;
    le = sizeLe === NIFTI1_SIZE;
  } else {
    throw new InputError(`sizeof_hdr is ${sizeLe}`, {
      file,
      field: 'sizeof_hdr',
      expected: '348 (NIfTI-1) or 540 (NIfTI-2)',
    });
  }
  const size = version === 2 ? NIFTI2_SIZE : NIFTI1_SIZE;
  if (bytes.length < size) {
    throw new InputError(`file is ${bytes.length} bytes`, {
      file,
      field: 'header',
      expected: `at least ${size} bytes`,
    });
  }
  return version === 2 ? parse2(bytes, v, le, file) : parse1(bytes, v, le, file);
}

function parse2(bytes: Uint8Array, v: DataView, le: boolean, file: string): NiftiHeader {
  for (let i = 0; i < 8; i++) {
    if (bytes[4 + i] !== NIFTI2_MAGIC[i]) {
      throw new InputError('bad NIfTI-2 magic', {
        file,
        field: 'magic',
        expected: '"n+2" (single-file NIfTI-2)',
      });
    }
  }
  const i64 = (o: number) => Number(v.getBigInt64(o, le));
  const f64 = (o: number) => v.getFloat64(o, le);
  return {
    version: 2,
    littleEndian: le,
    datatype: v.getInt16(12, le),
    bitpix: v.getInt16(14, le),
    dim: range(8).map((i) => i64(16 + 8 * i)),
    pixdim: range(8).map((i) => f64(104 + 8 * i)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    descrip: text(bytes, 240, 80),
    qformCode: v.getInt32(344, le),
    sformCode: v.getInt32(348, le),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: range(12).map((i) => f64(400 + 8 * i)),
    xyztUnits: v.getInt32(500, le),
    intentName: text(bytes, 508, 16),
  };
}

function parse1(bytes: Uint8Array, v: DataView, le: boolean, file: string): NiftiHeader {
  const magic = text(bytes, 344, 4);
  if (magic !== 'n+1') {
    throw new InputError(`magic is '${magic}'`, {
      file,
      field: 'magic',
      expected: "'n+1' (single-file NIfTI-1; .hdr/.img pairs are not supported)",
    });
  }
  const f32 = (o: number) => v.getFloat32(o, le);
  return {
    version: 1,
    littleEndian: le,
    dim: range(8).map((i) => v.getInt16(40 + 2 * i, le)),
    datatype: v.getInt16(70, le),
    bitpix: v.getInt16(72, le),
    pixdim: range(8).map((i) => f32(76 + 4 * i)),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    xyztUnits: bytes[123],
    descrip: text(bytes, 148, 80),
    qformCode: v.getInt16(252, le),
    sformCode: v.getInt16(254, le),
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: range(12).map((i) => f32(280 + 4 * i)),
    intentName: text(bytes, 328, 16),
  };
}

/** Seconds per unit of the NIfTI time unit code (xyzt_units bits 3-5); unknown (0) is taken as seconds. */
export function timeUnitSeconds(xyztUnits: number): number | undefined {
  switch (xyztUnits & 0x38) {
    case 0:
    case 8:
      return 1;
    case 16:
      return 1e-3;
    case 24:
      return 1e-6;
    default:
      return undefined; // Hz, ppm, rad/s: not a time axis
  }
}

/** Millimetres per unit of the NIfTI space unit code (bits 0-2); unknown (0) is taken as mm. */
export function spaceUnitMm(xyztUnits: number): number {
  switch (xyztUnits & 0x07) {
    case 1:
      return 1000;
    case 3:
      return 1e-3;
    default:
      return 1;
  }
}

/** Encodes a little-endian header (NIfTI-2 by default). `voxOffset` must already include the extensions. */
export function encodeNiftiHeader(h: Omit<NiftiHeader, 'littleEndian'>): Uint8Array {
  if (h.version === 2) return encode2(h);
  return encode1(h);
}

function encode2(h: Omit<NiftiHeader, 'littleEndian'>): Uint8Array {
  const b = new Uint8Array(NIFTI2_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(0, NIFTI2_SIZE, true);
  b.set(NIFTI2_MAGIC, 4);
  v.setInt16(12, h.datatype, true);
  v.setInt16(14, h.bitpix, true);
  h.dim.forEach((d, i) => {
    v.setBigInt64(16 + 8 * i, BigInt(d), true);
  });
  h.pixdim.forEach((p, i) => {
    v.setFloat64(104 + 8 * i, p, true);
  });
  v.setBigInt64(168, BigInt(h.voxOffset), true);
  v.setFloat64(176, h.sclSlope, true);
  v.setFloat64(184, h.sclInter, true);
  putText(b, 240, 80, h.descrip);
  v.setInt32(344, h.qformCode, true);
  v.setInt32(348, h.sformCode, true);
  h.quatern.forEach((q, i) => {
    v.setFloat64(352 + 8 * i, q, true);
  });
  h.qoffset.forEach((q, i) => {
    v.setFloat64(376 + 8 * i, q, true);
  });
  h.srow.forEach((s, i) => {
    v.setFloat64(400 + 8 * i, s, true);
  });
  v.setInt32(500, h.xyztUnits, true);
  putText(b, 508, 16, h.intentName);
  return b;
}

function encode1(h: Omit<NiftiHeader, 'littleEndian'>): Uint8Array {
  for (const d of h.dim) {
    if (d > 32767) throw new RangeError(`NIfTI-1 cannot store a dimension of ${d} (use NIfTI-2)`);
  }
  const b = new Uint8Array(NIFTI1_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(0, NIFTI1_SIZE, true);
  b[38] = 0x72; // 'r' (regular), as nibabel and the reference C library write it
  h.dim.forEach((d, i) => {
    v.setInt16(40 + 2 * i, d, true);
  });
  v.setInt16(70, h.datatype, true);
  v.setInt16(72, h.bitpix, true);
  h.pixdim.forEach((p, i) => {
    v.setFloat32(76 + 4 * i, p, true);
  });
  v.setFloat32(108, h.voxOffset, true);
  v.setFloat32(112, h.sclSlope, true);
  v.setFloat32(116, h.sclInter, true);
  b[123] = h.xyztUnits;
  putText(b, 148, 80, h.descrip);
  v.setInt16(252, h.qformCode, true);
  v.setInt16(254, h.sformCode, true);
  h.quatern.forEach((q, i) => {
    v.setFloat32(256 + 4 * i, q, true);
  });
  h.qoffset.forEach((q, i) => {
    v.setFloat32(268 + 4 * i, q, true);
  });
  h.srow.forEach((s, i) => {
    v.setFloat32(280 + 4 * i, s, true);
  });
  putText(b, 328, 16, h.intentName);
  putText(b, 344, 4, 'n+1');
  return b;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A NUL-terminated ASCII field. */
function text(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = offset; i < offset + length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function putText(bytes: Uint8Array, offset: number, length: number, s: string): void {
  const n = Math.min(s.length, length - 1);
  for (let i = 0; i < n; i++) bytes[offset + i] = s.charCodeAt(i) & 0x7f;
}
