import { conjugateInPlace } from '../../core/complex.js';
import { InputError } from '../../core/errors.js';
import { checkMrsData, type MrsData } from '../../core/mrs-data.js';
import { latin1, num, requireCount, requirePositive, vendorExtension } from '../vendor/common.js';
import { DEFAULT_PPM_REFERENCE } from '../../core/fid.js';

/**
 * jMRUI text export: a `jMRUI Data Textfile` header of `Key: value` lines (PointsInDataset, DatasetsInFile,
 * SamplingInterval in ms, TransmitterFrequency in Hz, ...), then for each data set a line
 * `Signal k out of N in file` followed by PointsInDataset rows of `re im [fft re, fft im]`. jMRUI stores the
 * complex conjugate of the livermrs convention (checked against the LCModel .RAW copies of the ISMRM 2016
 * challenge data), so the reader conjugates. Several data sets become a DIM_DYN dimension.
 */
export const JMRUI_MAGIC = 'jMRUI Data Textfile';

export function isJmruiText(bytes: Uint8Array): boolean {
  return latin1(bytes.subarray(0, 64)).trimStart().startsWith(JMRUI_MAGIC);
}

export function readJmruiText(bytes: Uint8Array, file: string): MrsData {
  const text = latin1(bytes);
  if (!text.trimStart().startsWith(JMRUI_MAGIC)) {
    throw new InputError('not a jMRUI text file', { file, expected: `first line '${JMRUI_MAGIC}'` });
  }
  const lines = text.split(/\r?\n/);
  const h = new Map<string, string>();
  let i = 0;
  for (; i < lines.length && !/^\s*Signal\s+\d+\s+out of/i.test(lines[i]); i++) {
    const m = /^\s*([A-Za-z][A-Za-z0-9 ]*?)\s*:\s*(.*?)\s*$/.exec(lines[i]);
    if (m) h.set(m[1], m[2]);
  }
  const points = requireCount(num(h.get('PointsInDataset')), file, 'PointsInDataset');
  const sets = requireCount(num(h.get('DatasetsInFile')) ?? 1, file, 'DatasetsInFile', 1 << 16);
  const intervalMs = requirePositive(
    num(h.get('SamplingInterval')),
    file,
    'SamplingInterval',
    'a positive interval in ms',
  );
  const hz = requirePositive(
    num(h.get('TransmitterFrequency')),
    file,
    'TransmitterFrequency',
    'a positive frequency in Hz',
  );
  const data = new Float64Array(2 * points * sets);
  for (let s = 0; s < sets; s++) {
    if (i >= lines.length || !/^\s*Signal\s+\d+\s+out of/i.test(lines[i])) {
      throw new InputError(`data set ${s + 1} not found`, {
        file,
        field: `line ${i + 1}`,
        expected: `'Signal ${s + 1} out of ${sets} in file'`,
      });
    }
    i++;
    for (let p = 0; p < points; p++, i++) {
      const cols = (lines[i] ?? '').trim().split(/\s+/);
      const re = Number(cols[0]);
      const im = Number(cols[1]);
      if (cols.length < 2 || !Number.isFinite(re) || !Number.isFinite(im)) {
        throw new InputError(`'${(lines[i] ?? '<end of file>').slice(0, 40)}'`, {
          file,
          field: `line ${i + 1}`,
          expected: `two numbers (point ${p + 1} of ${points} in data set ${s + 1})`,
        });
      }
      data[2 * (points * s + p)] = re;
      data[2 * (points * s + p) + 1] = im;
    }
    while (i < lines.length && lines[i].trim() === '') i++;
  }
  if (i < lines.length && lines.slice(i).some((l) => /^\s*[-+]?\d/.test(l))) {
    throw new InputError('more data than the header announces', {
      file,
      field: `line ${i + 1}`,
      expected: `${sets} x ${points} points`,
    });
  }
  conjugateInPlace(data);
  return checkMrsData({
    data,
    points,
    spatial: [1, 1, 1],
    dims: sets > 1 ? [{ tag: 'DIM_DYN', size: sets }] : [],
    header: {
      spectrometerFrequency: hz / 1e6,
      dwellTime: intervalMs / 1000,
      nucleus: '1H',
      ppmReference: DEFAULT_PPM_REFERENCE,
    },
    extension: vendorExtension(file, {
      PatientName: h.get('NameOfPatient'),
      jMRUI: {
        MagneticField: num(h.get('MagneticField')),
        TypeOfNucleus: num(h.get('TypeOfNucleus')),
        Description: 'jMRUI text header values',
      },
    }),
    source: { format: 'jMRUI text', file },
  });
}
