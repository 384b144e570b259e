import { InputError } from '../../core/errors.js';

/**
 * Siemens CSA headers (private DICOM elements (0029,xx10) image and (0029,xx20) series): a list of named
 * entries, each with up to `nitems` text values. Layout (as documented by the NiBabel project's csareader and
 * by dcm2niix): CSA2 starts with 'SV10', 4 unused bytes, uint32 tag count, uint32 77; then per tag a 64-byte name,
 * int32 VM, 4-byte VR, int32 SyngoDT, int32 item count, int32 77/205; then per item four int32 (the item length
 * is the second for CSA2 and first minus the tag count for CSA1) and the value padded to 4 bytes.
 */
export type CsaHeader = Map<string, string[]>;

export function parseCsa(bytes: Uint8Array, file: string, field: string): CsaHeader {
  const fail = (pos: number, problem: string): never => {
    throw new InputError(`${problem} at byte ${pos}`, { file, field, expected: 'a Siemens CSA header' });
  };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (pos: number) =>
    pos + 4 <= bytes.length ? v.getUint32(pos, true) : fail(pos, 'unexpected end');
  const csa2 = bytes.length >= 4 && String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) === 'SV10';
  let pos = csa2 ? 8 : 0;
  const nTags = u32(pos);
  if (nTags < 1 || nTags > 1000) fail(pos, `${nTags} tags`);
  pos += 8;
  const out: CsaHeader = new Map();
  for (let t = 0; t < nTags; t++) {
    if (pos + 84 > bytes.length) fail(pos, 'unexpected end');
    const name = cString(bytes, pos, 64);
    const nItems = u32(pos + 76);
    if (nItems > 10000) fail(pos, `${nItems} items in ${name}`);
    pos += 84;
    const values: string[] = [];
    for (let i = 0; i < nItems; i++) {
      const len = csa2 ? u32(pos + 4) : u32(pos) - nTags;
      pos += 16;
      if (len < 0 || pos + len > bytes.length) fail(pos, `item of ${len} bytes in ${name}`);
      const s = cString(bytes, pos, len).trim();
      if (s !== '') values.push(s);
      pos += Math.ceil(len / 4) * 4;
    }
    out.set(name, values);
  }
  return out;
}

function cString(b: Uint8Array, at: number, max: number): string {
  let s = '';
  for (let i = at; i < at + max && i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function csaNumber(h: CsaHeader, name: string): number | undefined {
  const v = h.get(name)?.[0];
  if (v === undefined) return undefined;
  const x = Number(v);
  return Number.isFinite(x) ? x : undefined;
}

export function csaString(h: CsaHeader, name: string): string | undefined {
  return h.get(name)?.[0];
}

/**
 * Values of the MrPhoenixProtocol "ASCCONV" block (e.g. `sTXSPEC.asNucleusInfo[0].lFrequency = 123234655`),
 * found in the series CSA header of classic DICOM and in a private element of XA enhanced DICOM.
 */
export function parseAscconv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const start = text.indexOf('### ASCCONV BEGIN');
  const end = text.indexOf('### ASCCONV END', start + 1);
  if (start < 0 || end < 0) return out;
  for (const line of text.slice(start, end).split('\n').slice(1)) {
    const m = /^\s*([^=\s]+)\s*=\s*(.*?)\s*(#.*)?$/.exec(line);
    if (m) out.set(m[1], m[2].replace(/^"+|"+$/g, ''));
  }
  return out;
}

/**
 * Water suppression from the protocol's `sPrepPulses.ucWaterSat` (a Siemens enum, one bit per mode). Values
 * seen in real files: 0x20 (32) with water suppression on (the suppressed svs_se brain spectrum of test/extdata,
 * creatine and choline 1/127 of water), 0x01 and 0x04 in unsuppressed body spectra of product sequences, 0x40
 * ("RF off", the suppression pulses played at zero amplitude: a water reference). Customer sequences
 * (`%CustomerSeq%`, e.g. CMRR semi-LASER) often apply their own VAPOR with ucWaterSat 0x01, so for them only 0x20
 * counts as a statement; an absent key or another value leaves the question to the spectrum.
 */
export function siemensWaterSuppression(asc: Map<string, string>): { suppressed?: boolean; key?: string } {
  const raw = asc.get('sPrepPulses.ucWaterSat');
  if (raw === undefined) return {};
  const v = Number(raw);
  const key = `header:sPrepPulses.ucWaterSat = ${raw}`;
  if (v === 0x20) return { suppressed: true, key };
  const product = /%SiemensSeq%/i.test(asc.get('tSequenceFileName') ?? '');
  if (product && (v === 0x01 || v === 0x04 || v === 0x40)) return { suppressed: false, key };
  return {};
}

/** The sequence file name of a Siemens protocol without its folder ('%SiemensSeq%\\svs_se' → 'svs_se'). */
export function siemensSequenceFile(asc: Map<string, string>): string | undefined {
  const t = asc.get('tSequenceFileName');
  return t ? t.split(/[\\/]+/).pop() : undefined;
}
