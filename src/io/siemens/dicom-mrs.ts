import { conjugateInPlace } from '../../core/complex.js';
import { InputError } from '../../core/errors.js';
import { checkMrsData, type MrsData, type MrsDim, type MrsGeometry } from '../../core/mrs-data.js';
import {
  type DicomDataSet,
  deepNumber,
  deepString,
  findDeep,
  numberValues,
  parseDicom,
  privateTag,
  stringValue,
  tagOf,
  valueBytes,
} from '../dicom/dicom-parser.js';
import { geometryFromOrientation, geometryFromSizes } from '../geometry.js';
import { hasExtension, msToS, requireCount, requirePositive, vendorExtension } from '../vendor/common.js';
import {
  type CsaHeader,
  csaNumber,
  csaString,
  parseAscconv,
  parseCsa,
  siemensSequenceFile,
  siemensWaterSuppression,
} from './csa.js';
import { latin1 } from '../vendor/common.js';
import { SIEMENS_PPM_REFERENCE } from './rda.js';

/**
 * Siemens DICOM spectroscopy, two generations:
 * - classic "IMA" (syngo VB/VD/VE; SOP class 1.3.12.2.1107.5.9.1, Siemens CSA Non-Image): acquisition values in
 *   the CSA image header (0029,xx10) (DataPointColumns, RealDwellTime in ns, ImagingFrequency, EchoTime...), data
 *   in the private element (7FE1,xx10) as complex float32;
 * - enhanced MR Spectroscopy Storage (syngo XA; SOP class 1.2.840.10008.5.1.4.1.1.4.2): standard tags (Data Point
 *   Columns (0028,9002), Transmitter Frequency (0018,9098), Spectral Width (0018,9052), Chemical Shift Reference
 *   (0018,9053)), data in Spectroscopy Data (5600,0020) as complex float32.
 * Both store the FID in the livermrs convention (checked with the NAA/Cr pattern of the example files).
 */
const SOP_CSA_NON_IMAGE = '1.3.12.2.1107.5.9.1';
const SOP_MR_SPECTROSCOPY = '1.2.840.10008.5.1.4.1.1.4.2';

export function isDicom(bytes: Uint8Array, fileName: string): boolean {
  if (bytes.length >= 132 && String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) === 'DICM')
    return true;
  // Files without the Part 10 preamble: a group 0008 (or 0002) tag first, and a DICOM-like name.
  return (
    bytes.length >= 8 &&
    (bytes[0] === 0x08 || bytes[0] === 0x02) &&
    bytes[1] === 0x00 &&
    hasExtension(fileName, '.ima', '.dcm', '.dicom')
  );
}

export function readSiemensDicom(bytes: Uint8Array, file: string): MrsData {
  const dicom = parseDicom(bytes, file);
  const ds = dicom.dataset;
  const sop = str(ds, tagOf(0x0008, 0x0016)) ?? str(dicom.meta, tagOf(0x0002, 0x0002));
  if (sop === SOP_MR_SPECTROSCOPY || ds.elements.has(tagOf(0x5600, 0x0020)))
    return withProtocol(readEnhanced(ds, file), bytes);
  const csaTag = privateTag(ds, 0x0029, 'SIEMENS CSA HEADER', 0x10);
  const dataTag = privateTag(ds, 0x7fe1, 'SIEMENS CSA NON-IMAGE', 0x10);
  if (csaTag !== undefined && dataTag !== undefined && ds.elements.has(csaTag) && ds.elements.has(dataTag)) {
    return withProtocol(readClassic(ds, csaTag, dataTag, file), bytes);
  }
  throw new InputError(`DICOM object of class ${sop ?? 'unknown'} holds no spectroscopy data`, {
    file,
    field: 'SOP Class UID',
    expected: `MR Spectroscopy Storage (${SOP_MR_SPECTROSCOPY}) or Siemens CSA Non-Image (${SOP_CSA_NON_IMAGE}) with spectroscopy data`,
  });
}

/**
 * What the MrPhoenixProtocol (ASCCONV block: the series CSA header of classic DICOM, a private element of XA
 * enhanced DICOM) adds: water suppression (sPrepPulses.ucWaterSat) and the sequence file name when the DICOM
 * tags name no sequence. The header key of every acquisition value is recorded in source.headerKeys.
 */
function withProtocol(mrs: MrsData, bytes: Uint8Array): MrsData {
  const asc = parseAscconv(latin1(bytes));
  const ws = siemensWaterSuppression(asc);
  const keys: NonNullable<MrsData['source']['headerKeys']> = {
    spectrometerFrequency: 'header:ImagingFrequency',
    echoTime: 'header:EchoTime',
    repetitionTime: 'header:RepetitionTime',
  };
  if (ws.suppressed !== undefined) {
    mrs.extension.WaterSuppressed = ws.suppressed;
    keys.waterSuppressed = ws.key;
  }
  const seqFile = siemensSequenceFile(asc);
  if (typeof mrs.extension.SequenceName !== 'string' && seqFile) {
    mrs.extension.SequenceName = seqFile;
    keys.sequence = 'header:tSequenceFileName';
  } else if (typeof mrs.extension.SequenceName === 'string') {
    keys.sequence = 'header:SequenceName';
  }
  mrs.source.headerKeys = { ...keys, ...(mrs.source.headerKeys ?? {}) };
  return mrs;
}

function str(ds: DicomDataSet, tag: number): string | undefined {
  const el = ds.elements.get(tag);
  return el ? stringValue(ds, el) : undefined;
}

function nums(ds: DicomDataSet, tag: number): number[] | undefined {
  const el = ds.elements.get(tag);
  return el ? numberValues(ds, el) : undefined;
}

/** Complex float32 samples; the byte count must be a whole number of FIDs. */
function complexFloat32(
  raw: Uint8Array,
  le: boolean,
  points: number,
  file: string,
  field: string,
): Float64Array {
  if (raw.length === 0 || raw.length % (8 * points) !== 0) {
    throw new InputError(`${raw.length} data bytes`, {
      file,
      field,
      expected: `a multiple of ${8 * points} (complex float32 FIDs of ${points} points)`,
    });
  }
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(raw.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = v.getFloat32(4 * i, le);
  return out;
}

/** Spatial grid and extra FIDs: FIDs beyond the voxel count become transients (DIM_DYN). */
function shape(
  nFids: number,
  grid: [number, number, number],
  file: string,
): { spatial: [number, number, number]; dims: MrsDim[] } {
  const nVox = grid[0] * grid[1] * grid[2];
  if (nFids === nVox) return { spatial: grid, dims: [] };
  if (nVox === 1) return { spatial: [1, 1, 1], dims: [{ tag: 'DIM_DYN', size: nFids }] };
  throw new InputError(`${nFids} FIDs for a ${grid.join('x')} grid`, {
    file,
    field: 'data',
    expected: `${nVox} FIDs`,
  });
}

function commonExtension(
  ds: DicomDataSet,
  file: string,
  keys: Record<string, unknown>,
): Record<string, unknown> {
  return vendorExtension(file, {
    ...keys,
    Manufacturer: str(ds, tagOf(0x0008, 0x0070)),
    ManufacturersModelName: str(ds, tagOf(0x0008, 0x1090)),
    DeviceSerialNumber: str(ds, tagOf(0x0018, 0x1000)),
    SoftwareVersions: str(ds, tagOf(0x0018, 0x1020)),
    InstitutionName: str(ds, tagOf(0x0008, 0x0080)),
    InstitutionAddress: str(ds, tagOf(0x0008, 0x0081)),
    ProtocolName: str(ds, tagOf(0x0018, 0x1030)),
    PatientPosition: str(ds, tagOf(0x0018, 0x5100)),
    PatientName: str(ds, tagOf(0x0010, 0x0010)),
    PatientID: str(ds, tagOf(0x0010, 0x0020)),
    PatientDoB: str(ds, tagOf(0x0010, 0x0030)),
    PatientSex: str(ds, tagOf(0x0010, 0x0040)),
    PatientWeight: nums(ds, tagOf(0x0010, 0x1030))?.[0] || undefined,
  });
}

function readClassic(ds: DicomDataSet, csaTag: number, dataTag: number, file: string): MrsData {
  const csaEl = ds.elements.get(csaTag)!;
  const csa: CsaHeader = parseCsa(valueBytes(ds, csaEl), file, 'CSA image header (0029,1010)');
  const c = (k: string) => csaNumber(csa, k);
  const points = requireCount(c('DataPointColumns'), file, 'CSA DataPointColumns');
  const dwellNs = requirePositive(
    c('RealDwellTime'),
    file,
    'CSA RealDwellTime',
    'a positive dwell time in ns',
  );
  const mhz = requirePositive(
    c('ImagingFrequency'),
    file,
    'CSA ImagingFrequency',
    'a positive frequency in MHz',
  );
  if ((csaString(csa, 'SignalDomainColumns') ?? 'TIME') !== 'TIME') {
    throw new InputError(`SignalDomainColumns is ${csaString(csa, 'SignalDomainColumns')}`, {
      file,
      field: 'CSA SignalDomainColumns',
      expected: 'TIME (frequency-domain exports are not supported)',
    });
  }
  const data = complexFloat32(
    valueBytes(ds, ds.elements.get(dataTag)!),
    ds.littleEndian,
    points,
    file,
    'CSA non-image data (7FE1,1010)',
  );
  const grid: [number, number, number] = [
    requireCount(c('Columns') ?? 1, file, 'CSA Columns', 4096),
    requireCount(c('Rows') ?? 1, file, 'CSA Rows', 4096),
    requireCount(c('NumberOfFrames') ?? 1, file, 'CSA NumberOfFrames', 4096),
  ];
  const { spatial, dims } = shape(data.length / (2 * points), grid, file);
  const te = msToS(c('EchoTime'));
  const tr = msToS(c('RepetitionTime'));
  const ori = csa.get('ImageOrientationPatient')?.map(Number) ?? [];
  const pos = csa.get('VoiPosition')?.map(Number) ?? [];
  const spacing = csa.get('PixelSpacing')?.map(Number) ?? [];
  const sizes: [number, number, number] =
    spatial[0] * spatial[1] * spatial[2] === 1
      ? [c('VoiReadoutFoV') ?? 0, c('VoiPhaseFoV') ?? 0, c('VoiThickness') ?? 0]
      : [spacing[1] ?? 0, spacing[0] ?? 0, c('SliceThickness') ?? 0];
  const geometry =
    (ori.length === 6 && pos.length === 3 && spatial[0] * spatial[1] * spatial[2] === 1
      ? geometryFromOrientation([ori[0], ori[1], ori[2]], [ori[3], ori[4], ori[5]], sizes, [
          pos[0],
          pos[1],
          pos[2],
        ])
      : undefined) ?? geometryFromSizes(sizes);
  return checkMrsData({
    data,
    points,
    spatial,
    dims,
    header: {
      spectrometerFrequency: mhz,
      dwellTime: dwellNs * 1e-9,
      nucleus: csaString(csa, 'ResonantNucleus') ?? csaString(csa, 'ImagedNucleus') ?? '1H',
      ppmReference: SIEMENS_PPM_REFERENCE,
      echoTime: te,
      repetitionTime: tr,
    },
    extension: commonExtension(ds, file, {
      EchoTime: te,
      RepetitionTime: tr,
      InversionTime: msToS(c('InversionTime')),
      MixingTime: msToS(c('MixingTime')),
      ExcitationFlipAngle: c('FlipAngle'),
      SequenceName: csaString(csa, 'SequenceName'),
    }),
    geometry,
    source: { format: 'Siemens DICOM (IMA)', file },
  });
}

function readEnhanced(ds: DicomDataSet, file: string): MrsData {
  const n = (g: number, e: number) => deepNumber(ds, tagOf(g, e));
  const points = requireCount(n(0x0028, 0x9002), file, 'Data Point Columns (0028,9002)');
  const sw = requirePositive(n(0x0018, 0x9052), file, 'Spectral Width (0018,9052)', 'a positive width in Hz');
  const mhz = requirePositive(
    n(0x0018, 0x9098),
    file,
    'Transmitter Frequency (0018,9098)',
    'a positive frequency in MHz',
  );
  const domain = deepString(ds, tagOf(0x0028, 0x9003)) ?? 'TIME';
  if (domain !== 'TIME') {
    throw new InputError(`Signal Domain Columns is ${domain}`, {
      file,
      field: '(0028,9003)',
      expected: 'TIME (frequency-domain spectra are not supported)',
    });
  }
  const hit = findDeep(ds, tagOf(0x5600, 0x0020));
  if (!hit)
    throw new InputError('no Spectroscopy Data', {
      file,
      field: '(5600,0020)',
      expected: 'complex float32 FIDs',
    });
  const data = complexFloat32(
    valueBytes(hit.ds, hit.el),
    hit.ds.littleEndian,
    points,
    file,
    'Spectroscopy Data (5600,0020)',
  );
  // The standard MR Spectroscopy object stores the complex conjugate of the livermrs (and Siemens IMA) convention.
  conjugateInPlace(data);
  const grid: [number, number, number] = [
    requireCount(n(0x0028, 0x0011) ?? 1, file, 'Columns (0028,0011)', 4096),
    requireCount(n(0x0028, 0x0010) ?? 1, file, 'Rows (0028,0010)', 4096),
    requireCount(n(0x0028, 0x0008) ?? 1, file, 'Number of Frames (0028,0008)', 4096),
  ];
  const { spatial, dims } = shape(data.length / (2 * points), grid, file);
  const te = msToS(n(0x0018, 0x9082));
  const tr = msToS(n(0x0018, 0x0080));
  const ref = n(0x0018, 0x9053);
  // Volume localisation (0018,9126): one item per slab with thickness (0018,9104) and mid-point (0018,9106).
  const voi = findDeep(ds, tagOf(0x0018, 0x9126))?.el.items ?? [];
  const thick = voi.map((it) => nums(it, tagOf(0x0018, 0x9104))?.[0] ?? 0);
  const ori = deepString(ds, tagOf(0x0020, 0x0037))?.split('\\').map(Number) ?? [];
  const mid = voi.length ? nums(voi[0], tagOf(0x0018, 0x9106)) : undefined;
  let geometry: MrsGeometry | undefined;
  if (
    voi.length === 3 &&
    spatial[0] * spatial[1] * spatial[2] === 1 &&
    ori.length === 6 &&
    mid?.length === 3
  ) {
    // The slab normals are the row, column and slice directions; match each to its thickness.
    const normals = voi.map((it) => nums(it, tagOf(0x0018, 0x9105)) ?? [0, 0, 0]);
    const along = (dir: number[]) => {
      let best = 0;
      normals.forEach((nv, i) => {
        if (Math.abs(dot(nv, dir)) > Math.abs(dot(normals[best], dir))) best = i;
      });
      return thick[best];
    };
    const row = [ori[0], ori[1], ori[2]];
    const col = [ori[3], ori[4], ori[5]];
    const nrm = [
      row[1] * col[2] - row[2] * col[1],
      row[2] * col[0] - row[0] * col[2],
      row[0] * col[1] - row[1] * col[0],
    ];
    geometry = geometryFromOrientation(
      [ori[0], ori[1], ori[2]],
      [ori[3], ori[4], ori[5]],
      [along(row), along(col), along(nrm)],
      [mid[0], mid[1], mid[2]],
    );
  }
  return checkMrsData({
    data,
    points,
    spatial,
    dims,
    header: {
      spectrometerFrequency: mhz,
      dwellTime: 1 / sw,
      nucleus: deepString(ds, tagOf(0x0018, 0x9100)) || '1H',
      ppmReference: ref !== undefined && Number.isFinite(ref) ? ref : SIEMENS_PPM_REFERENCE,
      echoTime: te,
      repetitionTime: tr,
    },
    extension: commonExtension(ds, file, {
      EchoTime: te,
      RepetitionTime: tr,
      ExcitationFlipAngle: n(0x0018, 0x1314),
      SequenceName: deepString(ds, tagOf(0x0018, 0x9005)),
      SpectralWidth: sw,
    }),
    geometry,
    source: { format: 'Siemens DICOM (enhanced MR Spectroscopy)', file },
  });
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
