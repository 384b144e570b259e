import { InputError } from '../../core/errors.js';
import { LIVERMRS_VERSION } from '../../core/version.js';

/** Helpers shared by the vendor readers: text decoding, `key: value` headers and the NIfTI-MRS metadata they fill. */

/** Bytes as ISO-8859-1 text (every byte is one character, so offsets stay byte offsets). */
export function latin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}

/** The file name without its directory (for OriginalFile). */
export function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** True if the name ends with one of the (lower-case) extensions. */
export function hasExtension(fileName: string, ...exts: string[]): boolean {
  const lower = fileName.toLowerCase();
  return exts.some((e) => lower.endsWith(e));
}

/** Standard NIfTI-MRS conversion keys plus the given ones; undefined values are left out. */
export function vendorExtension(file: string, keys: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(keys)) {
    if (v === undefined || v === '' || (typeof v === 'number' && !Number.isFinite(v))) continue;
    out[k] = v;
  }
  out.ConversionMethod = `livermrs ${LIVERMRS_VERSION}`;
  out.ConversionTime = new Date().toISOString().replace('Z', '');
  out.OriginalFile = [baseName(file)];
  return out;
}

/** A required positive number from a header, or an InputError naming the field. */
export function requirePositive(
  value: number | undefined,
  file: string,
  field: string,
  expected: string,
): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) {
    throw new InputError(`${field} is ${value === undefined ? 'missing' : value}`, { file, field, expected });
  }
  return value;
}

/** A required positive integer (e.g. a point count) with an upper bound that keeps allocations sane. */
export function requireCount(value: number | undefined, file: string, field: string, max = 1 << 24): number {
  if (value === undefined || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(`${field} is ${value === undefined ? 'missing' : value}`, {
      file,
      field,
      expected: `an integer between 1 and ${max}`,
    });
  }
  return value;
}

/** Number from text, or undefined when absent or not a number. */
export function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === '') return undefined;
  const x = Number(t);
  return Number.isFinite(x) ? x : undefined;
}

/** Seconds from milliseconds, keeping undefined (and dropping non-positive values, which scanners use for "unset"). */
export function msToS(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms / 1000 : undefined;
}

/** True if the bytes contain control characters that never occur in a text header (NUL..BS, SO..US). */
export function isBinary(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x09 || (b > 0x0d && b < 0x20)) return true;
  }
  return false;
}
