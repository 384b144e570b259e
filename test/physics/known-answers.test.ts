import { describe, expect, it } from 'vitest';
import { ppmAxis } from '../../src/core/fid.js';
import {
  DEFAULT_PROTOCOL,
  LIVER_COMPONENTS,
  type Molecule,
  type Protocol,
  pressSequence,
  pulseAcquireSequence,
  simulateBasis,
  simulateLineLists,
  simulateMolecule,
  steamSequence,
} from '../../src/physics/index.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';
import { type LineList, linePpm, totalAmplitude } from '../../src/spectra/line-list.js';
import { renderLines } from '../../src/spectra/render.js';

const MHZ_3T = 127.76;

function twoSpin(ppmA: number, ppmB: number, j: number, nucleusB: '1H' | '31P' = '1H'): Molecule {
  return {
    name: 'AB',
    fullName: 'two spins',
    group: 'metabolite',
    source: 'test',
    fragments: [
      {
        label: 'AB',
        scale: 1,
        source: 'test',
        fwhmPpm: 0,
        spins: [
          { id: 'A', ppm: ppmA, protons: 1, nucleus: '1H', exchangeable: false },
          { id: 'B', ppm: ppmB, protons: 1, nucleus: nucleusB, exchangeable: false },
        ],
        couplings: [{ a: 'A', b: 'B', hz: j }],
      },
    ],
  };
}

/**
 * Integral of the real spectrum between lo and hi ppm in proton units: the first FID point is halved (so the
 * one-sided FID adds no flat offset to the spectrum) and the sum is scaled by 2/N, which makes a singlet of n
 * protons integrate to n.
 */
function realIntegral(fid: Float64Array, p: Protocol, lo: number, hi: number): number {
  const halved = Float64Array.from(fid);
  halved[0] /= 2;
  halved[1] /= 2;
  const s = fidToSpectrum(halved);
  const ax = ppmAxis(p);
  let sum = 0;
  for (let k = 0; k < p.points; k++) if (ax[k] >= lo && ax[k] <= hi) sum += s[2 * k];
  return (2 * sum) / p.points;
}

describe('singlets', () => {
  for (const sequence of ['fid', 'press', 'steam'] as const) {
    it(`a singlet lands at its ppm with the area of its protons (${sequence})`, () => {
      const p: Protocol = {
        ...DEFAULT_PROTOCOL,
        sequence,
        te: 0.03,
        te1: undefined,
        te2: undefined,
        tm: 0.01,
      };
      const fine: Protocol = { ...p, points: 8192 };
      const basis = simulateBasis(fine, ['Scyllo', 'Gly', 'Bet'], { linewidthHz: 2 });
      const ax = ppmAxis(fine);
      const scyllo = fidToSpectrum(basis.fids[0]);
      let best = 0;
      for (let k = 0; k < fine.points; k++) if (scyllo[2 * k] > scyllo[2 * best]) best = k;
      expect(Math.abs(ax[best] - 3.34)).toBeLessThan(
        0.5 / (fine.points * fine.dwellTime * fine.spectrometerFrequency),
      );
      // Areas within +-0.6 ppm (the Lorentzian tails beyond hold about 1%).
      expect(realIntegral(basis.fids[0], fine, 2.74, 3.94)).toBeCloseTo(6, 1);
      expect(realIntegral(basis.fids[1], fine, 2.95, 4.15)).toBeCloseTo(2, 1);
      expect(realIntegral(basis.fids[2], fine, 2.9, 3.6)).toBeCloseTo(9, 0);
      expect(basis.components?.Bet.protons).toBe(11);
      expect(basis.fids[2][0]).toBeCloseTo(11, 9);
    });
  }

  it('every default liver component starts at its proton count under pulse-acquire', () => {
    const lines = simulateLineLists({ ...DEFAULT_PROTOCOL, sequence: 'fid' }, LIVER_COMPONENTS);
    const basis = simulateBasis({ ...DEFAULT_PROTOCOL, sequence: 'fid' });
    LIVER_COMPONENTS.forEach((name, i) => {
      const a = totalAmplitude(lines[name]);
      expect(a.re).toBeCloseTo(basis.components?.[name].protons ?? Number.NaN, 6);
      expect(a.im).toBeCloseTo(0, 9);
      expect(basis.fids[i][0]).toBeCloseTo(a.re, 9);
    });
  });
});

describe('lactate at 3 T, ideal PRESS (J = 6.933 Hz)', () => {
  const area = (te: number) => {
    const p: Protocol = {
      ...DEFAULT_PROTOCOL,
      spectrometerFrequency: MHZ_3T,
      te1: te / 2,
      te2: te / 2,
      points: 4096,
    };
    const basis = simulateBasis(p, ['Lac'], { linewidthHz: 3 });
    return realIntegral(basis.fids[0], p, 1.1, 1.5);
  };
  it('inverts the 1.31 ppm doublet at TE 144 ms (TE1 = TE2 = 72)', () => {
    // Weak coupling: the doublet follows cos(pi J TE) = cos(pi * 6.933 * 0.144) = -0.99998, times 3 protons.
    expect(area(0.144)).toBeLessThan(-2.8);
  });
  it('has it upright at TE 288 ms', () => {
    expect(area(0.288)).toBeGreaterThan(2.8);
  });
});

describe('analytic two-spin systems', () => {
  it('an AB system gives the AB quartet: lines at nu0 +- (D +- J)/2, intensities 1 -+ J/D', () => {
    const j = 10;
    const dppm = 0.1;
    const dnu = dppm * MHZ_3T;
    const lines = simulateMolecule(twoSpin(3.0, 3.0 + dppm, j), {
      spectrometerFrequency: MHZ_3T,
      ppmReference: 4.65,
      sequence: pulseAcquireSequence(),
    });
    expect(lines.hz.length).toBe(4);
    const d = Math.hypot(dnu, j);
    const centre = -((3.05 - 4.65) * MHZ_3T); // FID frequency of the centre (f = -nu)
    const expected = [
      { f: centre - (d + j) / 2, a: (1 - j / d) / 2 },
      { f: centre - (d - j) / 2, a: (1 + j / d) / 2 },
      { f: centre + (d - j) / 2, a: (1 + j / d) / 2 },
      { f: centre + (d + j) / 2, a: (1 - j / d) / 2 },
    ];
    expected.forEach((e, k) => {
      expect(lines.hz[k]).toBeCloseTo(e.f, 9);
      expect(lines.re[k]).toBeCloseTo(e.a, 12);
      expect(lines.im[k]).toBeCloseTo(0, 12);
    });
  });

  it('an AX system at PRESS TE = 1/(2J) is anti-phase (each doublet: +-90 degrees, opposite signs)', () => {
    const j = 7;
    const te = 1 / (2 * j);
    const lines = simulateMolecule(twoSpin(1.0, 4.0, j), {
      spectrometerFrequency: MHZ_3T,
      ppmReference: 4.65,
      sequence: pressSequence(te / 2, te / 2),
    });
    for (const [lo, hi] of [
      [0.9, 1.1],
      [3.9, 4.1],
    ]) {
      const doublet: number[] = [];
      for (let k = 0; k < lines.hz.length; k++) {
        const ppm = linePpm(lines, k);
        if (ppm > lo && ppm < hi) doublet.push(k);
      }
      expect(doublet.length).toBe(2);
      const [a, b] = doublet;
      // In-phase part vanishes, anti-phase part has magnitude 1/2 per line (weak coupling; J / dnu = 0.018
      // leaves second-order terms of that size).
      expect(Math.abs(lines.re[a])).toBeLessThan(0.02);
      expect(Math.abs(lines.re[b])).toBeLessThan(0.02);
      expect(Math.abs(Math.abs(lines.im[a]) - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(Math.abs(lines.im[b]) - 0.5)).toBeLessThan(0.02);
      expect(lines.im[a] * lines.im[b]).toBeLessThan(0);
    }
  });

  it('a proton coupled to 31P (never pulsed) is a doublet of half intensities, refocused by PRESS', () => {
    for (const sequence of [pulseAcquireSequence(), pressSequence(0.015, 0.015), steamSequence(0.02, 0.01)]) {
      const lines = simulateMolecule(twoSpin(4.0, 0, 8, '31P'), {
        spectrometerFrequency: MHZ_3T,
        ppmReference: 4.65,
        sequence,
      });
      expect(lines.hz.length).toBe(2);
      expect(lines.hz[1] - lines.hz[0]).toBeCloseTo(8, 9);
      expect(lines.re[0]).toBeCloseTo(0.5, 12);
      expect(lines.re[1]).toBeCloseTo(0.5, 12);
    }
  });
});

/** FWHM (Hz) of the tallest real peak of a rendered line list within [fromPpm, toPpm]. */
function measuredFwhm(
  lines: LineList,
  lorentzHz: number,
  gaussHz: number,
  fromPpm = -10,
  toPpm = 20,
): number {
  const points = 65536;
  const dwell = 1 / 2000;
  const fid = renderLines(lines, { points, dwellTime: dwell, lorentzHz, gaussHz });
  // Half weight on t = 0 (trapezoid rule): otherwise the DFT adds a constant 1/2 of all amplitudes, which
  // widens a broad line measured next to others.
  fid[0] /= 2;
  fid[1] /= 2;
  const s = fidToSpectrum(fid);
  const ax = ppmAxis({ ...lines, points, dwellTime: dwell });
  let peak = -1;
  for (let k = 0; k < points; k++) {
    if (ax[k] < fromPpm || ax[k] > toPpm) continue;
    if (peak < 0 || s[2 * k] > s[2 * peak]) peak = k;
  }
  const half = s[2 * peak] / 2;
  let lo = peak;
  while (s[2 * (lo - 1)] > half) lo--;
  let hi = peak;
  while (s[2 * (hi + 1)] > half) hi++;
  return ((hi - lo + 1) * 2000) / points;
}

describe('renderer lineshapes', () => {
  const singlet = simulateLineLists({ ...DEFAULT_PROTOCOL, sequence: 'fid' }, ['Scyllo']).Scyllo;
  const fwhm = (lorentzHz: number, gaussHz: number) => measuredFwhm(singlet, lorentzHz, gaussHz);
  it('gives the requested Lorentzian and Gaussian FWHM', () => {
    expect(fwhm(8, 0)).toBeCloseTo(8, 0);
    expect(fwhm(0, 8)).toBeCloseTo(8, 0);
    // Voigt FWHM (Olivero & Longbothum 1977): 0.5346 L + sqrt(0.2166 L^2 + G^2)
    expect(fwhm(6, 6)).toBeCloseTo(0.5346 * 6 + Math.sqrt(0.2166 * 36 + 36), 0);
  });
  it('places the singlet where its frequency says, on any grid', () => {
    for (const dwell of [1 / 2000, 1 / 4000, 1 / 5000]) {
      const fid = renderLines(singlet, { points: 1000, dwellTime: dwell });
      const t = 777;
      const ph = 2 * Math.PI * singlet.hz[0] * t * dwell;
      expect(fid[2 * t]).toBeCloseTo(6 * Math.cos(ph), 9);
      expect(fid[2 * t + 1]).toBeCloseTo(6 * Math.sin(ph), 9);
    }
  });
});

describe('glycogen intrinsic width (LCModel liver-1 FWHM 0.09 ppm, here Lorentzian)', () => {
  const mhz = DEFAULT_PROTOCOL.spectrometerFrequency;
  const glyc = simulateLineLists({ ...DEFAULT_PROTOCOL, sequence: 'fid' }, ['Glyc']).Glyc;

  it('gives every glycogen line a Lorentzian FWHM of 0.09 ppm in Hz at the protocol frequency', () => {
    expect(glyc.fwhmHz).toBeDefined();
    for (const w of glyc.fwhmHz ?? []) expect(w).toBeCloseTo(0.09 * mhz, 9);
  });

  it('adds that width to the rendered Lorentzian width (Lorentzian FWHMs add)', () => {
    // H1 at 5.38 ppm stands alone: FWHM = 0.09 ppm x MHz + lorentzHz.
    expect(measuredFwhm(glyc, 0, 0, 5.2, 5.6)).toBeCloseTo(0.09 * mhz, 0);
    expect(measuredFwhm(glyc, 8, 0, 5.2, 5.6)).toBeCloseTo(0.09 * mhz + 8, 0);
  });
});
