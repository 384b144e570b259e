import { inflateSync } from 'fflate';
import { InputError } from '../../core/errors.js';

/**
 * gzip decompression that verifies what fflate's gunzipSync does not: the member header (RFC 1952), the
 * CRC-32 and the length in the trailer. A corrupted .nii.gz is therefore always reported instead of yielding
 * silently altered samples, and the trailer's length is checked against a size cap before any allocation.
 */
const MAX_OUTPUT = 2 ** 31;

export function gunzipChecked(bytes: Uint8Array, file: string): Uint8Array {
  const fail = (problem: string): never => {
    throw new InputError(problem, { file, field: 'gzip', expected: 'a complete, uncorrupted gzip stream' });
  };
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) fail('not a gzip stream');
  if (bytes[2] !== 8) fail(`compression method ${bytes[2]}`);
  const flags = bytes[3];
  let pos = 10;
  if (flags & 4) pos += 2 + (bytes[pos] | (bytes[pos + 1] << 8));
  if (flags & 8) while (pos < bytes.length && bytes[pos++] !== 0);
  if (flags & 16) while (pos < bytes.length && bytes[pos++] !== 0);
  if (flags & 2) pos += 2;
  if (pos >= bytes.length - 8) fail('gzip header runs past the data');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crc = v.getUint32(bytes.length - 8, true);
  const size = v.getUint32(bytes.length - 4, true);
  if (size > MAX_OUTPUT) fail(`declared size ${size} bytes`);
  let out: Uint8Array;
  try {
    out = inflateSync(bytes.subarray(pos, bytes.length - 8));
  } catch (err) {
    return fail(`cannot decompress (${(err as Error).message})`);
  }
  if (out.length % 2 ** 32 !== size)
    fail(`decompressed ${out.length} bytes, the trailer says ${size} (truncated or corrupted)`);
  if (crc32(out) !== crc) fail('CRC-32 mismatch (corrupted)');
  return out;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as gzip uses it. */
export function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
