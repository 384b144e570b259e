import { describe, expect, it } from 'vitest';
import { simulateBasis } from '../../src/physics/index.js';
import {
  bestPhaseCorrelation,
  challengeCorrelations,
  challengeProtocol,
  readChallengeBasis,
} from './challenge-correlation.js';

/**
 * Simulated PRESS basis (TE1 11, TE2 19 ms, 4000 Hz, 2048 points) against the ISMRM 2016 fitting challenge's
 * LCModel basis. All measured values are tabulated in docs/physics-validation.md.
 */
describe('ISMRM 2016 challenge basis (press3T_30ms.BASIS)', () => {
  // The .BASIS header says 123.261703 MHz (the README rounds it to 123.2); the singlets show which is right.
  const native = challengeCorrelations(123.261703, 0, { GSH: ['GSH-Tkac2008'] });
  const r = (rows: typeof native.rows, name: string, ours?: string) =>
    rows.find((x) => x.name === name && (ours === undefined || x.ours === ours))!.r;

  it('has 2 Hz Lorentzian lines, which our singlets match exactly once given the same width', () => {
    expect(native.lineshape.lorentzHz).toBe(2);
    expect(native.lineshape.gaussHz).toBe(0);
    expect(r(native.rows, 'sIns')).toBeGreaterThan(0.9999);
    expect(r(native.rows, 'Gly')).toBeGreaterThan(0.9999);
  });

  it('correlates at r >= 0.95 over 0.5-4.2 ppm for Cr, Lac, Glu, Ins, GPC, PCh, Tau and NAA', () => {
    for (const name of ['Lac', 'Glu', 'Ins', 'GPC', 'PCho', 'Tau', 'NAA']) {
      expect(r(native.rows, name), name).toBeGreaterThanOrEqual(0.95);
    }
    expect(r(native.rows, 'Cr', 'CrOnly')).toBeGreaterThanOrEqual(0.95);
  });

  it('misses 0.95 for Gln and GSH at the native 2 Hz width (the challenge used other chemical shifts)', () => {
    // Govindaraju 2000 values; the challenge's Gln H2 sits about 0.01 ppm higher and its GSH cysteine follows
    // Tkac 2008 (docs/physics-validation.md). Guard the level we reach so a regression still fails.
    expect(r(native.rows, 'Gln')).toBeGreaterThan(0.915);
    expect(r(native.rows, 'GSH', 'GSH')).toBeGreaterThan(0.91);
    // The Tkac 2008 cysteine/glycine variant is closer, but its glutamyl part (Govindaraju 2000) is not theirs.
    expect(r(native.rows, 'GSH', 'GSH-Tkac2008')).toBeGreaterThan(r(native.rows, 'GSH', 'GSH'));
    expect(r(native.rows, 'GSH', 'GSH-Tkac2008')).toBeGreaterThan(0.925);
  });

  it('reproduces the challenge GSH cysteine multiplets exactly with the Tkac 2008 values, not with Govindaraju 2000', () => {
    const protocol = challengeProtocol(123.261703);
    const challenge = readChallengeBasis();
    const theirs = challenge.fids[challenge.names.indexOf('GSH')];
    const ours = simulateBasis(protocol, ['GSH', 'GSH-Tkac2008']);
    const rIn = (name: string, window: [number, number]) =>
      bestPhaseCorrelation(ours.fids[ours.names.indexOf(name)], theirs, protocol, 2, 0, window).r;
    // Cysteine H3 (2.93, 2.97 ppm) and H2 (4.58 ppm).
    expect(rIn('GSH-Tkac2008', [2.8, 3.1])).toBeGreaterThan(0.9999);
    expect(rIn('GSH-Tkac2008', [4.4, 4.75])).toBeGreaterThan(0.9999);
    expect(rIn('GSH', [2.8, 3.1])).toBeLessThan(0.97);
    expect(rIn('GSH', [4.4, 4.75])).toBeLessThan(0.8);
  });

  it('correlates at r >= 0.97 for all 20 metabolites at an in vivo 3 T width (both broadened by 4 Hz)', () => {
    const broad = challengeCorrelations(123.261703, 4);
    for (const row of broad.rows) {
      if (row.ours === 'Cr') continue; // total creatine is not the challenge's creatine
      expect(row.r, row.name).toBeGreaterThanOrEqual(0.97);
    }
  });
});
