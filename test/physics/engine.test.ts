import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/linalg/index.js';
import {
  type Molecule,
  pressSequence,
  pulseAcquireSequence,
  simulateMolecule,
  steamSequence,
} from '../../src/physics/index.js';
import { totalSpinDecomposition } from '../../src/physics/spin-operators.js';
import { renderLines } from '../../src/spectra/render.js';
import { type DenseStep, denseSteamSteps, normalisedDenseFid } from './dense-reference.js';

const MHZ = 127.76;
const REF = 4.65;

function molecule(
  spins: { id: string; ppm: number; protons?: number }[],
  couplings: [string, string, number][],
) {
  const m: Molecule = {
    name: 'test',
    fullName: 'test system',
    group: 'metabolite',
    source: 'test',
    fragments: [
      {
        label: 'test',
        scale: 1,
        source: 'test',
        fwhmPpm: 0,
        spins: spins.map((s) => ({
          id: s.id,
          ppm: s.ppm,
          protons: s.protons ?? 1,
          nucleus: '1H',
          exchangeable: false,
        })),
        couplings: couplings.map(([a, b, hz]) => ({ a, b, hz })),
      },
    ],
  };
  return m;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('symmetric eigensolver', () => {
  it('reconstructs random symmetric matrices to machine precision', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    for (const n of [1, 2, 5, 17, 40]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const v = rnd();
          a[i * n + j] = v;
          a[j * n + i] = v;
        }
      }
      const { values, vectors } = symmetricEigen(a, n);
      let err = 0;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[j * n + k];
          err = Math.max(err, Math.abs(av - values[k] * vectors[i * n + k]));
        }
      }
      expect(err).toBeLessThan(1e-12);
      for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
    }
  });
});

describe('total-spin decomposition of equivalent protons', () => {
  it('gives multiplicities that fill the 2^n Zeeman space', () => {
    expect(totalSpinDecomposition(3)).toEqual([
      { twoS: 3, multiplicity: 1 },
      { twoS: 1, multiplicity: 2 },
    ]);
    for (let n = 1; n <= 9; n++) {
      const dim = totalSpinDecomposition(n).reduce((s, p) => s + p.multiplicity * (p.twoS + 1), 0);
      expect(dim).toBe(2 ** n);
    }
  });
});

describe('engine against an independent dense simulation', () => {
  const points = 128;
  const dwell = 1 / 2000;
  const cases: {
    name: string;
    spins: { id: string; ppm: number; protons?: number }[];
    j: [string, string, number][];
  }[] = [
    {
      name: 'strongly coupled ABX',
      spins: [
        { id: 'A', ppm: 2.0 },
        { id: 'B', ppm: 2.05 },
        { id: 'X', ppm: 3.7 },
      ],
      j: [
        ['A', 'B', -15],
        ['A', 'X', 7],
        ['B', 'X', 4],
      ],
    },
    {
      name: 'methyl group coupled to a close CH (A3B, composite spin-3/2 + 2 x spin-1/2)',
      spins: [
        { id: 'CH3', ppm: 1.3, protons: 3 },
        { id: 'CH', ppm: 1.42 },
      ],
      j: [['CH3', 'CH', 7]],
    },
    {
      name: "taurine-like AA'XX'",
      spins: [
        { id: 'A1', ppm: 3.42 },
        { id: 'A2', ppm: 3.42 },
        { id: 'X1', ppm: 3.25 },
        { id: 'X2', ppm: 3.25 },
      ],
      j: [
        ['A1', 'A2', -12.4],
        ['A1', 'X1', 6.74],
        ['A1', 'X2', 6.46],
        ['A2', 'X1', 6.4],
        ['A2', 'X2', 6.79],
        ['X1', 'X2', -12.9],
      ],
    },
  ];
  const sequences: { name: string; engine: ReturnType<typeof pressSequence>; dense: DenseStep[] }[] = [
    { name: 'pulse-acquire', engine: pulseAcquireSequence(), dense: [{ pulse: 90, keep: 1 }] },
    {
      name: 'PRESS 11/19 ms',
      engine: pressSequence(0.011, 0.019),
      dense: [
        { pulse: 90, keep: 1 },
        { delay: 0.0055 },
        { pulse: 180, keep: -1 },
        { delay: 0.015 },
        { pulse: 180, keep: 1 },
        { delay: 0.0095 },
      ],
    },
    {
      name: 'STEAM TE 20 TM 10 ms',
      engine: steamSequence(0.02, 0.01),
      dense: denseSteamSteps(0.02, 0.01),
    },
  ];
  for (const c of cases) {
    for (const s of sequences) {
      it(`${c.name}, ${s.name}`, () => {
        const lines = simulateMolecule(molecule(c.spins, c.j), {
          spectrometerFrequency: MHZ,
          ppmReference: REF,
          sequence: s.engine,
        });
        const fid = renderLines(lines, { points, dwellTime: dwell });
        // Expand equivalent groups into single spins for the dense reference.
        const ids: string[] = [];
        const dense: { ppm: number }[] = [];
        for (const sp of c.spins) {
          for (let k = 0; k < (sp.protons ?? 1); k++) {
            ids.push(sp.id);
            dense.push({ ppm: sp.ppm });
          }
        }
        const dj: [number, number, number][] = [];
        for (const [a, b, hz] of c.j) {
          ids.forEach((ia, x) => {
            ids.forEach((ib, y) => {
              if (ia === a && ib === b) dj.push([x, y, hz]);
            });
          });
        }
        const ref = normalisedDenseFid(dense, dj, MHZ, REF, s.dense, points, dwell);
        expect(maxAbsDiff(fid, ref)).toBeLessThan(1e-9);
        // and the first point of a pulse-acquire FID is the proton count
        if (s.name === 'pulse-acquire') expect(fid[0]).toBeCloseTo(dense.length, 9);
      });
    }
  }
});
