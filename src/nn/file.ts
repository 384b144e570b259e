import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { StateTensor } from './native.js';
import { product } from './shapes.js';
import { type NetworkSpec, parseWith } from './spec.js';

/**
 * The network file (`.lmnn`): one file holding the spec, the weights and free-form metadata (e.g. the
 * preprocessing a model expects: ppm window, normalisation, component names). Pure bytes in and out, so it also
 * reads in the browser. Layout:
 *
 *   bytes 0–7   magic "LMRSNN01"
 *   bytes 8–11  header length H (uint32, little-endian)
 *   12 … 12+H   header, UTF-8 JSON: { format, version, spec, metadata, tensors: [{ name, shape, offset }] }
 *   zero padding to a multiple of 8, then the tensors as little-endian float32, each at `offset` bytes from here
 */
export interface NetworkFile {
  spec: NetworkSpec;
  metadata: Record<string, unknown>;
  state: StateTensor[];
}

const MAGIC = 'LMRSNN01';
const FORMAT = 'livermrs-network';
const VERSION = 1;

const headerSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  spec: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.int().min(0)), offset: z.int().min(0) })),
});

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new InputError('network files need a little-endian machine');
  }
}

/** Serialises a network file. */
export function encodeNetworkFile(file: NetworkFile): Uint8Array {
  assertLittleEndian();
  let offset = 0;
  const tensors = file.state.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset };
    offset += t.data.length * 4;
    return entry;
  });
  const header = new TextEncoder().encode(
    JSON.stringify({ format: FORMAT, version: VERSION, spec: file.spec, metadata: file.metadata, tensors }),
  );
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  file.state.forEach((t, i) => {
    out.set(
      new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      dataStart + tensors[i].offset,
    );
  });
  return out;
}

/** Parses a network file; `source` names it in errors. The spec is returned unvalidated (resolveNetwork checks it). */
export function decodeNetworkFile(bytes: Uint8Array, source = 'network file'): NetworkFile {
  assertLittleEndian();
  const bad = (problem: string, field?: string) => new InputError(problem, { file: source, field });
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw bad(`not a livermrs network file (expected it to start with '${MAGIC}')`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.length) throw bad('truncated header', 'header');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw bad('header is not valid JSON', 'header');
  }
  const header = parseWith(headerSchema, json, source, 'header.');
  const dataStart = Math.ceil((12 + headerLength) / 8) * 8;
  const state = header.tensors.map((t) => {
    const start = dataStart + t.offset;
    const end = start + product(t.shape) * 4;
    if (end > bytes.length)
      throw bad(`tensor '${t.name}' runs past the end of the file (truncated?)`, 'tensors');
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(start, end));
    return { name: t.name, shape: t.shape, data: new Float32Array(copy.buffer) };
  });
  return { spec: header.spec as NetworkSpec, metadata: header.metadata, state };
}
