import { inflateSync } from 'fflate';
import { InputError } from '../../core/errors.js';

/**
 * A small DICOM (PS3.5) parser: enough of the encoding to read MR spectroscopy objects, classic Siemens IMA
 * (with CSA headers) and enhanced MR Spectroscopy Storage. It handles the Part 10 preamble (or its absence),
 * explicit and implicit VR little endian, explicit VR big endian, deflated little endian (inflated with fflate),
 * defined and undefined lengths, nested sequences and encapsulated pixel data. Values are decoded lazily.
 * Written here rather than taken from npm: the maintained JavaScript DICOM parsers are image-centred (pixel
 * codecs, large dependency trees) and none validates lengths strictly enough for our fuzz tests.
 */
export interface DicomElement {
  tag: number;
  vr: string;
  /** Byte offset of the value in `DicomDataSet.bytes`. */
  offset: number;
  length: number;
  /** Items of a sequence (SQ) or fragments of encapsulated data. */
  items?: DicomDataSet[];
}

export interface DicomDataSet {
  bytes: Uint8Array;
  littleEndian: boolean;
  elements: Map<number, DicomElement>;
}

export interface DicomFile {
  meta: DicomDataSet;
  dataset: DicomDataSet;
  transferSyntax: string;
}

export const tagOf = (group: number, element: number): number => group * 0x10000 + element;
export function tagString(tag: number): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  return `(${h(Math.floor(tag / 0x10000))},${h(tag & 0xffff)})`;
}

const ITEM = tagOf(0xfffe, 0xe000);
const ITEM_END = tagOf(0xfffe, 0xe00d);
const SEQ_END = tagOf(0xfffe, 0xe0dd);
const UNDEFINED = 0xffffffff;
const PIXEL_DATA = tagOf(0x7fe0, 0x0010);
/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR encodings. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const MAX_DEPTH = 16;

/** Implicit-VR dictionary: only the tags the spectroscopy readers use (everything else is read as UN). */
const IMPLICIT_VR = new Map<number, string>([
  [tagOf(0x0008, 0x0016), 'UI'],
  [tagOf(0x0008, 0x0060), 'CS'],
  [tagOf(0x0008, 0x0070), 'LO'],
  [tagOf(0x0008, 0x0080), 'LO'],
  [tagOf(0x0008, 0x1090), 'LO'],
  [tagOf(0x0010, 0x0010), 'PN'],
  [tagOf(0x0018, 0x0020), 'CS'],
  [tagOf(0x0018, 0x0024), 'SH'],
  [tagOf(0x0018, 0x0080), 'DS'],
  [tagOf(0x0018, 0x0081), 'DS'],
  [tagOf(0x0018, 0x0084), 'DS'],
  [tagOf(0x0018, 0x0085), 'SH'],
  [tagOf(0x0018, 0x1020), 'LO'],
  [tagOf(0x0018, 0x1030), 'LO'],
  [tagOf(0x0018, 0x1314), 'DS'],
  [tagOf(0x0018, 0x5100), 'CS'],
  [tagOf(0x0028, 0x0010), 'US'],
  [tagOf(0x0028, 0x0011), 'US'],
  [tagOf(0x0029, 0x0010), 'LO'],
  [tagOf(0x0029, 0x0011), 'LO'],
  [tagOf(0x0029, 0x0012), 'LO'],
  [tagOf(0x0029, 0x1010), 'OB'],
  [tagOf(0x0029, 0x1020), 'OB'],
  [tagOf(0x0029, 0x1110), 'OB'],
  [tagOf(0x0029, 0x1120), 'OB'],
  [tagOf(0x0029, 0x1210), 'OB'],
  [tagOf(0x0029, 0x1220), 'OB'],
  [tagOf(0x7fe1, 0x0010), 'LO'],
  [tagOf(0x7fe1, 0x1010), 'OB'],
  // MR Spectroscopy Storage (PS3.3 C.8.14) values and the sequences that hold them
  [tagOf(0x0018, 0x9005), 'SH'],
  [tagOf(0x0018, 0x9052), 'FD'],
  [tagOf(0x0018, 0x9053), 'FD'],
  [tagOf(0x0018, 0x9082), 'FD'],
  [tagOf(0x0018, 0x9098), 'FD'],
  [tagOf(0x0018, 0x9100), 'CS'],
  [tagOf(0x0018, 0x9104), 'FD'],
  [tagOf(0x0018, 0x9105), 'FD'],
  [tagOf(0x0018, 0x9106), 'FD'],
  [tagOf(0x0018, 0x9112), 'SQ'],
  [tagOf(0x0018, 0x9114), 'SQ'],
  [tagOf(0x0018, 0x9126), 'SQ'],
  [tagOf(0x0020, 0x0037), 'DS'],
  [tagOf(0x0028, 0x0008), 'IS'],
  [tagOf(0x0028, 0x9001), 'UL'],
  [tagOf(0x0028, 0x9002), 'UL'],
  [tagOf(0x0028, 0x9003), 'CS'],
  [tagOf(0x5200, 0x9229), 'SQ'],
  [tagOf(0x5200, 0x9230), 'SQ'],
  [tagOf(0x5600, 0x0020), 'OF'],
]);

/** Parses a DICOM file (Part 10 with or without the 128-byte preamble). */
export function parseDicom(bytes: Uint8Array, file: string): DicomFile {
  let pos = 0;
  if (bytes.length >= 132 && text4(bytes, 128) === 'DICM') pos = 132;
  else if (bytes.length >= 4 && text4(bytes, 0) === 'DICM') pos = 4;
  const p = new Parser(bytes, file);
  // File meta information: group 0002, always explicit VR little endian.
  const meta = p.readDataSet(pos, bytes.length, true, true, 0, (tag) => tag >>> 16 !== 0x0002);
  pos = p.stoppedAt;
  const tsElement = meta.elements.get(tagOf(0x0002, 0x0010));
  const ts = tsElement
    ? stringValue(meta, tsElement)
    : looksImplicit(bytes, pos)
      ? '1.2.840.10008.1.2'
      : '1.2.840.10008.1.2.1';
  let body = bytes;
  let start = pos;
  let explicit = true;
  let le = true;
  switch (ts) {
    case '1.2.840.10008.1.2':
      explicit = false;
      break;
    case '1.2.840.10008.1.2.2':
      le = false;
      break;
    case '1.2.840.10008.1.2.1.99':
      try {
        body = inflateSync(bytes.subarray(pos));
      } catch (err) {
        throw new InputError(
          'cannot inflate the deflated data set',
          { file, field: 'transfer syntax' },
          { cause: err },
        );
      }
      start = 0;
      break;
    default:
      break; // explicit VR little endian and the compressed-pixel syntaxes (whose data sets are explicit LE)
  }
  const q = body === bytes ? p : new Parser(body, file);
  const dataset = q.readDataSet(start, body.length, explicit, le, 0);
  if (dataset.elements.size === 0) {
    throw new InputError('no DICOM data elements', { file, expected: 'a DICOM file' });
  }
  return { meta, dataset, transferSyntax: ts };
}

/** A data set without a meta header usually starts with group 0008 in implicit VR: 08 00 xx xx then a length. */
function looksImplicit(bytes: Uint8Array, pos: number): boolean {
  if (pos + 8 > bytes.length) return false;
  const c0 = bytes[pos + 4];
  const c1 = bytes[pos + 5];
  const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
  return !(isUpper(c0) && isUpper(c1));
}

class Parser {
  stoppedAt = 0;
  private readonly v: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(pos: number, problem: string): never {
    throw new InputError(`${problem} at byte ${pos}`, {
      file: this.file,
      field: 'DICOM data set',
      expected: 'a well-formed DICOM data set',
    });
  }

  private u16(pos: number, le: boolean): number {
    if (pos + 2 > this.bytes.length) this.fail(pos, 'unexpected end of data');
    return this.v.getUint16(pos, le);
  }

  private u32(pos: number, le: boolean): number {
    if (pos + 4 > this.bytes.length) this.fail(pos, 'unexpected end of data');
    return this.v.getUint32(pos, le);
  }

  /**
   * Reads elements from `pos` to `end` (or to an item delimiter when `end` is undefined length), stopping early
   * when `stop(tag)` says so; sets `stoppedAt` to where reading ended.
   */
  readDataSet(
    pos: number,
    end: number,
    explicit: boolean,
    le: boolean,
    depth: number,
    stop?: (tag: number) => boolean,
  ): DicomDataSet {
    if (depth > MAX_DEPTH) this.fail(pos, 'sequences nested too deeply');
    const elements = new Map<number, DicomElement>();
    while (pos < end) {
      if (pos + 8 > this.bytes.length) {
        if (depth === 0 && !stop) break; // trailing padding shorter than a tag
        this.fail(pos, 'unexpected end of data');
      }
      const tag = this.u16(pos, le) * 0x10000 + this.u16(pos + 2, le);
      if (stop?.(tag)) break;
      if (tag === ITEM_END) {
        pos += 8;
        this.stoppedAt = pos;
        return { bytes: this.bytes, littleEndian: le, elements };
      }
      let vr: string;
      let length: number;
      let valueStart: number;
      if (explicit && tag >>> 16 !== 0xfffe) {
        vr = String.fromCharCode(this.bytes[pos + 4], this.bytes[pos + 5]);
        if (!/^[A-Z]{2}$/.test(vr)) this.fail(pos, `invalid VR for ${tagString(tag)}`);
        if (LONG_VRS.has(vr)) {
          length = this.u32(pos + 8, le);
          valueStart = pos + 12;
        } else {
          length = this.u16(pos + 6, le);
          valueStart = pos + 8;
        }
      } else {
        vr = IMPLICIT_VR.get(tag) ?? 'UN';
        length = this.u32(pos + 4, le);
        valueStart = pos + 8;
      }
      const element: DicomElement = { tag, vr, offset: valueStart, length };
      if (length === UNDEFINED) {
        // A sequence, or encapsulated pixel data (fragments kept raw): items until the sequence delimiter.
        element.items = [];
        const raw = tag === PIXEL_DATA;
        pos = this.readItems(valueStart, undefined, explicit && vr !== 'UN', le, depth, element.items, raw);
        element.length = pos - valueStart;
      } else {
        if (valueStart + length > this.bytes.length || valueStart + length > end) {
          this.fail(pos, `value of ${tagString(tag)} (${length} bytes) runs past the end`);
        }
        if (vr === 'SQ') {
          element.items = [];
          this.readItems(valueStart, valueStart + length, explicit, le, depth, element.items, false);
        } else if (
          vr === 'UN' &&
          length >= 8 &&
          this.u16(valueStart, le) === 0xfffe &&
          this.u16(valueStart + 2, le) === 0xe000
        ) {
          // Probably a sequence of unknown VR; its items are implicit VR little endian (PS3.5 6.2.2).
          // If it does not parse as one it stays an opaque value.
          try {
            const items: DicomDataSet[] = [];
            this.readItems(valueStart, valueStart + length, false, le, depth, items, false);
            element.items = items;
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
          }
        }
        pos = valueStart + length;
      }
      elements.set(tag, element);
    }
    this.stoppedAt = pos;
    return { bytes: this.bytes, littleEndian: le, elements };
  }

  /** Reads items of a sequence; returns the position after the sequence. */
  private readItems(
    pos: number,
    end: number | undefined,
    explicit: boolean,
    le: boolean,
    depth: number,
    out: DicomDataSet[],
    raw: boolean,
  ): number {
    const limit = end ?? this.bytes.length;
    while (pos < limit) {
      const tag = this.u16(pos, le) * 0x10000 + this.u16(pos + 2, le);
      const length = this.u32(pos + 4, le);
      pos += 8;
      if (tag === SEQ_END) return pos;
      if (tag !== ITEM) this.fail(pos - 8, `expected an item tag, found ${tagString(tag)}`);
      if (raw) {
        if (length === UNDEFINED || pos + length > limit) this.fail(pos, 'bad encapsulated fragment');
        out.push({ bytes: this.bytes.subarray(pos, pos + length), littleEndian: le, elements: new Map() });
        pos += length;
      } else if (length === UNDEFINED) {
        out.push(this.readDataSet(pos, limit, explicit, le, depth + 1));
        pos = this.stoppedAt;
      } else {
        if (pos + length > limit) this.fail(pos, `item of ${length} bytes runs past the end`);
        out.push(this.readDataSet(pos, pos + length, explicit, le, depth + 1));
        pos += length;
      }
    }
    if (end === undefined) this.fail(pos, 'sequence without a delimiter');
    return pos;
  }
}

function text4(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** The raw bytes of an element's value. */
export function valueBytes(ds: DicomDataSet, el: DicomElement): Uint8Array {
  return ds.bytes.subarray(el.offset, el.offset + el.length);
}

/** Text value (trailing spaces and NULs removed; multi-valued text keeps its backslashes). */
export function stringValue(ds: DicomDataSet, el: DicomElement): string {
  const b = valueBytes(ds, el);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

/** Numeric values of an element, whether it is a text number (DS, IS) or binary (US, UL, SS, SL, FL, FD). */
export function numberValues(ds: DicomDataSet, el: DicomElement): number[] {
  const v = new DataView(ds.bytes.buffer, ds.bytes.byteOffset + el.offset, el.length);
  const le = ds.littleEndian;
  const read = (size: number, get: (o: number) => number) => {
    const out: number[] = [];
    for (let o = 0; o + size <= el.length; o += size) out.push(get(o));
    return out;
  };
  switch (el.vr) {
    case 'US':
      return read(2, (o) => v.getUint16(o, le));
    case 'SS':
      return read(2, (o) => v.getInt16(o, le));
    case 'UL':
      return read(4, (o) => v.getUint32(o, le));
    case 'SL':
      return read(4, (o) => v.getInt32(o, le));
    case 'FL':
      return read(4, (o) => v.getFloat32(o, le));
    case 'FD':
      return read(8, (o) => v.getFloat64(o, le));
    default:
      return stringValue(ds, el)
        .split('\\')
        .map((s) => Number(s.trim()))
        .filter((x) => Number.isFinite(x));
  }
}

/** First value found for `tag` in the data set or, depth-first, in any nested sequence item. */
export function findDeep(
  ds: DicomDataSet,
  tag: number,
  depth = 0,
): { ds: DicomDataSet; el: DicomElement } | undefined {
  const el = ds.elements.get(tag);
  if (el) return { ds, el };
  if (depth > MAX_DEPTH) return undefined;
  for (const e of ds.elements.values()) {
    for (const item of e.items ?? []) {
      const hit = findDeep(item, tag, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function deepString(ds: DicomDataSet, tag: number): string | undefined {
  const hit = findDeep(ds, tag);
  return hit ? stringValue(hit.ds, hit.el) : undefined;
}

export function deepNumber(ds: DicomDataSet, tag: number): number | undefined {
  const hit = findDeep(ds, tag);
  if (!hit) return undefined;
  const v = numberValues(hit.ds, hit.el);
  return v.length ? v[0] : undefined;
}

/**
 * The private element `element` (low byte) of the block reserved by `creator` in `group`, e.g. Siemens
 * 'SIEMENS CSA HEADER' reserves (0029,00xx) and its elements are (0029,xx10), (0029,xx20).
 */
export function privateTag(
  ds: DicomDataSet,
  group: number,
  creator: string,
  element: number,
): number | undefined {
  for (let block = 0x10; block <= 0xff; block++) {
    const el = ds.elements.get(tagOf(group, block));
    if (el && stringValue(ds, el).trim() === creator) return tagOf(group, (block << 8) | element);
  }
  return undefined;
}
