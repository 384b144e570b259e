import { InputError } from '../../core/errors.js';
import { checkMrsData, type MrsData, type MrsDim } from '../../core/mrs-data.js';
import { baseName, hasExtension, latin1, msToS, num, vendorExtension } from '../vendor/common.js';
import { DEFAULT_PPM_REFERENCE } from '../../core/fid.js';

/**
 * GE P-files (raw data of the PROBE sequences). The header starts with the RDB header revision (float32); its
 * layout depends on that revision. Offsets (bytes) used here are facts gathered from public readers (TARQUIN's
 * CFIDReaderGE, spant's mrs_read_pfile, SIVIC's svkGEPFileReader) and checked on the rev-9 example files:
 *
 * | revision | byte order | data offset | rdb_hdr_rec fields at | TE (us) | TR (us) |
 * |---|---|---|---|---|---|
 * | 5.x | big | 39940 | base 0 | - | - |
 * | 7 | big | 39984 | base 0 | 39148 | - |
 * | 8 | big | 60464 | base 0 | - | - |
 * | 9 | little | 61464 | base 0 | 60136 | 60128 |
 * | 11 | little | 66072 | base 0 | 65032 | 65024 |
 * | 12-25 | little | int32 at 1468 | base 0 | 1212 | per revision |
 * | 26+ | little | int32 at 4 | base +76 (some fields +64) | 1148 | per revision |
 *
 * rdb_hdr_rec fields (base 0): nechoes int16 @70, nframes int16 @74, frame_size uint16 @80, point_size int16 @82
 * (2 or 4 bytes per integer), receivers (4 start/stop pairs) int16 @200, rhuser19 (water reference frames)
 * float32 @292, spectral width float32 @368, csi_dims int16 @372, xcsi/ycsi/zcsi int16 @374..378,
 * ps_mps_freq uint32 @424 (units of 0.1 Hz).
 * Data: integer complex pairs; per coil and per echo one baseline frame, then rhuser19 unsuppressed water
 * frames, then the water-suppressed frames. The samples are in the livermrs convention (checked with the NAA/Cr
 * pattern of the example files). The receiver centre is taken as 4.65 ppm unless a SAGE .shf companion gives
 * `ppm_offset`.
 */
interface Layout {
  le: boolean;
  rev: number;
  dataOffset: number;
  /** Shift of the rdb_hdr_rec fields (0, or 76 for revision 26 and later). */
  shift: number;
  /** Shift of the receiver, rhuser, spectral-width, csi and frequency fields (64 for revision 26+). */
  shift2: number;
  te?: number;
  tr?: number;
}

const TR_BY_REV: Record<number, number> = {
  14: 144572,
  15: 144572,
  20: 148396,
  21: 148944,
  24: 148396,
  26: 199236,
  28: 207428,
  30: 207428,
};

function layout(bytes: Uint8Array, file: string): Layout {
  if (bytes.length < 2048)
    throw new InputError(`file is ${bytes.length} bytes`, {
      file,
      expected: 'a GE P-file (header of at least 39940 bytes)',
    });
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const revLe = v.getFloat32(0, true);
  const revBe = v.getFloat32(0, false);
  if (revBe > 5 && revBe < 9) {
    const rev = revBe;
    const dataOffset = rev < 6 ? 39940 : Math.floor(rev) === 7 ? 39984 : 60464;
    return { le: false, rev, dataOffset, shift: 0, shift2: 0, te: Math.floor(rev) === 7 ? 39148 : undefined };
  }
  const rev = revLe;
  const major = Math.floor(rev);
  if (major === 9) return { le: true, rev, dataOffset: 61464, shift: 0, shift2: 0, te: 60136, tr: 60128 };
  if (major === 11) return { le: true, rev, dataOffset: 66072, shift: 0, shift2: 0, te: 65032, tr: 65024 };
  if (major >= 12 && major <= 25)
    return {
      le: true,
      rev,
      dataOffset: v.getInt32(1468, true),
      shift: 0,
      shift2: 0,
      te: 1212,
      tr: TR_BY_REV[major],
    };
  if (major >= 26 && major <= 40)
    return {
      le: true,
      rev,
      dataOffset: v.getInt32(4, true),
      shift: 76,
      shift2: 64,
      te: 1148,
      tr: TR_BY_REV[major],
    };
  throw new InputError(`header revision ${Number.isFinite(rev) ? rev : 'unreadable'}`, {
    file,
    field: 'rdbm_rev',
    expected: 'a GE P-file header revision between 5 and 40',
  });
}

export function isPfile(bytes: Uint8Array, fileName: string): boolean {
  if (bytes.length < 4) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = v.getFloat32(0, true);
  const be = v.getFloat32(0, false);
  // Revisions are numbers such as 9.0, 26.002 or 28.003, stored as float32.
  const thousandths = (x: number) => Math.abs(x * 1000 - Math.round(x * 1000)) < 0.01;
  const plausible = (le >= 9 && le <= 40 && thousandths(le)) || (be > 5 && be < 9 && thousandths(be));
  return (
    plausible && (hasExtension(fileName, '.7') || /^P\d+/i.test(baseName(fileName)) || bytes.length > 39940)
  );
}

export function pfileCompanionNames(fileName: string): string[] {
  return [`${baseName(fileName)}.shf`];
}

/** Reads a P-file; the water reference frames (if any) are returned as `reference`. */
export function readPfile(
  bytes: Uint8Array,
  file: string,
  companions: Record<string, Uint8Array> = {},
): MrsData {
  const L = layout(bytes, file);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i16 = (o: number) => v.getInt16(o, L.le);
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new InputError(`${field} is ${value}`, { file, field, expected });
  };
  const nEchoes = i16(70 + L.shift);
  const nFrames = i16(74 + L.shift);
  const frame = v.getUint16(80 + L.shift, L.le);
  const pointSize = i16(82 + L.shift);
  if (!(nEchoes >= 1 && nEchoes <= 16)) fail('nechoes', nEchoes, '1 to 16');
  if (!(nFrames >= 1)) fail('nframes', nFrames, 'at least 1 frame');
  if (!(frame >= 2)) fail('frame_size', frame, 'at least 2 points');
  if (pointSize !== 2 && pointSize !== 4) fail('point_size', pointSize, '2 or 4 bytes');
  const rcv = Array.from({ length: 8 }, (_, i) => i16(200 + L.shift2 + 2 * i));
  let coils = 0;
  for (let i = 0; i < 8; i += 2) if (rcv[i] !== 0 || rcv[i + 1] !== 0) coils += rcv[i + 1] - rcv[i] + 1;
  if (coils === 0) coils = 1;
  if (!(coils >= 1 && coils <= 256))
    fail('receivers', rcv.join(','), 'start/stop receiver pairs for 1 to 256 coils');
  const waterFrames = v.getFloat32(292 + L.shift2, L.le);
  if (!(Number.isInteger(waterFrames) && waterFrames >= 0 && waterFrames <= nFrames)) {
    fail('rhuser19 (water reference frames)', waterFrames, `an integer between 0 and nframes = ${nFrames}`);
  }
  const sw = v.getFloat32(368 + L.shift2, L.le);
  if (!(sw > 0 && sw < 1e7)) fail('spectral width', sw, 'a positive spectral width in Hz');
  const csiDims = i16(372 + L.shift2);
  if (csiDims !== 0) {
    throw new InputError(`${csiDims}-D CSI data`, {
      file,
      field: 'csi_dims',
      expected: 'single-voxel data (GE CSI P-files are not supported)',
    });
  }
  const freqTenthHz = v.getUint32(424 + L.shift2, L.le);
  if (!(freqTenthHz > 0)) fail('ps_mps_freq', freqTenthHz, 'a positive transmit frequency');
  const dataOffset = L.dataOffset;
  const framesPerCoil = nEchoes * (nFrames + 1);
  const needed = coils * framesPerCoil * frame * 2 * pointSize;
  if (!(dataOffset > 0 && dataOffset <= bytes.length) || bytes.length - dataOffset !== needed) {
    throw new InputError(`${bytes.length - dataOffset} data bytes after the header (offset ${dataOffset})`, {
      file,
      field: 'data',
      expected: `${needed} = ${coils} coil(s) x ${nEchoes} echo(es) x (1 baseline + ${nFrames}) frames x ${frame} points x ${2 * pointSize} bytes`,
    });
  }
  const shf = shfHeader(companions, file);
  const te = (L.te !== undefined ? v.getInt32(L.te, L.le) / 1e6 : undefined) || msToS(num(shf.get('TE')));
  const tr = (L.tr !== undefined ? v.getInt32(L.tr, L.le) / 1e6 : undefined) || msToS(num(shf.get('TR')));
  const ppmReference = num(shf.get('ppm_offset')) ?? DEFAULT_PPM_REFERENCE;
  const mhz = freqTenthHz / 1e7;

  // Frames in file order: coil, echo, frame (1 baseline + water + suppressed).
  const readFrame = (coil: number, echo: number, f: number, out: Float64Array, at: number) => {
    const start = dataOffset + ((coil * nEchoes + echo) * (nFrames + 1) + f) * frame * 2 * pointSize;
    for (let p = 0; p < 2 * frame; p++) {
      out[at + p] = pointSize === 4 ? v.getInt32(start + 4 * p, L.le) : v.getInt16(start + 2 * p, L.le);
    }
  };
  const build = (first: number, count: number): Float64Array => {
    // livermrs order: points fastest, then coil, then transient, then echo (edit condition).
    const out = new Float64Array(2 * frame * coils * count * nEchoes);
    for (let e = 0; e < nEchoes; e++)
      for (let t = 0; t < count; t++)
        for (let c = 0; c < coils; c++)
          readFrame(c, e, 1 + first + t, out, 2 * frame * (c + coils * (t + count * e)));
    return out;
  };
  const dimsFor = (count: number): MrsDim[] => {
    const dims: MrsDim[] = [];
    if (coils > 1) dims.push({ tag: 'DIM_COIL', size: coils });
    if (count > 1) dims.push({ tag: 'DIM_DYN', size: count });
    if (nEchoes > 1) dims.push({ tag: 'DIM_EDIT', size: nEchoes });
    return dims;
  };
  const header = {
    spectrometerFrequency: mhz,
    dwellTime: 1 / sw,
    nucleus: '1H',
    ppmReference,
    echoTime: te,
    repetitionTime: tr,
  };
  const extension = (water: boolean) =>
    vendorExtension(file, {
      EchoTime: te,
      RepetitionTime: tr,
      Manufacturer: 'GE',
      SequenceName: shf.get('psd_name'),
      WaterSuppressed: !water,
      InstitutionName: shf.get('site'),
      PatientName: shf.get('patient_name'),
      GEHeader: { HeaderRevision: L.rev, Description: 'GE P-file RDB header revision' },
    });
  const nSuppressed = nFrames - waterFrames;
  const make = (first: number, count: number, water: boolean): MrsData =>
    checkMrsData({
      data: build(first, count),
      points: frame,
      spatial: [1, 1, 1],
      dims: dimsFor(count),
      header: { ...header },
      extension: extension(water),
      source: {
        format: 'GE P-file',
        file,
        headerKeys: {
          nucleus: 'default',
          spectrometerFrequency: 'header:ps_mps_freq',
          sequence: 'header:psd_name (.shf)',
          echoTime: L.te !== undefined ? 'header:TE' : 'header:TE (.shf)',
          repetitionTime: L.tr !== undefined ? 'header:TR' : 'header:TR (.shf)',
          waterSuppressed: `header:rhuser19 = ${waterFrames} (${water ? 'unsuppressed reference frames' : 'frames after the water reference'})`,
        },
      },
    });
  if (nSuppressed === 0) return make(0, waterFrames, true);
  const metab = make(waterFrames, nSuppressed, false);
  if (waterFrames > 0) metab.reference = make(0, waterFrames, true);
  return metab;
}

/** The optional SAGE .shf text header next to a P-file: `key value` lines. */
function shfHeader(companions: Record<string, Uint8Array>, file: string): Map<string, string> {
  const out = new Map<string, string>();
  const want = `${baseName(file)}.shf`.toLowerCase();
  const hit = Object.entries(companions).find(([name]) => baseName(name).toLowerCase() === want);
  if (!hit) return out;
  for (const line of latin1(hit[1]).split(/\r?\n/)) {
    if (line.startsWith('#')) continue;
    const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(line);
    if (m && !out.has(m[1])) out.set(m[1], m[2]);
  }
  return out;
}
