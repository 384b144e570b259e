import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { LIVERMRS_VERSION } from '../../src/core/version.js';
import {
  type DicomDataSet,
  parseDicom,
  stringValue,
  tagOf,
  valueBytes,
} from '../../src/io/dicom/dicom-parser.js';
import {
  geometryFromOrientation,
  quaternionToRotation,
  rotationToQuaternion,
} from '../../src/io/geometry.js';
import { isPfile } from '../../src/io/ge/pfile.js';
import { vaxFloat } from '../../src/io/philips/sdat.js';
import { readMrs } from '../../src/io/read.js';
import { parseAscconv, parseCsa } from '../../src/io/siemens/csa.js';
import { EXTDATA } from '../paths.js';

const XA = join(EXTDATA, 'siemens/suspect_SVS_XA60.dcm');
const IMA = join(EXTDATA, 'siemens/suspect_SVS_30.IMA');
const bytesOf = (p: string) => new Uint8Array(readFileSync(p));

/** Re-encodes a parsed data set as implicit VR little endian, sequences and items with undefined length. */
function encodeImplicit(ds: DicomDataSet): number[] {
  const out: number[] = [];
  const u16 = (x: number) => out.push(x & 0xff, (x >> 8) & 0xff);
  const u32 = (x: number) => {
    u16(x & 0xffff);
    u16(x >>> 16);
  };
  const sorted = [...ds.elements.values()].sort((a, b) => a.tag - b.tag);
  for (const el of sorted) {
    u16(Math.floor(el.tag / 0x10000));
    u16(el.tag & 0xffff);
    if (el.items && el.tag !== tagOf(0x7fe0, 0x0010)) {
      u32(0xffffffff);
      for (const item of el.items) {
        u16(0xfffe);
        u16(0xe000);
        u32(0xffffffff);
        out.push(...encodeImplicit(item));
        u16(0xfffe);
        u16(0xe00d);
        u32(0);
      }
      u16(0xfffe);
      u16(0xe0dd);
      u32(0);
    } else {
      const v = valueBytes(ds, el);
      u32(v.length);
      out.push(...v);
    }
  }
  return out;
}

function part10(transferSyntax: string, body: Uint8Array): Uint8Array {
  const ts = transferSyntax.length % 2 ? `${transferSyntax}\0` : transferSyntax;
  const meta = [0x02, 0x00, 0x10, 0x00, 0x55, 0x49, ts.length, 0, ...Array.from(ts, (c) => c.charCodeAt(0))];
  const out = new Uint8Array(132 + meta.length + body.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(meta, 132);
  out.set(body, 132 + meta.length);
  return out;
}

describe('DICOM parser', () => {
  it('reads explicit VR little endian with nested sequences (XA enhanced MR Spectroscopy)', () => {
    const f = parseDicom(bytesOf(XA), 'xa.dcm');
    expect(f.transferSyntax).toBe('1.2.840.10008.1.2.1');
    const ds = f.dataset;
    expect(stringValue(ds, ds.elements.get(tagOf(0x0008, 0x0016))!)).toBe('1.2.840.10008.5.1.4.1.1.4.2');
    const shared = ds.elements.get(tagOf(0x5200, 0x9229))!;
    expect(shared.items?.length).toBe(1);
    expect(valueBytes(ds, ds.elements.get(tagOf(0x5600, 0x0020))!).length).toBe(8192);
  });

  it('gives the same spectroscopy object from implicit VR and from deflated explicit VR encodings', () => {
    const original = readMrs(bytesOf(XA), 'xa.dcm');
    const ds = parseDicom(bytesOf(XA), 'xa.dcm').dataset;
    const implicit = part10('1.2.840.10008.1.2', Uint8Array.from(encodeImplicit(ds)));
    const fromImplicit = readMrs(implicit, 'implicit.dcm');
    expect(fromImplicit.header).toEqual(original.header);
    expect(Array.from(fromImplicit.data)).toEqual(Array.from(original.data));
    // Deflated explicit VR little endian: the same body bytes, deflated after the meta group.
    const xa = bytesOf(XA);
    const metaEnd = 132 + 12 + new DataView(xa.buffer, xa.byteOffset).getUint32(140, true);
    const deflated = part10('1.2.840.10008.1.2.1.99', deflateSync(xa.subarray(metaEnd)));
    const fromDeflated = readMrs(deflated, 'deflated.dcm');
    expect(Array.from(fromDeflated.data)).toEqual(Array.from(original.data));
  });

  it('rejects truncated and non-DICOM input with an InputError naming the file', () => {
    const xa = bytesOf(XA);
    for (const cut of [200, 5000, xa.length - 3000]) {
      expect(() => readMrs(xa.subarray(0, cut), 'cut.dcm')).toThrow(InputError);
      expect(() => readMrs(xa.subarray(0, cut), 'cut.dcm')).toThrow(/^cut\.dcm: /);
    }
  });
});

describe('Siemens CSA header', () => {
  it('parses the CSA image header of the IMA file and the ASCCONV protocol of its series header', () => {
    const ds = parseDicom(bytesOf(IMA), 'x.ima').dataset;
    const image = parseCsa(valueBytes(ds, ds.elements.get(tagOf(0x0029, 0x1110))!), 'x', 'csa');
    expect(image.get('DataPointColumns')).toEqual(['1024']);
    expect(image.get('ImageOrientationPatient')?.length).toBe(6);
    const series = parseCsa(valueBytes(ds, ds.elements.get(tagOf(0x0029, 0x1120))!), 'x', 'csa');
    const asc = parseAscconv(series.get('MrPhoenixProtocol')?.[0] ?? '');
    // The protocol's transmitter frequency (Hz) and dwell time (ns, twice oversampled) match the CSA values.
    expect(Number(asc.get('sTXSPEC.asNucleusInfo[0].lFrequency'))).toBe(123234655);
    expect(Number(asc.get('sRXSPEC.alDwellTime[0]')) * 2).toBe(Number(image.get('RealDwellTime')?.[0]));
  });
});

describe('VAX F-float', () => {
  it('decodes known bit patterns', () => {
    // 1.0 = 0x4080 0x0000; -2.5 = 0xC120 0x0000; 0.1 = 0x3ECC 0xCCCD (DEC VAX reference values)
    expect(vaxFloat(0x4080, 0x0000)).toBe(1);
    expect(vaxFloat(0xc120, 0x0000)).toBe(-2.5);
    expect(vaxFloat(0x3ecc, 0xcccd)).toBeCloseTo(0.1, 8);
    expect(vaxFloat(0x0000, 0x1234)).toBe(0);
  });
});

describe('geometry', () => {
  it('round-trips rotations through NIfTI quaternions, including left-handed axes', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    for (const axes of [
      [
        [c, s, 0],
        [-s, c, 0],
        [0, 0, 1],
      ],
      [
        [-1, 0, 0],
        [0, 1, 0],
        [0, 0, -1],
      ],
      [
        [0, 0, 1],
        [1, 0, 0],
        [0, -1, 0],
      ],
    ] as [number, number, number][][]) {
      const { quatern, qfac } = rotationToQuaternion(axes);
      const R = quaternionToRotation(quatern, qfac);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(R[i][j]).toBeCloseTo(axes[j][i], 10);
    }
  });

  it('puts the voxel centre of the Siemens RDA file at its VOI position (LPS to RAS)', () => {
    const m = readMrs(bytesOf(join(EXTDATA, 'siemens/suspect_SVS_30.rda')), 'x.rda');
    const g = m.geometry!;
    expect([g.srow[3], g.srow[7], g.srow[11]].map((x) => Number(x.toFixed(4)))).toEqual([
      -41.6029, -21.569, -4.9588,
    ]);
    expect(g.pixdim).toEqual([20, 40, 20]);
    // The RDA and the IMA export of the same scan give the same geometry.
    const ima = readMrs(bytesOf(IMA), 'x.ima').geometry!;
    for (let i = 0; i < 12; i++) expect(ima.srow[i]).toBeCloseTo(g.srow[i], 3);
    const direct = geometryFromOrientation([1, 0, 0], [0, 1, 0], [10, 20, 30], [1, 2, 3])!;
    expect(direct.srow.map((x) => x + 0)).toEqual([-10, 0, 0, -1, 0, -20, 0, -2, 0, 0, 30, 3]);
  });
});

it('LIVERMRS_VERSION matches package.json', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  expect(LIVERMRS_VERSION).toBe(pkg.version);
});

describe('GE P-file detection', () => {
  it('accepts float32 header revisions such as 9.0, 26.002 and 28.003 and rejects other binaries', () => {
    const withRev = (rev: number, le = true) => {
      const b = new Uint8Array(64);
      new DataView(b.buffer).setFloat32(0, rev, le);
      return b;
    };
    for (const rev of [9, 11, 26.002, 28.003])
      expect(isPfile(withRev(rev), 'P12345.7'), `rev ${rev}`).toBe(true);
    expect(isPfile(withRev(7, false), 'P00001.7')).toBe(true);
    expect(isPfile(withRev(12.3456), 'P12345.7')).toBe(false);
    expect(isPfile(withRev(26.002), 'notes.bin')).toBe(false);
  });
});
