import { conjugateInPlace } from '../../core/complex.js';
import { InputError } from '../../core/errors.js';
import { checkMrsData, defaultPpmReference, type MrsData, type MrsDim } from '../../core/mrs-data.js';
import { geometryFromSizes } from '../geometry.js';
import {
  baseName,
  hasExtension,
  isBinary,
  latin1,
  msToS,
  num,
  requireCount,
  requirePositive,
  vendorExtension,
} from '../vendor/common.js';

/**
 * Philips SDAT/SPAR: the .SPAR is a text header (`key : value`, `!` comments), the .SDAT holds `samples x rows`
 * complex numbers as VAX F-floats (4 bytes each, real then imaginary). Philips stores the complex conjugate of the
 * livermrs convention, so the reader conjugates. Keys used: samples, rows, synthesizer_frequency (Hz),
 * sample_frequency (Hz), echo_time and repetition_time (ms), nucleus, averages, the voxel sizes lr/ap/cc_size.
 * Older SPARs (e.g. release 2004) lack keys such as spectrum_inversion_time: only the keys above are required.
 */
export function isSdatName(fileName: string): boolean {
  return hasExtension(fileName, '.sdat', '.spar');
}

/** Companion names to look for: the .SPAR of an .SDAT (and the other way round). */
export function sdatCompanionNames(fileName: string): string[] {
  const base = baseName(fileName);
  const stem = base.replace(/\.(sdat|spar)$/i, '');
  return hasExtension(base, '.spar') ? [`${stem}.SDAT`, `${stem}.sdat`] : [`${stem}.SPAR`, `${stem}.spar`];
}

export function parseSpar(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trimStart().startsWith('!')) continue;
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out.set(
      line.slice(0, i).trim().toLowerCase(),
      line
        .slice(i + 1)
        .trim()
        .replace(/^"|"$/g, ''),
    );
  }
  return out;
}

/**
 * Reads a Philips pair. `bytes`/`fileName` may be either file of the pair; the other one must be among
 * `companions` (file name -> bytes), as the Node layer supplies it.
 */
export function readPhilipsSdat(
  bytes: Uint8Array,
  fileName: string,
  companions: Record<string, Uint8Array> = {},
): MrsData {
  const isSpar = hasExtension(fileName, '.spar');
  const wanted = sdatCompanionNames(fileName).map((n) => n.toLowerCase());
  const companion = Object.entries(companions).find(([name]) =>
    wanted.includes(baseName(name).toLowerCase()),
  );
  if (!companion) {
    throw new InputError(`no ${isSpar ? '.SDAT data' : '.SPAR header'} file next to it`, {
      file: fileName,
      field: 'companion file',
      expected: sdatCompanionNames(fileName)[0],
    });
  }
  const [sparBytes, sdatBytes] = isSpar ? [bytes, companion[1]] : [companion[1], bytes];
  const sdatFile = isSpar ? companion[0] : fileName;
  const sparFile = isSpar ? fileName : companion[0];
  const text = latin1(sparBytes);
  if (isBinary(sparBytes)) {
    throw new InputError('SPAR header is not text', {
      file: sparFile,
      expected: 'a Philips .SPAR text header',
    });
  }
  const h = parseSpar(text);
  const n = (k: string) => num(h.get(k));
  const points = requireCount(n('samples') ?? n('spec_num_col'), sparFile, 'samples');
  const rows = requireCount(n('rows') ?? n('spec_num_row') ?? 1, sparFile, 'rows', 1 << 16);
  const hz = requirePositive(
    n('synthesizer_frequency'),
    sparFile,
    'synthesizer_frequency',
    'a positive frequency in Hz',
  );
  const sw = requirePositive(
    n('sample_frequency'),
    sparFile,
    'sample_frequency',
    'a positive sampling frequency in Hz',
  );
  const needed = 8 * points * rows;
  if (sdatBytes.length !== needed) {
    throw new InputError(`${sdatBytes.length} bytes`, {
      file: sdatFile,
      field: 'data',
      expected: `${needed} (${points} samples x ${rows} rows x 8 bytes, from ${baseName(sparFile)})`,
    });
  }
  const data = new Float64Array(2 * points * rows);
  const v = new DataView(sdatBytes.buffer, sdatBytes.byteOffset, sdatBytes.byteLength);
  for (let i = 0; i < data.length; i++)
    data[i] = vaxFloat(v.getUint16(4 * i, true), v.getUint16(4 * i + 2, true));
  conjugateInPlace(data);
  const nucleus = h.get('nucleus') || '1H';
  const te = msToS(n('echo_time') ?? n('spectrum_echo_time'));
  const tr = msToS(n('repetition_time'));
  const dims: MrsDim[] = rows > 1 ? [{ tag: 'DIM_DYN', size: rows }] : [];
  return checkMrsData({
    data,
    points,
    spatial: [1, 1, 1],
    dims,
    header: {
      spectrometerFrequency: hz / 1e6,
      dwellTime: 1 / sw,
      nucleus,
      ppmReference: defaultPpmReference(nucleus),
      echoTime: te,
      repetitionTime: tr,
    },
    extension: vendorExtension(sdatFile, {
      EchoTime: te,
      RepetitionTime: tr,
      InversionTime: msToS(n('spectrum_inversion_time')),
      Manufacturer: 'Philips',
      SoftwareVersions: h.get('equipment_sw_verions'),
      ProtocolName: h.get('scan_id'),
      PatientName: h.get('patient_name'),
      PatientDoB: h.get('patient_birth_date')?.replace(/\./g, ''),
      NumberOfAverages:
        n('averages') === undefined
          ? undefined
          : { Value: n('averages'), Description: 'Averages (SPAR averages).' },
    }),
    geometry: geometryFromSizes([n('lr_size') ?? 0, n('ap_size') ?? 0, n('cc_size') ?? 0]),
    // The SPAR holds no water-suppression field: the spectrum decides (fit/water-fat/detect.ts).
    source: {
      format: 'Philips SDAT/SPAR',
      file: sdatFile,
      headerKeys: {
        nucleus: 'header:nucleus',
        spectrometerFrequency: 'header:synthesizer_frequency',
        sequence: 'header:scan_id',
        echoTime: n('echo_time') !== undefined ? 'header:echo_time' : 'header:spectrum_echo_time',
        repetitionTime: 'header:repetition_time',
      },
    },
  });
}

/**
 * VAX F_floating (DEC): word 0 holds the sign (bit 15), an excess-128 exponent (bits 14-7) and the top 7 fraction
 * bits; word 1 the low 16 fraction bits. Value = (-1)^s * 0.1f(binary) * 2^(e-128), zero when e = 0.
 */
export function vaxFloat(word0: number, word1: number): number {
  const e = (word0 >> 7) & 0xff;
  if (e === 0) return 0; // zero (and the reserved operand, which we also read as 0)
  const sign = word0 & 0x8000 ? -1 : 1;
  const fraction = ((word0 & 0x7f) * 65536 + word1) / 16777216; // 23 bits after the hidden leading 1
  return sign * (0.5 + fraction) * 2 ** (e - 128);
}
