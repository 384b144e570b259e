import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShape, fidView, type MrsData, toFid } from '../../src/core/mrs-data.js';
import { readLcmCoord } from '../../src/io/lcmodel/coord.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import type { ReadMrsOptions } from '../../src/io/read.js';
import { EXTDATA } from '../paths.js';
import { magnitudeSpectrum, medianIn, mirrorSpectrum, peakIn } from './spectrum-helpers.js';

/**
 * Every example file opens through readMrsFile, with the header values its format stores, and shows its
 * landmark peaks at their literature shifts (Govindaraju et al., NMR Biomed 2000;13:129: NAA CH3 2.008,
 * Cr CH3 3.027, Cr/PCr CH2 3.913/3.930 (tCr 3.92), GPC/PCh N(CH3)3 3.212/3.208 (tCho 3.21); ethanol CH3 1.19 and
 * CH2 3.66 (Gottlieb et al., J Org Chem 1997;62:7512); water 4.65-4.7).
 * Set LIVERMRS_PRINT_LANDMARKS=1 to print the positions found (docs/formats.md quotes them).
 * In vivo files must be within 0.03 ppm. Phantom files sit low by a common offset (room-temperature water is
 * about 0.01 ppm/K further downfield, so metabolites referenced to water appear low): there the common offset
 * must lie in the stated range and every peak must sit within 0.035 ppm of literature + that offset, so the
 * pattern (spacings and their order) is checked, which a conjugation error would reverse.
 */
interface Landmark {
  name: string;
  ppm: number;
  window: [number, number];
}

interface Case {
  file: string;
  options?: ReadMrsOptions;
  part?: 'reference';
  format: string;
  shape: string;
  mhz: number;
  dwell: number;
  te?: number;
  tr?: number;
  ppmRef: number;
  landmarks: Landmark[];
  /** Allowed common offset of all landmarks (ppm); in vivo [-0.03, 0.03]. */
  offset?: [number, number];
}

const NAA = (lo = 1.9, hi = 2.1): Landmark => ({ name: 'NAA', ppm: 2.008, window: [lo, hi] });
const CR = (lo = 2.95, hi = 3.1): Landmark => ({ name: 'Cr', ppm: 3.027, window: [lo, hi] });
const CHO = (lo = 3.12, hi = 3.28): Landmark => ({ name: 'tCho', ppm: 3.21, window: [lo, hi] });
const CR2 = (lo = 3.85, hi = 3.98): Landmark => ({ name: 'tCr CH2', ppm: 3.92, window: [lo, hi] });
const WATER = (ppm: number): Landmark => ({ name: 'water', ppm, window: [4.3, 5.0] });
/** The scanner sets its frequency on water; allow the prescan's accuracy (about 3 Hz). */
const WATER_OFFSET: [number, number] = [-0.05, 0.05];
const IN_VIVO: [number, number] = [-0.03, 0.03];
const PHANTOM: [number, number] = [-0.25, 0];
const CH = 'ismrm2016_fitting_challenge';
const CHALLENGE_HEADER = { dwellTime: 2.5e-4, spectrometerFrequency: 123.2 };

const cases: Case[] = [
  {
    file: 'siemens/suspect_SVS_30.rda',
    format: 'Siemens RDA',
    shape: '1024 points',
    mhz: 123.234655,
    dwell: 833e-6,
    te: 0.03,
    tr: 2,
    ppmRef: 4.7,
    landmarks: [NAA(), CR(), CHO()],
  },
  {
    file: 'siemens/suspect_SVS_30.IMA',
    format: 'Siemens DICOM (IMA)',
    shape: '1024 points',
    mhz: 123.234655,
    dwell: 833.4e-6,
    te: 0.03,
    tr: 2,
    ppmRef: 4.7,
    landmarks: [NAA(), CR(), CHO()],
  },
  {
    file: 'siemens/tarquin_example.rda',
    format: 'Siemens RDA',
    shape: '2048 points',
    mhz: 63.68399,
    dwell: 500e-6,
    te: 0.03,
    tr: 1.5,
    ppmRef: 4.7,
    landmarks: [NAA(1.8, 2.05), CR(2.85, 3.0), CHO(3.04, 3.15)],
    offset: PHANTOM,
  },
  {
    file: 'siemens/suspect_SVS_XA60.dcm',
    format: 'Siemens DICOM (enhanced MR Spectroscopy)',
    shape: '1024 points',
    mhz: 123.255089,
    dwell: 833.4e-6,
    te: 0.03,
    tr: 2,
    ppmRef: 4.7,
    // An ethanol phantom: CH3 triplet and CH2 quartet (the tallest line of each multiplet is used).
    landmarks: [
      { name: 'ethanol CH3', ppm: 1.19, window: [0.95, 1.25] },
      { name: 'ethanol CH2', ppm: 3.66, window: [3.45, 3.7] },
    ],
    offset: PHANTOM,
  },
  {
    file: 'philips/spant_philips_spar_sdat_WS.SDAT',
    format: 'Philips SDAT/SPAR',
    shape: '1024 points',
    mhz: 127.786142,
    dwell: 1 / 2000,
    te: 0.03,
    tr: 2,
    ppmRef: 4.65,
    landmarks: [NAA(), CR(), CHO()],
  },
  {
    file: 'philips/spant_philips_spar_sdat_W.SPAR', // the SPAR may be given instead of the SDAT
    format: 'Philips SDAT/SPAR',
    shape: '1024 points',
    mhz: 127.786142,
    dwell: 1 / 2000,
    te: 0.03,
    tr: 2,
    ppmRef: 4.65,
    landmarks: [WATER(4.65)],
    offset: WATER_OFFSET,
  },
  ...['30_WS', '30_ref', '135_WS', '135_ref'].map(
    (s): Case => ({
      // An old SPAR without spectrum_inversion_time. The "_ref" files are copies of the WS data (see README).
      file: `philips/tarquin_svs_${s}.SDAT`,
      format: 'Philips SDAT/SPAR',
      shape: '2048 points',
      mhz: 127.788256,
      dwell: 1 / 2000,
      te: s.startsWith('135') ? 0.135 : 0.03,
      tr: 1.5,
      ppmRef: 4.65,
      landmarks: [NAA(1.75, 1.95), CR(2.78, 2.9), CHO(2.93, 3.06)],
      offset: PHANTOM,
    }),
  ),
  ...['P1751', 'P1802'].flatMap((p): Case[] => [
    {
      file: `ge/tarquin_${p}_1.5T_030_2000.7`,
      format: 'GE P-file',
      shape: '2048 points x 16 DIM_DYN',
      mhz: 63.872622,
      dwell: 1 / 2500,
      te: 0.03,
      tr: 2,
      ppmRef: 4.7, // from the .shf companion (ppm_offset)
      landmarks: [CR(2.85, 3.0), CR2(3.75, 3.9)],
      offset: PHANTOM,
    },
    {
      file: `ge/tarquin_${p}_1.5T_030_2000.7`,
      part: 'reference',
      format: 'GE P-file',
      shape: '2048 points x 8 DIM_DYN',
      mhz: 63.872622,
      dwell: 1 / 2500,
      te: 0.03,
      tr: 2,
      ppmRef: 4.7,
      landmarks: [WATER(4.7)],
      offset: WATER_OFFSET,
    },
  ]),
  {
    file: `${CH}/datasets_JMRUI/dataset1_WS.txt`,
    format: 'jMRUI text',
    shape: '2048 points',
    mhz: 123.22,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [NAA(), CR(), CHO(), CR2()],
  },
  {
    file: `${CH}/datasets_JMRUI/dataset1_nWS.txt`,
    format: 'jMRUI text',
    shape: '2048 points',
    mhz: 123.22,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [WATER(4.65)],
    offset: WATER_OFFSET,
  },
  {
    file: `${CH}/datasets_LCModel/dataset1.RAW`,
    options: CHALLENGE_HEADER,
    format: 'LCModel .RAW',
    shape: '2048 points',
    mhz: 123.2,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [NAA(), CR(), CHO(), CR2()],
  },
  {
    file: `${CH}/datasets_LCModel/dataset1.H2O`,
    options: CHALLENGE_HEADER,
    format: 'LCModel .RAW',
    shape: '2048 points',
    mhz: 123.2,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [WATER(4.65)],
    offset: WATER_OFFSET,
  },
  {
    file: `${CH}/Cr_water_scaling_LCModel/Cr_10mM_test_water_scaling.RAW`,
    options: CHALLENGE_HEADER,
    format: 'LCModel .RAW',
    shape: '2048 points',
    mhz: 123.2,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [CR(), CR2()],
  },
  {
    file: `${CH}/datasets_text/dataset1.txt`,
    options: CHALLENGE_HEADER,
    format: 'text columns',
    shape: '2048 points',
    mhz: 123.2,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [NAA(), CR(), CHO(), CR2()],
  },
  {
    file: `${CH}/datasets_text/dataset1.txt`,
    options: CHALLENGE_HEADER,
    part: 'reference',
    format: 'text columns',
    shape: '2048 points',
    mhz: 123.2,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [WATER(4.65)],
    offset: WATER_OFFSET,
  },
  {
    file: `${CH}/basisset_JMRUI/NAA.txt`,
    format: 'jMRUI text',
    shape: '2048 points',
    mhz: 123.22,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [NAA()],
  },
  {
    file: `${CH}/basisset_text/Cr.txt`,
    options: CHALLENGE_HEADER,
    format: 'text columns',
    shape: '2048 points',
    mhz: 123.2,
    dwell: 2.5e-4,
    ppmRef: 4.65,
    landmarks: [CR(), CR2()],
  },
];

function load(c: Case): MrsData {
  const m = readMrsFile(join(EXTDATA, c.file), c.options);
  if (c.part === 'reference') {
    expect(m.reference, `${c.file} has a water reference`).toBeDefined();
    return m.reference as MrsData;
  }
  return m;
}

describe('readers: every example file opens with its header values', () => {
  for (const c of cases) {
    it(`${c.file}${c.part ? ` (${c.part})` : ''}`, () => {
      const m = load(c);
      expect(m.source.format).toBe(c.format);
      expect(describeShape(m)).toBe(c.shape);
      expect(m.header.spectrometerFrequency).toBeCloseTo(c.mhz, 6);
      expect(m.header.dwellTime).toBeCloseTo(c.dwell, 10);
      expect(m.header.echoTime).toBe(c.te);
      expect(m.header.repetitionTime).toBe(c.tr);
      expect(m.header.ppmReference).toBe(c.ppmRef);
      expect(m.header.nucleus).toBe('1H');
    });
  }
});

describe('readers: landmark peaks at their chemical shifts, with the right conjugation', () => {
  for (const c of cases) {
    const names = c.landmarks.map((l) => `${l.name} ${l.ppm}`).join(', ');
    it(`${c.file}${c.part ? ` (${c.part})` : ''}: ${names}`, () => {
      const m = load(c);
      const s = magnitudeSpectrum(m);
      const found = c.landmarks.map((l) => peakIn(m, s, l.window[0], l.window[1]));
      const offsets = found.map((p, i) => p.ppm - c.landmarks[i].ppm);
      const common = offsets.reduce((a, b) => a + b, 0) / offsets.length;
      if (process.env.LIVERMRS_PRINT_LANDMARKS)
        console.log(
          `LM ${c.file} ${c.part ?? ''}: ${found.map((p, i) => `${c.landmarks[i].name} ${p.ppm.toFixed(3)}`).join(', ')}; offset ${common.toFixed(3)}`,
        );
      const [lo, hi] = c.offset ?? IN_VIVO;
      expect(common, `common offset of ${names}`).toBeGreaterThanOrEqual(lo);
      expect(common, `common offset of ${names}`).toBeLessThanOrEqual(hi);
      offsets.forEach((o, i) => {
        expect(Math.abs(o - common), `${c.landmarks[i].name} relative to the others`).toBeLessThan(0.035);
      });
      // A conjugated FID would mirror the spectrum about the reference: the landmarks must stand out more in
      // the spectrum as read than in its mirror image (prominence = peak / median of the surrounding 0.8 ppm).
      const away = c.landmarks.filter((l) => Math.abs(l.ppm - m.header.ppmReference) > 0.3);
      if (away.length) {
        const mirror = mirrorSpectrum(m, s);
        const score = (spec: Float64Array) =>
          away.reduce(
            (sum, l) =>
              sum +
              peakIn(m, spec, l.window[0], l.window[1]).height /
                medianIn(m, spec, l.window[0] - 0.4, l.window[1] + 0.4),
            0,
          );
        expect(score(s), 'landmark prominence as read vs mirrored').toBeGreaterThan(1.2 * score(mirror));
      }
    });
  }
});

describe('readers: cross-checks between formats', () => {
  it('the Siemens RDA and DICOM exports of one acquisition hold the same FID', () => {
    const rda = toFid(readMrsFile(join(EXTDATA, 'siemens/suspect_SVS_30.rda')));
    const ima = toFid(readMrsFile(join(EXTDATA, 'siemens/suspect_SVS_30.IMA')));
    let num = 0;
    let den = 0;
    for (let i = 0; i < rda.data.length; i++) {
      num += (rda.data[i] - ima.data[i]) ** 2;
      den += rda.data[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-6); // float32 vs float64 storage
  });

  it('jMRUI text, LCModel .RAW and text columns of challenge dataset 1 agree after conjugation', () => {
    const j = readMrsFile(join(EXTDATA, `${CH}/datasets_JMRUI/dataset1_WS.txt`));
    const r = readMrsFile(join(EXTDATA, `${CH}/datasets_LCModel/dataset1.RAW`), CHALLENGE_HEADER);
    const t = readMrsFile(join(EXTDATA, `${CH}/datasets_text/dataset1.txt`), CHALLENGE_HEADER);
    for (const k of [0, 1, 2, 3, 101, 1001]) {
      expect(fidView(j, 0)[k]).toBeCloseTo(fidView(t, 0)[k], 3);
      expect(fidView(r, 0)[k] / fidView(t, 0)[k]).toBeCloseTo(1, 4);
    }
  });

  it('TARQUIN simulated LCModel .RAW: NAA, Cr and Cho spacings match literature at any spectral width', () => {
    // The file stores neither dwell time nor frequency; distances from the reference scale together, so their
    // ratios are a known answer independent of the assumed header. Mirroring would put the peaks above 4.65.
    const m = readMrsFile(join(EXTDATA, 'lcmodel/tarquin_LCM_WS.RAW'), {
      dwellTime: 1 / 2000,
      spectrometerFrequency: 127.8,
    });
    const s = magnitudeSpectrum(m);
    const d = (lo: number, hi: number) => 4.65 - peakIn(m, s, lo, hi).ppm;
    const dNaa = d(1.8, 2.1);
    const dCr = d(2.9, 3.05);
    const dCho = d(3.1, 3.25);
    expect(dCr / dNaa).toBeCloseTo((4.65 - 3.027) / (4.65 - 2.008), 1);
    expect(dCho / dNaa).toBeCloseTo((4.65 - 3.185) / (4.65 - 2.008), 1);
    const w = readMrsFile(join(EXTDATA, 'lcmodel/tarquin_LCM_W.RAW'), {
      dwellTime: 1 / 2000,
      spectrometerFrequency: 127.8,
    });
    expect(
      Math.max(
        ...Array.from(fidView(w, 0))
          .filter((_, i) => i % 2 === 1)
          .map(Math.abs),
      ),
    ).toBe(0); // a fake water reference
  });
});

describe('the liver spectrum (LCModel .COORD, read by the fitting module)', () => {
  it('has its largest peak, the (CH2)n lipid, at 1.30 ppm (Hamilton et al., NMR Biomed 2011;24:784)', () => {
    const c = readLcmCoord(
      readFileSync(join(EXTDATA, 'lcmodel/suspect_liver.COORD'), 'latin1'),
      'suspect_liver.COORD',
    );
    let best = 0;
    for (let i = 1; i < c.data.length; i++) if (c.data[i] > c.data[best]) best = i;
    expect(Math.abs(c.ppm[best] - 1.3)).toBeLessThan(0.05);
    // and the axis runs from high to low ppm, as spectra are drawn
    expect(c.ppm[0]).toBeGreaterThan(c.ppm[c.ppm.length - 1]);
  });
});
