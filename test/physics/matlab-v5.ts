import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/**
 * A minimal reader of MATLAB level-5 MAT-files (little-endian), enough for the spin-system tables in
 * test/extdata/spin_systems: compressed variables holding numeric arrays, character arrays, cell arrays and
 * struct arrays (MATLAB "MAT-File Format", The MathWorks, level 5: 128-byte header, then tagged data elements,
 * miCOMPRESSED = zlib-wrapped miMATRIX). Values come back as MatValue; numeric arrays as column-major numbers.
 */
export type MatValue =
  | { kind: 'numeric'; dims: number[]; data: number[] }
  | { kind: 'char'; dims: number[]; text: string }
  | { kind: 'cell'; dims: number[]; items: MatValue[] }
  | { kind: 'struct'; dims: number[]; fields: string[]; items: Record<string, MatValue>[] };

const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
};
const CLASS = { CELL: 1, STRUCT: 2, CHAR: 4 };

interface Element {
  type: number;
  bytes: Buffer;
  next: number;
}

function element(buf: Buffer, at: number): Element {
  const first = buf.readUInt32LE(at);
  if (first >>> 16 !== 0) {
    // Small data element: size in the upper 16 bits, data in the next 4 bytes.
    const size = first >>> 16;
    return { type: first & 0xffff, bytes: buf.subarray(at + 4, at + 4 + size), next: at + 8 };
  }
  const size = buf.readUInt32LE(at + 4);
  const start = at + 8;
  // Compressed elements are not padded to 8 bytes; every other element is.
  const next = first === MI.COMPRESSED ? start + size : start + Math.ceil(size / 8) * 8;
  return { type: first, bytes: buf.subarray(start, start + size), next };
}

function numbers(e: Element): number[] {
  const b = e.bytes;
  const read: Record<number, [number, (o: number) => number]> = {
    [MI.INT8]: [1, (o) => b.readInt8(o)],
    [MI.UINT8]: [1, (o) => b.readUInt8(o)],
    [MI.INT16]: [2, (o) => b.readInt16LE(o)],
    [MI.UINT16]: [2, (o) => b.readUInt16LE(o)],
    [MI.INT32]: [4, (o) => b.readInt32LE(o)],
    [MI.UINT32]: [4, (o) => b.readUInt32LE(o)],
    [MI.SINGLE]: [4, (o) => b.readFloatLE(o)],
    [MI.DOUBLE]: [8, (o) => b.readDoubleLE(o)],
    [MI.INT64]: [8, (o) => Number(b.readBigInt64LE(o))],
    [MI.UINT64]: [8, (o) => Number(b.readBigUInt64LE(o))],
    [MI.UTF8]: [1, (o) => b.readUInt8(o)],
  };
  const r = read[e.type];
  if (!r) throw new Error(`MAT-file: data type ${e.type} is not supported here`);
  return Array.from({ length: b.length / r[0] }, (_, i) => r[1](i * r[0]));
}

function matrix(buf: Buffer): MatValue {
  if (buf.length === 0) return { kind: 'numeric', dims: [0, 0], data: [] };
  const flags = element(buf, 0);
  const cls = flags.bytes.readUInt32LE(0) & 0xff;
  const dimsEl = element(buf, flags.next);
  const dims = numbers(dimsEl);
  const nameEl = element(buf, dimsEl.next);
  let at = nameEl.next;
  const count = dims.reduce((a, b) => a * b, 1);
  if (cls === CLASS.STRUCT) {
    const lenEl = element(buf, at);
    const len = numbers(lenEl)[0];
    const namesEl = element(buf, lenEl.next);
    const fields: string[] = [];
    for (let i = 0; i < namesEl.bytes.length / len; i++) {
      fields.push(
        namesEl.bytes
          .subarray(i * len, (i + 1) * len)
          .toString('latin1')
          .replace(/\0.*$/s, ''),
      );
    }
    at = namesEl.next;
    const items: Record<string, MatValue>[] = [];
    for (let k = 0; k < count; k++) {
      const item: Record<string, MatValue> = {};
      for (const f of fields) {
        const e = element(buf, at);
        item[f] = matrix(e.bytes);
        at = e.next;
      }
      items.push(item);
    }
    return { kind: 'struct', dims, fields, items };
  }
  if (cls === CLASS.CELL) {
    const items: MatValue[] = [];
    for (let k = 0; k < count; k++) {
      const e = element(buf, at);
      items.push(matrix(e.bytes));
      at = e.next;
    }
    return { kind: 'cell', dims, items };
  }
  const data = numbers(element(buf, at));
  if (cls === CLASS.CHAR) return { kind: 'char', dims, text: String.fromCharCode(...data) };
  return { kind: 'numeric', dims, data };
}

/** The variables of a MAT-file by name. */
export function readMat(path: string): Map<string, MatValue> {
  const file = readFileSync(path);
  if (file.subarray(126, 128).toString('latin1') !== 'IM')
    throw new Error(`${path}: not a little-endian level-5 MAT-file`);
  const out = new Map<string, MatValue>();
  let at = 128;
  while (at + 8 <= file.length) {
    let e = element(file, at);
    at = e.next;
    if (e.type === MI.COMPRESSED) e = element(inflateSync(e.bytes), 0);
    if (e.type !== MI.MATRIX) continue;
    const flags = element(e.bytes, 0);
    const dimsEl = element(e.bytes, flags.next);
    const name = element(e.bytes, dimsEl.next).bytes.toString('latin1');
    out.set(name, matrix(e.bytes));
  }
  return out;
}
