import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import type { MrsData } from '../core/mrs-data.js';
import { writeFileAtomic } from './atomic.js';
import { type EncodeNiftiMrsOptions, encodeNiftiMrs } from './nifti-mrs/nifti-mrs.js';
import { detectFormat, type ReadMrsOptions, readerFor, readMrs } from './read.js';

/**
 * The Node layer over io/read.ts: reads a file (and the companion file its format needs, looked up next to it
 * with case-insensitive matching, e.g. the .SPAR of a Philips .SDAT), and writes NIfTI-MRS atomically.
 */
export function readMrsFile(path: string, options: ReadMrsOptions = {}): MrsData {
  return readMrsInput(path, options);
}

/**
 * A spectrum to read: a file path, or its bytes and name (the browser, a library user with data in memory) with
 * the companion files its format needs by name (the .SPAR of a Philips .SDAT).
 */
export type MrsInput = string | { bytes: Uint8Array; name: string; companions?: Record<string, Uint8Array> };

/** The name an input is known by in messages and results: the path, or the given name. */
export function inputName(input: MrsInput): string {
  return typeof input === 'string' ? input : input.name;
}

/**
 * Reads a path or bytes once and detects the format once. Companion files are looked up next to a path (bytes
 * bring theirs). A .RAW/.H2O file whose header the LCModel detector does not see is read
 * by the LCModel .RAW reader all the same, which then says what is wrong with it.
 */
export function readMrsInput(input: MrsInput, options: ReadMrsOptions = {}): MrsData {
  const path = inputName(input);
  const bytes = typeof input === 'string' ? readBytes(input) : input.bytes;
  const reader =
    (options.format ? readerFor(options.format) : detectFormat(bytes, path)) ??
    (/\.(raw|h2o)$/i.test(path) ? readerFor('lcmodel-raw') : undefined);
  const companions: Record<string, Uint8Array> = {
    ...options.companions,
    ...(typeof input === 'string' ? {} : input.companions),
  };
  if (typeof input === 'string') {
    for (const name of reader?.companionNames?.(basename(path)) ?? []) {
      const found = findCaseInsensitive(dirname(path), name);
      if (found && !(basename(found) in companions)) companions[basename(found)] = readBytes(found);
    }
  }
  return readMrs(bytes, path, { ...options, ...(reader ? { format: reader.id } : {}), companions });
}

export function readBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot read (${(err as Error).message})`;
    throw new InputError(why, { file: path }, { cause: err });
  }
}

function findCaseInsensitive(dir: string, name: string): string | undefined {
  const exact = join(dir, name);
  if (existsSync(exact)) return exact;
  try {
    const hit = readdirSync(dir).find((f) => f.toLowerCase() === name.toLowerCase());
    return hit ? join(dir, hit) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes NIfTI-MRS; `.nii.gz` is gzipped, `.nii` is not. Atomic: the file appears complete or not at all. */
export function writeMrsFile(
  path: string,
  mrs: MrsData,
  options: Omit<EncodeNiftiMrsOptions, 'gzip'> = {},
): void {
  const lower = path.toLowerCase();
  if (!lower.endsWith('.nii') && !lower.endsWith('.nii.gz')) {
    throw new UsageError(`${path}: a NIfTI-MRS output name must end in .nii or .nii.gz`);
  }
  writeFileAtomic(path, encodeNiftiMrs(mrs, { ...options, gzip: lower.endsWith('.gz') }));
}
