import { sequenceKindOf as sequenceKindOfAny } from '../../core/acquisition.js';
import { InputError } from '../../core/errors.js';
import { checkMrsData, type MrsData } from '../../core/mrs-data.js';
import { geometryFromOrientation, geometryFromSizes } from '../geometry.js';
import { latin1, msToS, num, requireCount, requirePositive, vendorExtension } from '../vendor/common.js';

/**
 * Siemens .rda (spectroscopy export of syngo): a text header between `>>> Begin of header <<<` and
 * `>>> End of header <<<` (`Key: value` lines), then complex float64 little-endian samples, VectorSize points per
 * voxel, voxels ordered column, row, slice (CSIMatrixSize[0..2]). The samples are already in the livermrs
 * convention; Siemens places the receiver centre at 4.7 ppm. DwellTime is in microseconds, TE/TR in ms.
 */
export const RDA_BEGIN = '>>> Begin of header <<<';
const RDA_END = '>>> End of header <<<';
export const SIEMENS_PPM_REFERENCE = 4.7;

export function isRda(bytes: Uint8Array): boolean {
  return latin1(bytes.subarray(0, RDA_BEGIN.length + 3))
    .trimStart()
    .startsWith(RDA_BEGIN);
}

export function readRda(bytes: Uint8Array, file: string): MrsData {
  const head = latin1(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
  const endAt = head.indexOf(RDA_END);
  if (!isRda(bytes) || endAt < 0) {
    throw new InputError('no complete RDA header', {
      file,
      field: 'header',
      expected: `'${RDA_BEGIN}' ... '${RDA_END}'`,
    });
  }
  let dataStart = endAt + RDA_END.length;
  if (head[dataStart] === '\r') dataStart++;
  if (head[dataStart] === '\n') dataStart++;
  const h = new Map<string, string>();
  for (const line of head.slice(0, endAt).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) h.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const n = (k: string) => num(h.get(k));
  const points = requireCount(n('VectorSize'), file, 'VectorSize');
  const spatial: [number, number, number] = [0, 1, 2].map((i) =>
    requireCount(n(`CSIMatrixSize[${i}]`) ?? 1, file, `CSIMatrixSize[${i}]`, 4096),
  ) as [number, number, number];
  const mhz = requirePositive(n('MRFrequency'), file, 'MRFrequency', 'a positive frequency in MHz');
  const dwellUs = requirePositive(n('DwellTime'), file, 'DwellTime', 'a positive dwell time in microseconds');
  const nVox = spatial[0] * spatial[1] * spatial[2];
  const needed = 16 * points * nVox;
  const have = bytes.length - dataStart;
  if (have !== needed) {
    throw new InputError(`${have} data bytes after the header`, {
      file,
      field: 'data',
      expected: `${needed} (${points} points x ${nVox} voxel(s) x 16 bytes)${have < needed ? '; file truncated?' : ''}`,
    });
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset + dataStart, needed);
  const data = new Float64Array(2 * points * nVox);
  for (let i = 0; i < data.length; i++) data[i] = v.getFloat64(8 * i, true);

  const vec = (k: string) => [0, 1, 2].map((i) => n(`${k}[${i}]`) ?? Number.NaN) as [number, number, number];
  const sizes: [number, number, number] = [
    n('PixelSpacingCol') ?? 0,
    n('PixelSpacingRow') ?? 0,
    n('PixelSpacing3D') ?? 0,
  ];
  // For single voxels the VOI centre is given; PositionVector is a corner of the field of view.
  const centre: [number, number, number] =
    nVox === 1
      ? [
          n('VOIPositionSag') ?? Number.NaN,
          n('VOIPositionCor') ?? Number.NaN,
          n('VOIPositionTra') ?? Number.NaN,
        ]
      : vec('PositionVector');
  const geometry =
    geometryFromOrientation(vec('RowVector'), vec('ColumnVector'), sizes, centre) ?? geometryFromSizes(sizes);
  const te = msToS(n('TE'));
  const tr = msToS(n('TR'));
  return checkMrsData({
    data,
    points,
    spatial,
    dims: [],
    header: {
      spectrometerFrequency: mhz,
      dwellTime: dwellUs * 1e-6,
      nucleus: h.get('Nucleus') || '1H',
      ppmReference: SIEMENS_PPM_REFERENCE,
      echoTime: te,
      repetitionTime: tr,
    },
    extension: vendorExtension(file, {
      EchoTime: te,
      RepetitionTime: tr,
      InversionTime: msToS(n('TI')),
      MixingTime: msToS(n('TM')),
      ExcitationFlipAngle: n('FlipAngle'),
      Manufacturer: 'SIEMENS',
      ManufacturersModelName: h.get('ModelName'),
      SoftwareVersions: h.get('SoftwareVersion[0]'),
      InstitutionName: h.get('InstitutionName'),
      DeviceSerialNumber: h.get('DeviceSerialNumber'),
      SequenceName: h.get('SequenceName'),
      ProtocolName: h.get('ProtocolName'),
      PatientPosition: h.get('PatientPosition'),
      PatientName: h.get('PatientName'),
      PatientID: h.get('PatientID'),
      PatientSex: h.get('PatientSex'),
      PatientDoB: h.get('PatientBirthDate'),
      PatientWeight: n('PatientWeight') || undefined,
      TxCoil: h.get('TransmitCoil'),
      NumberOfAverages:
        n('NumberOfAverages') === undefined
          ? undefined
          : {
              Value: n('NumberOfAverages'),
              Description: 'Averages summed by the scanner (RDA NumberOfAverages).',
            },
    }),
    geometry,
    // The .rda header holds no water-suppression field (the protocol's sPrepPulses are not exported).
    source: {
      format: 'Siemens RDA',
      file,
      headerKeys: {
        nucleus: 'header:Nucleus',
        spectrometerFrequency: 'header:MRFrequency',
        sequence: sequenceKindOfAny(h.get('SequenceName')) ? 'header:SequenceName' : 'header:ProtocolName',
        echoTime: 'header:TE',
        repetitionTime: 'header:TR',
        mixingTime: 'header:TM',
      },
    },
  });
}
