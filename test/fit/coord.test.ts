import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { fitCoord } from '../../src/fit/coord-fit.js';
import { LIVER_FIT_OPTIONS, liverSingletBasis } from '../../src/fit/liver.js';
import { readLcmCoord } from '../../src/io/lcmodel/coord.js';
import { EXTDATA } from '../paths.js';

const liverFile = `${EXTDATA}/lcmodel/suspect_liver.COORD`;
const liver = readLcmCoord(readFileSync(liverFile, 'utf8'), liverFile);

describe('LCModel .COORD reader', () => {
  it('reads the liver COORD: table, misc values, axis and curves', () => {
    expect(liver.version).toBe('6.3-1B');
    expect(liver.table).toHaveLength(11);
    expect(liver.table[0]).toEqual({ name: 'L16+L09+L13', concentration: 0.143, sdPercent: 1, ratio: 1 });
    expect(liver.table.find((r) => r.name === 'Cho')).toEqual({
      name: 'Cho',
      concentration: 6.93e-3,
      sdPercent: 10,
      ratio: 4.9e-2,
    });
    expect(liver.fwhmPpm).toBe(0.297);
    expect(liver.snr).toBe(24);
    expect(liver.dataShiftPpm).toBe(-0.019);
    expect(liver.phase0Deg).toBe(36);
    expect(liver.phase1DegPerPpm).toBe(0.3);
    expect(liver.ppm).toHaveLength(821);
    expect(liver.ppm[0]).toBe(4);
    expect(liver.ppm[820]).toBeCloseTo(0.099506, 6);
    expect(liver.data[0]).toBeCloseTo(0.106239, 6);
    expect(liver.background[820]).toBeCloseTo(0.1268, 4);
    expect(liver.inputs.sptype).toBe('liver-11');
    expect(Number(liver.inputs.deltat)).toBeCloseTo(8.33e-4, 9);
  });

  it('reads per-metabolite curves of a brain COORD', () => {
    const f = `${EXTDATA}/lcmodel/suspect_svs_97.COORD`;
    const c = readLcmCoord(readFileSync(f, 'utf8'), f);
    expect(c.ratioReference).toBe('Cr+PCr');
    expect(c.table.find((r) => r.name === 'NAA+NAAG')?.ratio).toBe(0.591);
    expect(Object.keys(c.curves)).toContain('GPC');
    expect(c.curves.GPC).toHaveLength(c.ppm.length);
  });

  it('rejects a truncated COORD with the block that is short', () => {
    const text = readFileSync(liverFile, 'utf8');
    const cut = text.slice(0, text.indexOf('NY points of the fit') - 400);
    expect(() => readLcmCoord(cut, 'cut.COORD')).toThrow(InputError);
  });
});

describe('refit of the LCModel liver spectrum', () => {
  const r = fitCoord(liver, (g) => liverSingletBasis(g), { ...LIVER_FIT_OPTIONS, exclude: ['L53', 'Glc'] });
  const a = (n: string) => r.components.find((c) => c.name === n)?.amplitude as number;

  it('fits the phased data down to the noise, with LCModel-like linewidth', () => {
    expect(r.warnings).toEqual([]);
    // LCModel: FWHM 0.297 ppm; ours is the model lineshape FWHM of the metabolite group.
    expect(Math.abs(r.linewidthsHz.lipid / (liver.fwhmPpm ?? 0) / 123.23 - 1)).toBeLessThan(0.25);
  });

  it('splits the lipids like LCModel: methyl + methylene share of all lipid, and L13 dominant', () => {
    const methylMethylene = a('L09') + a('L13');
    const total = methylMethylene + a('L21') + a('L28');
    const lcm = (n: string) => liver.table.find((x) => x.name === n)?.concentration as number;
    // LCModel (liver-11): (L16+L09+L13) / (L16+L09+L13 + L28+L23+L21) = 0.143 / 0.1598 = 0.895.
    const lcmShare = lcm('L16+L09+L13') / (lcm('L16+L09+L13') + lcm('L28+L23+L21'));
    // Measured 0.81 (our stand-in basis has no L16 and L23 components, LCModel's liver-11 model has).
    expect(Math.abs(methylMethylene / total - lcmShare)).toBeLessThan(0.12);
    expect(a('L13')).toBeGreaterThan(3 * a('L09'));
  });
});
