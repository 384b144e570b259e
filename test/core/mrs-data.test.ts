import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Fid } from '../../src/core/fid.js';
import {
  checkMrsData,
  fidCount,
  fidNumber,
  fromFid,
  fromFids,
  toFid,
  toFids,
  withData,
} from '../../src/core/mrs-data.js';

function fid(k: number, points = 4): Fid {
  return {
    data: Float64Array.from({ length: 2 * points }, (_, i) => 10 * k + i),
    points,
    dwellTime: 5e-4,
    spectrometerFrequency: 127.76,
    ppmReference: 4.65,
    nucleus: '1H',
    echoTime: 0.03,
  };
}

describe('MrsData', () => {
  it('stacks FIDs along a tagged dimension and gives each one back unchanged', () => {
    const m = fromFids([fid(0), fid(1), fid(2)], 'DIM_DYN');
    expect(m.dims).toEqual([{ tag: 'DIM_DYN', size: 3 }]);
    expect(fidCount(m)).toBe(3);
    expect(Array.from(toFid(m, 2).data)).toEqual(Array.from(fid(2).data));
    expect(toFid(m, [1]).echoTime).toBe(0.03);
    expect(toFids(m).map((f) => f.data[0])).toEqual([0, 10, 20]);
    expect(fromFid(fid(5)).dims).toEqual([]);
  });

  it('indexes higher dimensions with the first dimension fastest', () => {
    const m = fromFids(
      Array.from({ length: 6 }, (_, i) => fid(i)),
      'DIM_COIL',
    );
    const two = withData(m, m.data, {
      dims: [
        { tag: 'DIM_COIL', size: 2 },
        { tag: 'DIM_DYN', size: 3 },
      ],
    });
    expect(fidNumber(two, [1, 2])).toBe(5);
    expect(toFid(two, [1, 2]).data[0]).toBe(50);
    expect(() => fidNumber(two, [2, 0])).toThrow(RangeError);
  });

  it('refuses inconsistent FIDs and inconsistent shapes', () => {
    expect(() => fromFids([fid(0), fid(1, 8)])).toThrow(/points/);
    expect(() => fromFids([fid(0), { ...fid(1), spectrometerFrequency: 123.2 }])).toThrow(
      /spectrometerFrequency/,
    );
    expect(() => withData(fromFid(fid(0)), new Float64Array(6))).toThrow(RangeError);
  });

  it('checkMrsData names the file and the field of a bad header', () => {
    const m = fromFid(fid(0), { file: 'x.rda' });
    m.header.dwellTime = -1;
    expect(() => checkMrsData(m)).toThrow(InputError);
    expect(() => checkMrsData(m)).toThrow(/^x\.rda: dwell time/);
    const n = fromFid(fid(0), { file: 'y.rda' });
    n.data[3] = Number.NaN;
    expect(() => checkMrsData(n)).toThrow(/non-finite/);
  });
});
