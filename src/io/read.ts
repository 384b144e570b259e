import { InputError, LivermrsError } from '../core/errors.js';
import type { MrsData } from '../core/mrs-data.js';
import type { FormatId } from './format-ids.js';
import { isPfile, pfileCompanionNames, readPfile } from './ge/pfile.js';
import { isJmruiText, readJmruiText } from './jmrui/text.js';
import { isLcmRaw, readLcmRawMrs } from './lcmodel/raw-mrs.js';
import { decodeNiftiMrs, extensionFor, looksLikeNifti } from './nifti-mrs/nifti-mrs.js';
import { isSdatName, readPhilipsSdat, sdatCompanionNames } from './philips/sdat.js';
import { isDicom, readSiemensDicom } from './siemens/dicom-mrs.js';
import { isRda, readRda } from './siemens/rda.js';
import { isTextColumns, readTextColumns } from './text/columns.js';

/**
 * One entry point for every spectroscopy format livermrs reads: `readMrs(bytes, fileName)` detects the format
 * from the content (and the file name where the content is ambiguous), runs that format's reader and returns
 * an MrsData in the internal convention of core/fid.ts. Works on bytes so it also runs in the browser; the Node
 * layer (io/mrs-file.ts) reads files and finds companion files (e.g. the SPAR of an SDAT).
 */
export type { FormatId };

export interface ReadMrsOptions {
  /** Skip detection and use this reader. */
  format?: FormatId;
  /** Bytes of the companion file a format needs (Philips SPAR for an SDAT), by file name. */
  companions?: Record<string, Uint8Array>;
  /** Values a format may not store (LCModel .RAW has no dwell time): seconds, MHz, ppm. */
  dwellTime?: number;
  spectrometerFrequency?: number;
  echoTime?: number;
  /** Override the ppm reference the reader would record. */
  ppmReference?: number;
}

export interface FormatReader {
  id: FormatId;
  /** Human-readable name, as stored in MrsData.source.format. */
  name: string;
  /** File name patterns this format uses (for messages and documentation). */
  extensions: string[];
  /** True when the bytes (and name) are this format. Must never throw. */
  detect(bytes: Uint8Array, fileName: string): boolean;
  read(bytes: Uint8Array, fileName: string, options: ReadMrsOptions): MrsData;
  /** Names of companion files to look for next to `fileName` (the first that exists is passed in). */
  companionNames?(fileName: string): string[];
}

export const READERS: FormatReader[] = [
  {
    id: 'nifti-mrs',
    name: 'NIfTI-MRS',
    extensions: ['.nii', '.nii.gz'],
    detect: (bytes) => looksLikeNifti(bytes),
    read: (bytes, fileName) => decodeNiftiMrs(bytes, fileName),
  },
  {
    id: 'siemens-rda',
    name: 'Siemens RDA',
    extensions: ['.rda'],
    detect: (bytes) => isRda(bytes),
    read: (bytes, fileName) => readRda(bytes, fileName),
  },
  {
    id: 'siemens-dicom',
    name: 'Siemens DICOM',
    extensions: ['.ima', '.dcm'],
    detect: (bytes, fileName) => isDicom(bytes, fileName),
    read: (bytes, fileName) => readSiemensDicom(bytes, fileName),
  },
  {
    id: 'philips-sdat',
    name: 'Philips SDAT/SPAR',
    extensions: ['.sdat + .spar'],
    detect: (_bytes, fileName) => isSdatName(fileName),
    read: (bytes, fileName, o) => readPhilipsSdat(bytes, fileName, o.companions),
    companionNames: sdatCompanionNames,
  },
  {
    id: 'ge-pfile',
    name: 'GE P-file',
    extensions: ['.7 (+ optional .7.shf)'],
    detect: (bytes, fileName) => isPfile(bytes, fileName),
    read: (bytes, fileName, o) => readPfile(bytes, fileName, o.companions),
    companionNames: pfileCompanionNames,
  },
  {
    id: 'jmrui-text',
    name: 'jMRUI text',
    extensions: ['.txt'],
    detect: (bytes) => isJmruiText(bytes),
    read: (bytes, fileName) => readJmruiText(bytes, fileName),
  },
  {
    id: 'lcmodel-raw',
    name: 'LCModel .RAW',
    extensions: ['.RAW', '.H2O'],
    detect: (bytes) => isLcmRaw(bytes),
    read: (bytes, fileName, o) => readLcmRawMrs(bytes, fileName, o),
  },
  {
    id: 'text-columns',
    name: 'text columns',
    extensions: ['.txt (re im [re_water im_water] per line)'],
    detect: (bytes, fileName) => isTextColumns(bytes, fileName),
    read: (bytes, fileName, o) => readTextColumns(bytes, fileName, o),
  },
];

export function readerFor(id: FormatId): FormatReader {
  const r = READERS.find((x) => x.id === id);
  if (!r) throw new RangeError(`no reader '${id}'`);
  return r;
}

/** The reader whose detector accepts the bytes, or undefined. */
export function detectFormat(bytes: Uint8Array, fileName: string): FormatReader | undefined {
  return READERS.find((r) => {
    try {
      return r.detect(bytes, fileName);
    } catch {
      return false;
    }
  });
}

/**
 * Reads any supported MRS file. Throws InputError naming the file for empty, unknown, truncated or corrupt
 * input; the last line of defence turns any unexpected exception inside a reader into an InputError too.
 */
export function readMrs(bytes: Uint8Array, fileName: string, options: ReadMrsOptions = {}): MrsData {
  if (bytes.length === 0)
    throw new InputError('file is empty', { file: fileName, expected: 'an MRS data file' });
  const reader = options.format ? readerFor(options.format) : detectFormat(bytes, fileName);
  if (!reader) {
    throw new InputError('unknown file format', {
      file: fileName,
      expected: `one of: ${READERS.map((r) => `${r.name} (${r.extensions.join(', ')})`).join('; ')}`,
    });
  }
  let mrs: MrsData;
  try {
    mrs = reader.read(bytes, fileName, options);
  } catch (err) {
    if (err instanceof LivermrsError) throw err;
    throw new InputError(
      `unreadable ${reader.name} file (${(err as Error)?.message ?? String(err)})`,
      { file: fileName },
      { cause: err },
    );
  }
  // Every reader's result carries a complete NIfTI-MRS extension (required keys, dimension tags, ppm reference).
  for (const m of mrs.reference ? [mrs, mrs.reference] : [mrs]) {
    if (options.ppmReference !== undefined) m.header.ppmReference = options.ppmReference;
    m.extension = extensionFor(m);
  }
  return mrs;
}
