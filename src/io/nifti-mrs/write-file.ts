import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { LivermrsError } from '../../core/errors.js';
import { checkFiniteSamples, checkMrsData, type MrsData, voxelCount } from '../../core/mrs-data.js';
import { encodeNiftiMrsHead } from './nifti-mrs.js';

/**
 * Writes a large single-voxel NIfTI-MRS file whose samples are already single precision (complex64 on disk),
 * such as the spectra of `livermrs simulate`, without blocking the event loop: the bytes are those of
 * encodeNiftiMrs(…, { dataType: 'complex64' }) (the header comes from the same code and the samples are the
 * float32 values themselves, with no float64 round trip), and the gzip runs in Node's zlib on libuv's thread
 * pool, streamed to the file, so the calling thread can meanwhile do other work. The .nii.gz is one gzip
 * member, as io/nifti-mrs/gzip.ts and other readers expect.
 */
export type MrsData32 = Omit<MrsData, 'data' | 'reference'> & {
  /** Interleaved complex samples, FID after FID (the MrsData layout, which is the NIfTI order for one voxel). */
  data: Float32Array;
};

/**
 * zlib settings of the .nii.gz files written here, chosen by measurement: level 0, stored deflate blocks (a
 * valid single-member gzip that every NIfTI reader opens, for about the cost of its CRC-32). Simulated spectra
 * are float32 noise plus signal, which deflate cannot shrink: on the 20,000 spectra of `livermrs simulate
 * --cohort hbv-lc --n 20000` (164 MB; 2-core machine, zlib on one thread) every level from 1 to 9 saves 5.8%,
 * for 3.4 s (level 1), 4.5-5.5 s (level 6, the previous fflate setting) or 1.1-1.3 s (Huffman-only coding, the
 * cheapest setting that compresses), against 0.3-0.5 s stored: with any of them the command would spend about
 * as long compressing as simulating. Callers that want the 5.8% pass `zlib: { level: 1, strategy: 2 }`
 * (Z_HUFFMAN_ONLY).
 */
export const NIFTI_GZIP: Readonly<{ level: number; strategy?: number }> = { level: 0 };

/** Bytes per piece handed to zlib and per piece of its output (zlib's default, 16 KB, means 10^4 round trips). */
const PIECE = 4 << 20;

export interface WriteNiftiMrsFileOptions {
  /** gzip the file (.nii.gz); otherwise plain .nii. */
  gzip: boolean;
  /** zlib options of the gzip (default NIFTI_GZIP). */
  zlib?: { level?: number; strategy?: number };
  /**
   * For samples still being made (livermrs simulate writes while it simulates): resolves once the first `fids`
   * FIDs are final. Each piece is written when its FIDs are.
   */
  ready?: (fids: number) => Promise<void>;
}

export async function writeNiftiMrsFile(
  path: string,
  mrs: MrsData32,
  options: WriteNiftiMrsFileOptions,
): Promise<void> {
  checkMrsData(mrs, { finite: false });
  if (voxelCount(mrs) !== 1)
    throw new LivermrsError(`writeNiftiMrsFile: ${mrs.spatial.join('x')} voxels (it writes one voxel)`);
  const head = encodeNiftiMrsHead(mrs, 'complex64');
  const floats = mrs.data.length;
  const fidFloats = 2 * mrs.points;
  // Streamed: zlib works on each piece on libuv's thread pool while the file stream writes the previous
  // output; this thread only passes buffers along (the samples are not copied), checking each piece's samples.
  async function* pieces(): AsyncGenerator<Uint8Array> {
    yield head;
    for (let o = 0; o < floats; o += PIECE / 4) {
      const end = Math.min(floats, o + PIECE / 4);
      await options.ready?.(Math.ceil(end / fidFloats));
      const piece = mrs.data.subarray(o, end);
      checkFiniteSamples(mrs, piece, o / 2);
      yield littleEndianBytes(piece);
    }
  }
  const source = Readable.from(pieces(), { objectMode: false });
  const file = createWriteStream(path);
  try {
    if (options.gzip)
      await pipeline(source, createGzip({ ...NIFTI_GZIP, ...options.zlib, chunkSize: PIECE }), file);
    else await pipeline(source, file);
  } catch (err) {
    // Nothing half-written stays behind: wait until the stream has closed its file (it may still be opening it
    // when the samples fail), then remove it.
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
    await rm(path, { force: true });
    throw new LivermrsError(`${path}: cannot write (${(err as Error).message})`, { cause: err });
  }
}

/** The float32 samples as little-endian bytes (a view of the same memory on little-endian machines). */
function littleEndianBytes(x: Float32Array): Uint8Array {
  if (endianness() === 'LE') return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const out = new Uint8Array(x.byteLength);
  const v = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) v.setFloat32(4 * i, x[i], true);
  return out;
}
