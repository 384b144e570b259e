import { InputError } from '../../core/errors.js';
import { checkMrsData, defaultPpmReference, type MrsData } from '../../core/mrs-data.js';
import { hasExtension, latin1, requirePositive, vendorExtension } from '../vendor/common.js';

/**
 * Plain text columns: one complex point per line, `re im` (2 columns) or `re im re_ref im_ref` (4 columns, the
 * ISMRM 2016 challenge layout with the water reference in columns 3-4, returned as `reference`). The values are
 * taken to be in the livermrs convention (as the challenge's text files are, which match its LCModel .RAW
 * files). Such files carry no header: the dwell time and spectrometer frequency must be given.
 */
const NUMBER_LINE =
  /^\s*[-+]?(\d+\.?\d*|\.\d+)([eEdD][-+]?\d+)?(\s+[-+]?(\d+\.?\d*|\.\d+)([eEdD][-+]?\d+)?){1,3}\s*$/;

export function isTextColumns(bytes: Uint8Array, fileName: string): boolean {
  if (!hasExtension(fileName, '.txt', '.asc', '.dat', '.csv') && !hasExtension(fileName, '.text'))
    return false;
  const lines = latin1(bytes.subarray(0, 4096))
    .split(/\r?\n/)
    .slice(0, 8)
    .filter((l) => l.trim() !== '');
  return lines.length > 0 && lines.slice(0, -1).every((l) => NUMBER_LINE.test(l.replace(/,/g, ' ')));
}

export interface TextColumnsHeader {
  dwellTime?: number;
  spectrometerFrequency?: number;
  ppmReference?: number;
  echoTime?: number;
}

export function readTextColumns(bytes: Uint8Array, file: string, h: TextColumnsHeader): MrsData {
  const rows = latin1(bytes)
    .split(/\r?\n/)
    .map((l, i) => ({ l: l.replace(/,/g, ' ').trim(), i }))
    .filter((r) => r.l !== '');
  if (rows.length < 2)
    throw new InputError(`${rows.length} data lines`, { file, expected: 'at least 2 lines of numbers' });
  const width = rows[0].l.split(/\s+/).length;
  if (width !== 2 && width !== 4) {
    throw new InputError(`${width} columns`, {
      file,
      field: 'line 1',
      expected: '2 (re im) or 4 (re im re_water im_water) columns',
    });
  }
  const points = rows.length;
  const main = new Float64Array(2 * points);
  const ref = width === 4 ? new Float64Array(2 * points) : undefined;
  rows.forEach((r, p) => {
    const v = r.l.split(/\s+/).map((s) => Number(s.replace(/[dD]/, 'E')));
    if (v.length !== width || v.some((x) => !Number.isFinite(x))) {
      throw new InputError(`'${r.l.slice(0, 40)}'`, {
        file,
        field: `line ${r.i + 1}`,
        expected: `${width} numbers`,
      });
    }
    main[2 * p] = v[0];
    main[2 * p + 1] = v[1];
    if (ref) {
      ref[2 * p] = v[2];
      ref[2 * p + 1] = v[3];
    }
  });
  const dwell = requirePositive(
    h.dwellTime,
    file,
    'dwell time',
    'a dwell time from the caller (text columns carry no header; use --dwell or --sw)',
  );
  const mhz = requirePositive(
    h.spectrometerFrequency,
    file,
    'spectrometer frequency',
    'a frequency from the caller (text columns carry no header; use --frequency)',
  );
  const make = (data: Float64Array): MrsData =>
    checkMrsData({
      data,
      points,
      spatial: [1, 1, 1],
      dims: [],
      header: {
        spectrometerFrequency: mhz,
        dwellTime: dwell,
        nucleus: '1H',
        ppmReference: h.ppmReference ?? defaultPpmReference('1H'),
        echoTime: h.echoTime,
      },
      extension: vendorExtension(file, { EchoTime: h.echoTime }),
      source: { format: 'text columns', file },
    });
  const out = make(main);
  if (ref) out.reference = make(ref);
  return out;
}
