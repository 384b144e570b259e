import { describe, expect, it } from 'vitest';
import { DEFAULT_PROTOCOL, isDefaultProtocol, liverBasisFor } from '../../src/physics/index.js';

describe('liverBasisFor', () => {
  it('recognises the default protocol however PRESS timing is written', () => {
    expect(isDefaultProtocol(DEFAULT_PROTOCOL)).toBe(true);
    expect(isDefaultProtocol({ ...DEFAULT_PROTOCOL, te1: undefined, te2: undefined, te: 0.03 })).toBe(true);
    expect(isDefaultProtocol({ ...DEFAULT_PROTOCOL, te1: 0.011, te2: 0.019 })).toBe(false);
    expect(isDefaultProtocol({ ...DEFAULT_PROTOCOL, spectrometerFrequency: 123.2 })).toBe(false);
    expect(isDefaultProtocol({ ...DEFAULT_PROTOCOL, points: 2048 })).toBe(false);
  });

  it('returns the same spectra for the default protocol as a fresh simulation, on the asked grid otherwise', () => {
    const a = liverBasisFor({ ...DEFAULT_PROTOCOL, te1: undefined, te2: undefined, te: 0.03 });
    expect(a.names).toHaveLength(20);
    const b = liverBasisFor({ ...DEFAULT_PROTOCOL, points: 512 }, ['Cho', 'L13']);
    expect(b.names).toEqual(['Cho', 'L13']);
    expect(b.points).toBe(512);
    // Same protocol, same lines: the first 512 points of the default Cho FID equal the 512-point render.
    const cho = a.fids[a.names.indexOf('Cho')];
    for (let i = 0; i < 1024; i++) expect(b.fids[0][i]).toBeCloseTo(cho[i], 10);
  });
});
