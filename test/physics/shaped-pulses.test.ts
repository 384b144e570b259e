import { describe, expect, it } from 'vitest';
import {
  defaultSpinSystems,
  pressSequence,
  simulateMolecule,
  steamSequence,
} from '../../src/physics/index.js';
import {
  fullSpace,
  hardPulse,
  hermitePulse,
  hyperbolicSecantPulse,
  measureBandwidthHz,
  peakB1Hz,
  pulsePropagator,
  type RfPulse,
  readPta,
  type ShapedPulseStep,
  shapedPress,
  shapedRunner,
  shapedSteam,
  singleSpinProfile,
  sincPulse,
  sliceGrid,
  spinRepresentation,
  writePta,
} from '../../src/physics/pulses/index.js';
import { rotationY } from '../../src/physics/spin-operators.js';
import type { LineList } from '../../src/spectra/line-list.js';

const MHZ = 127.76;
const REF = 4.65;

function maxLineDifference(a: LineList, b: LineList): number {
  expect(b.hz.length).toBe(a.hz.length);
  let err = 0;
  for (let k = 0; k < a.hz.length; k++) {
    err = Math.max(
      err,
      Math.abs(a.hz[k] - b.hz[k]),
      Math.abs(a.re[k] - b.re[k]),
      Math.abs(a.im[k] - b.im[k]),
    );
  }
  return err;
}

/**
 * Independent Bloch integrator: per sample, the magnetisation vector is rotated (Rodrigues) by
 * |Omega| dt about Omega = 2 pi (b1 a cos phi, b1 a sin phi, offset), right-handed (dM/dt = Omega x M in the
 * rotating frame of a proton with the engine's sign conventions).
 */
function bloch(p: RfPulse, b1: number, offsetHz: number, phase0: number, m0: [number, number, number]) {
  let [mx, my, mz] = m0;
  const dt = p.duration / p.amplitude.length;
  for (let k = 0; k < p.amplitude.length; k++) {
    const phi = p.phase[k] + phase0;
    const ox = 2 * Math.PI * b1 * p.amplitude[k] * Math.cos(phi);
    const oy = 2 * Math.PI * b1 * p.amplitude[k] * Math.sin(phi);
    const oz = 2 * Math.PI * offsetHz;
    const w = Math.hypot(ox, oy, oz);
    if (w === 0) continue;
    const [nx, ny, nz] = [ox / w, oy / w, oz / w];
    const th = w * dt;
    const c = Math.cos(th);
    const s = Math.sin(th);
    const dot = nx * mx + ny * my + nz * mz;
    const cx = ny * mz - nz * my;
    const cy = nz * mx - nx * mz;
    const cz = nx * my - ny * mx;
    mx = mx * c + cx * s + nx * dot * (1 - c);
    my = my * c + cy * s + ny * dot * (1 - c);
    mz = mz * c + cz * s + nz * dot * (1 - c);
  }
  return [mx, my, mz];
}

/** Single-spin density-matrix response of one selective step at position x, through the engine's propagator. */
function spinHalfResponse(step: ShapedPulseStep, offsetHz: number, x: number) {
  const space = fullSpace({ twoS: [1], offsetHz: [offsetHz], couplingHz: [0] });
  const u = pulsePropagator(space, step, step.gradientHzPerM * x);
  // rho = U Iz U^dagger from Iz = diag(1/2, -1/2); U = [[u00, u01], [u10, u11]]
  const c = (i: number) => ({ re: u.re[i], im: u.im[i] });
  const [u00, u01, u10, u11] = [c(0), c(1), c(2), c(3)];
  // rho01 = (u00 conj(u10) - u01 conj(u11)) / 2
  const r01re = (u00.re * u10.re + u00.im * u10.im - (u01.re * u11.re + u01.im * u11.im)) / 2;
  const r01im = (u00.im * u10.re - u00.re * u10.im - (u01.im * u11.re - u01.re * u11.im)) / 2;
  const r00 = (u00.re ** 2 + u00.im ** 2 - (u01.re ** 2 + u01.im ** 2)) / 2;
  // refocusing: |<-|U|+>|^2 = |u10|^2 (the +1 -> -1 pathway's amplitude from F+)
  return { mx: 2 * r01re, my: -2 * r01im, mz: 2 * r00, refocus: u10.re ** 2 + u10.im ** 2 };
}

describe('pulses as data', () => {
  it('spin-S representations of a y rotation equal the Wigner d matrices of the ideal engine', () => {
    for (const twoS of [1, 2, 3, 4]) {
      const th = 1.1;
      const d = spinRepresentation(twoS, { ar: Math.cos(th / 2), ai: 0, br: Math.sin(th / 2), bi: 0 });
      const r = rotationY(twoS, th);
      for (let i = 0; i < r.length; i++) {
        expect(Math.abs(d.re[i] - r[i])).toBeLessThan(1e-13);
        expect(Math.abs(d.im[i])).toBeLessThan(1e-13);
      }
    }
  });

  it('calibrates B1 from the amplitude integral and measures the sinc bandwidth as lobes / duration', () => {
    const p = sincPulse(2.6e-3, 90, { lobes: 6 });
    const prof = singleSpinProfile(p, [0]);
    expect(prof.mz[0]).toBeCloseTo(0, 6); // on resonance: 90 degrees
    expect(Math.hypot(prof.mxRe[0], prof.mxIm[0])).toBeCloseTo(1, 6);
    expect(singleSpinProfile(p, [0], 180).mz[0]).toBeCloseTo(-1, 6);
    const bw = measureBandwidthHz({ ...p, timeBandwidth: undefined });
    expect(Math.abs(bw / (6 / 2.6e-3) - 1)).toBeLessThan(0.12);
    expect(peakB1Hz(hardPulse(1e-3, 90))).toBeCloseTo(250, 9);
  });

  it('hermite 90 excites and a hyperbolic secant inverts adiabatically (same Mz at 1x and 1.5x B1)', () => {
    const h = hermitePulse(2e-3, 90);
    expect(singleSpinProfile(h, [0]).mz[0]).toBeCloseTo(0, 6);
    const hs = hyperbolicSecantPulse(8e-3);
    const a = singleSpinProfile(hs, [0, 200]);
    const b = singleSpinProfile({ ...hs, b1MaxHz: hs.b1MaxHz! * 1.5 }, [0, 200]);
    for (const m of [...a.mz, ...b.mz]) expect(m).toBeLessThan(-0.98);
  });

  it('.pta text round-trips (amplitude, phase, time-bandwidth product from REFGRAD)', () => {
    const p = sincPulse(5.2e-3, 180, { lobes: 4, samples: 128 });
    const text = writePta(p);
    expect(text.startsWith('PULSENAME:\tsinc4-hann\r\n')).toBe(true);
    expect(text).toMatch(/REFGRAD:\t[0-9.]+\r\n/);
    expect(text).toMatch(/\r\n1\.000000000\t0\.000000000\t;\t\(64\)\r\n/);
    const { pulse, header } = readPta(text, { duration: 5.2e-3, flipDegrees: 180 });
    expect(header.AMPINT).toBeGreaterThan(0);
    expect(pulse.amplitude.length).toBe(128);
    expect(pulse.timeBandwidth!).toBeCloseTo(4, 6);
    for (let k = 0; k < 128; k++) {
      expect(pulse.amplitude[k]).toBeCloseTo(p.amplitude[k], 8);
      expect(Math.cos(pulse.phase[k])).toBeCloseTo(Math.cos(p.phase[k]), 8);
    }
    expect(() => readPta('PULSENAME:\tx\n1 2 3 oops\nfoo', { duration: 1e-3, flipDegrees: 90 })).toThrow(
      /line 3/,
    );
  });
});

describe('shaped-pulse engine: known answers', () => {
  const lib = defaultSpinSystems();
  const hard = { excitation: hardPulse(1e-9, 90), refocusing: hardPulse(1e-9, 180) };

  it('(a) hard pulses of vanishing duration reproduce the ideal PRESS and STEAM line lists to 1e-6', () => {
    const press = pressSequence(0.015, 0.015);
    const steam = steamSequence(0.02, 0.01);
    for (const name of ['Lac', 'Glu']) {
      const base = { spectrometerFrequency: MHZ, ppmReference: REF };
      const ideal = simulateMolecule(lib.get(name), { ...base, sequence: press });
      const shaped = simulateMolecule(lib.get(name), {
        ...base,
        sequence: press,
        runner: shapedRunner(shapedPress(0.015, 0.015, hard, { grid: 1 })),
      });
      expect(maxLineDifference(ideal, shaped)).toBeLessThan(1e-6);
    }
    const base = { spectrometerFrequency: MHZ, ppmReference: REF, sequence: steam };
    const ideal = simulateMolecule(lib.get('Lac'), base);
    const shaped = simulateMolecule(lib.get('Lac'), {
      ...base,
      runner: shapedRunner(shapedSteam(0.02, 0.01, hardPulse(1e-9, 90), { grid: 1 })),
    });
    expect(maxLineDifference(ideal, shaped)).toBeLessThan(1e-6);
  });

  it('(b) sinc slice profiles from the density matrix match an independent Bloch integrator', () => {
    const pulses = {
      excitation: sincPulse(2.6e-3, 90, { lobes: 6, samples: 128 }),
      refocusing: sincPulse(5.2e-3, 180, { lobes: 6, samples: 128 }),
    };
    const seq = shapedPress(0.03, 0.03, pulses, { thickness: 0.02, grid: 41 });
    const exc = seq.steps[0] as ShapedPulseStep;
    const ref = seq.steps[2] as ShapedPulseStep;
    let worst = 0;
    for (const x of exc.positions) {
      const dm = spinHalfResponse(exc, 0, x);
      const b = bloch(exc.pulse, peakB1Hz(exc.pulse, 90), exc.gradientHzPerM * x, exc.phase, [0, 0, 1]);
      worst = Math.max(worst, Math.abs(dm.mx - b[0]), Math.abs(dm.my - b[1]), Math.abs(dm.mz - b[2]));
    }
    for (const x of ref.positions) {
      const dm = spinHalfResponse(ref, 0, x);
      const b = bloch(ref.pulse, peakB1Hz(ref.pulse, 180), ref.gradientHzPerM * x, ref.phase, [0, 0, 1]);
      worst = Math.max(worst, Math.abs(dm.mz - b[2]), Math.abs(dm.refocus - (1 - b[2]) / 2));
    }
    expect(worst).toBeLessThan(1e-10);
    // and the profile is a slice: full excitation at the centre, none at the edge of the field of view
    expect(spinHalfResponse(exc, 0, 0).mz).toBeLessThan(0.01);
    expect(spinHalfResponse(exc, 0, 0.02).mz).toBeGreaterThan(0.99);
  });

  it('(c) the chemical-shift displacement of a singlet at 3.4 ppm equals offset / (gamma G)', () => {
    const pulses = {
      excitation: sincPulse(2.6e-3, 90, { lobes: 6, samples: 128 }),
      refocusing: sincPulse(5.2e-3, 180, { lobes: 6, samples: 128 }),
    };
    const seq = shapedPress(0.03, 0.03, pulses, { thickness: 0.02, grid: 1 });
    const offset = (3.4 - REF) * MHZ; // -159.7 Hz
    const xs = sliceGrid(241, 0.06);
    for (const step of [seq.steps[0], seq.steps[2]] as ShapedPulseStep[]) {
      const centroid = (nu: number) => {
        let s = 0;
        let sx = 0;
        for (const x of xs) {
          const r = spinHalfResponse(step, nu, x);
          const w = step.flipDegrees === 90 ? Math.hypot(r.mx, r.my) : r.refocus;
          s += w;
          sx += w * x;
        }
        return sx / s;
      };
      const shift = centroid(offset) - centroid(0);
      const expected = -offset / step.gradientHzPerM; // resonance where offset + gamma G x = 0
      expect(Math.abs(expected)).toBeGreaterThan(0.001); // mm-scale: a real displacement
      expect(Math.abs(shift - expected)).toBeLessThan(0.001 * 0.02); // measured: 1.382 vs 1.384 mm (90), 2.768 vs 2.768 mm (180)
    }
  });

  it('a singlet keeps its proton count (|amplitudes| sum) through shaped PRESS', () => {
    const seq = shapedPress(0.015, 0.015, defaultPulses(), { grid: 8 }, 8);
    const base = { spectrometerFrequency: MHZ, ppmReference: REF, sequence: pressSequence(0.015, 0.015) };
    const cr = simulateMolecule(lib.get('Cr'), { ...base, runner: shapedRunner(seq) });
    let total = 0;
    for (let k = 0; k < cr.re.length; k++) total += Math.hypot(cr.re[k], cr.im[k]);
    expect(total).toBeGreaterThan(4.5);
    expect(total).toBeLessThan(5.5);
  });
});

function defaultPulses() {
  return {
    excitation: sincPulse(2.6e-3, 90, { lobes: 6, samples: 64 }),
    refocusing: sincPulse(5.2e-3, 180, { lobes: 6, samples: 64 }),
  };
}

/** Complex dense matrices for the brute-force check: [re, im] row-major n x n. */
type Cm = { re: Float64Array; im: Float64Array; n: number };
const cz = (n: number): Cm => ({ re: new Float64Array(n * n), im: new Float64Array(n * n), n });
function cmul(a: Cm, b: Cm): Cm {
  const n = a.n;
  const c = cz(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const ar = a.re[i * n + k];
      const ai = a.im[i * n + k];
      for (let j = 0; j < n; j++) {
        c.re[i * n + j] += ar * b.re[k * n + j] - ai * b.im[k * n + j];
        c.im[i * n + j] += ar * b.im[k * n + j] + ai * b.re[k * n + j];
      }
    }
  return c;
}
function kron(a: Cm, b: Cm): Cm {
  const n = a.n * b.n;
  const c = cz(n);
  for (let i = 0; i < a.n; i++)
    for (let j = 0; j < a.n; j++)
      for (let k = 0; k < b.n; k++)
        for (let l = 0; l < b.n; l++) {
          const r = (i * b.n + k) * n + j * b.n + l;
          const [xr, xi, yr, yi] = [
            a.re[i * a.n + j],
            a.im[i * a.n + j],
            b.re[k * b.n + l],
            b.im[k * b.n + l],
          ];
          c.re[r] = xr * yr - xi * yi;
          c.im[r] = xr * yi + xi * yr;
        }
  return c;
}
/** exp(-i 2 pi H t) for Hermitian H by scaling and squaring of a 30-term Taylor series. */
function expmi(h: Cm, t: number): Cm {
  const n = h.n;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += Math.hypot(h.re[i], h.im[i]);
  let sq = 0;
  while (norm * 2 * Math.PI * Math.abs(t) * 2 ** -sq > 0.5) sq++;
  const f = (-2 * Math.PI * t) / 2 ** sq;
  const x = cz(n); // -i f' H with f' = 2 pi t / 2^sq: (-i)(hr + i hi) f = (hi f) + i(-hr f)
  for (let i = 0; i < n * n; i++) {
    x.re[i] = -h.im[i] * f;
    x.im[i] = h.re[i] * f;
  }
  let result = cz(n);
  let term = cz(n);
  for (let i = 0; i < n; i++) {
    result.re[i * n + i] = 1;
    term.re[i * n + i] = 1;
  }
  for (let k = 1; k <= 30; k++) {
    term = cmul(term, x);
    for (let i = 0; i < n * n; i++) {
      term.re[i] /= k;
      term.im[i] /= k;
      result.re[i] += term.re[i];
      result.im[i] += term.im[i];
    }
  }
  for (let s = 0; s < sq; s++) result = cmul(result, result);
  return result;
}
/** Spin matrices (Sx, Sy, Sz) for spin twoS / 2 in the engine's order (k = 0 is m = +S). */
function spinOps(twoS: number): [Cm, Cm, Cm] {
  const d = twoS + 1;
  const S = twoS / 2;
  const sx = cz(d);
  const sy = cz(d);
  const sz = cz(d);
  for (let k = 0; k < d; k++) {
    const m = S - k;
    sz.re[k * d + k] = m;
    if (k > 0) {
      const up = Math.sqrt(S * (S + 1) - m * (m + 1)) / 2; // <m+1|S+|m> / 2, row k-1, col k
      sx.re[(k - 1) * d + k] = up;
      sx.re[k * d + k - 1] = up;
      sy.im[(k - 1) * d + k] = -up; // Sy = (S+ - S-) / 2i
      sy.im[k * d + k - 1] = up;
    }
  }
  return [sx, sy, sz];
}

describe('shaped-pulse engine against a brute-force propagator', () => {
  it('matches the product of dense exponentials of the full Hamiltonian per sample (strong coupling, spin 3/2)', () => {
    // A strongly coupled AB pair (0.1 ppm apart, J 12 Hz) and a methyl-like spin 3/2 coupled to B, off centre.
    const twoS = [1, 1, 3];
    const offsetHz = [-150, -137, -330];
    const couplingHz = [0, 12, 0, 12, 0, 7, 0, 7, 0];
    const pulse = sincPulse(5.2e-3, 180, { lobes: 6, samples: 64 });
    const step: ShapedPulseStep = {
      kind: 'pulse',
      pulse,
      flipDegrees: 180,
      phase: Math.PI / 2,
      keep: -1,
      gradientHzPerM: 50000,
      positions: Float64Array.of(0.003),
      prephaseSeconds: 0,
      rephaseSeconds: 0,
    };
    const ops = twoS.map(spinOps);
    const eye = (d: number) => {
      const m = cz(d);
      for (let i = 0; i < d; i++) m.re[i * d + i] = 1;
      return m;
    };
    const embed = (g: number, op: Cm) =>
      twoS.map((t, q) => (q === g ? op : eye(t + 1))).reduce((a, b) => kron(a, b));
    const D = 16;
    const add = (acc: Cm, m: Cm, w: number) => {
      for (let i = 0; i < D * D; i++) {
        acc.re[i] += w * m.re[i];
        acc.im[i] += w * m.im[i];
      }
    };
    const hStatic = cz(D);
    const delta = step.gradientHzPerM * step.positions[0];
    for (let g = 0; g < twoS.length; g++) add(hStatic, embed(g, ops[g][2]), offsetHz[g] + delta);
    for (let a = 0; a < 3; a++)
      for (let b = a + 1; b < 3; b++) {
        const j = couplingHz[a * 3 + b];
        if (j === 0) continue;
        for (let c = 0; c < 3; c++) add(hStatic, cmul(embed(a, ops[a][c]), embed(b, ops[b][c])), j);
      }
    const fx = cz(D);
    const fy = cz(D);
    twoS.forEach((_, g) => {
      add(fx, embed(g, ops[g][0]), 1);
      add(fy, embed(g, ops[g][1]), 1);
    });
    const b1 = peakB1Hz(pulse, 180);
    const dt = pulse.duration / 64;
    let exact = eye(D);
    for (let k = 0; k < 64; k++) {
      const h = cz(D);
      add(h, hStatic, 1);
      const w = b1 * pulse.amplitude[k];
      add(h, fx, w * Math.cos(pulse.phase[k] + step.phase));
      add(h, fy, w * Math.sin(pulse.phase[k] + step.phase));
      exact = cmul(expmi(h, dt), exact);
    }
    const space = fullSpace({ twoS, offsetHz, couplingHz });
    const diff = (steps: number) => {
      const u = pulsePropagator(space, step, delta, steps);
      let e = 0;
      for (let i = 0; i < D * D; i++)
        e = Math.max(e, Math.hypot(u.re[i] - exact.re[i], u.im[i] - exact.im[i]));
      return e;
    };
    // Measured max element errors: 4.3e-5 (64 steps), 1.7e-4 (32), 6.9e-4 (16, the default), 2.9e-3 (8): the
    // splitting converges to the brute-force propagator at second order (error x4 per halving of the step).
    const e64 = diff(64);
    const e32 = diff(32);
    expect(e64).toBeLessThan(1e-4);
    expect(e32 / e64).toBeGreaterThan(3.5);
    expect(e32 / e64).toBeLessThan(4.5);
    expect(diff(16)).toBeLessThan(1e-3);
  });
});

describe("FSL-MRS's JSON sequence description", () => {
  it('round-trips shaped PRESS, STEAM and semi-LASER through write and read: the same lines to 1e-9', async () => {
    const { readFslSequence, writeFslSequence, runShapedSequence } = await import(
      '../../src/physics/pulses/index.js'
    );
    const pulses = {
      excitation: sincPulse(2.6e-3, 90, { lobes: 6, samples: 32 }),
      refocusing: sincPulse(5.2e-3, 180, { lobes: 6, samples: 32 }),
    };
    const protocol = { spectrometerFrequency: MHZ, ppmReference: REF, points: 1024, dwellTime: 1 / 2000 };
    const lac = {
      twoS: [3, 1],
      offsetHz: [(1.31 - REF) * MHZ, (4.1 - REF) * MHZ],
      couplingHz: [0, 6.9, 6.9, 0],
    };
    const { shapedSemiLaser } = await import('../../src/physics/pulses/index.js');
    for (const seq of [
      shapedPress(0.015, 0.015, pulses, { grid: 5 }, 4),
      shapedSteam(0.02, 0.01, pulses.excitation, { grid: 5 }, 4),
      shapedSemiLaser(0.03, pulses.excitation, hyperbolicSecantPulse(4e-3, { samples: 64 }), { grid: 5 }, 4),
    ]) {
      const text = writeFslSequence(seq, protocol);
      const json = JSON.parse(text);
      const filters: Record<string, number[]> = {
        'press-shaped': [-1, 1, -1],
        'steam-shaped': [1, 0, -1],
        'slaser-shaped': [-1, 1, -1, 1, -1],
      };
      expect(json.CoherenceFilter).toEqual(filters[seq.name]);
      const back = readFslSequence(text, 'seq.json', 4);
      expect(back.spectrometerFrequency).toBeCloseTo(MHZ, 9);
      expect(back.points).toBe(1024);
      const a = { hz: [] as number[], re: [] as number[], im: [] as number[] };
      const b = { hz: [] as number[], re: [] as number[], im: [] as number[] };
      runShapedSequence(lac, seq, 1, a);
      runShapedSequence(lac, back.sequence, 1, b);
      expect(b.hz.length).toBe(a.hz.length);
      for (let k = 0; k < a.hz.length; k++) {
        expect(Math.abs(a.re[k] - b.re[k]) + Math.abs(a.im[k] - b.im[k])).toBeLessThan(1e-9);
      }
    }
    expect(() => readFslSequence('{"B0": 3}', 'x.json')).toThrow(
      /x\.json: x: x = undefined \(expected a list of numbers\)/,
    );
  });
});

describe('semi-LASER with adiabatic refocusing pairs', () => {
  const lib = defaultSpinSystems();
  it('reproduces an ideal 90-180-180-180-180 train with hard pulses and keeps singlet areas with hsec pairs', async () => {
    const { shapedSemiLaser } = await import('../../src/physics/pulses/index.js');
    const te = 0.03;
    const tau = te / 8;
    const p = (flipDegrees: number, keep: number) => ({ kind: 'pulse' as const, flipDegrees, keep });
    const d = (seconds: number) => ({ kind: 'delay' as const, seconds });
    const ideal = {
      name: 'slaser',
      steps: [
        p(90, 1),
        d(tau),
        p(180, -1),
        d(2 * tau),
        p(180, 1),
        d(2 * tau),
        p(180, -1),
        d(2 * tau),
        p(180, 1),
        d(tau),
      ],
    };
    const base = { spectrometerFrequency: MHZ, ppmReference: REF, sequence: ideal };
    const hard = shapedSemiLaser(te, hardPulse(1e-9, 90), hardPulse(1e-9, 180), { grid: 1 });
    const a = simulateMolecule(lib.get('Lac'), base);
    const b = simulateMolecule(lib.get('Lac'), { ...base, runner: shapedRunner(hard) });
    expect(maxLineDifference(a, b)).toBeLessThan(1e-6); // measured 1.5e-7
    // Each adiabatic pair cancels the other's non-linear phase only position by position: 32 positions give
    // Cr 4.990 and the 1.3 ppm lipid group 71.97 of 71.98 protons (8 positions: 5.47, under-resolved).
    const seq = shapedSemiLaser(te, sincPulse(2.6e-3, 90, { samples: 128 }), hyperbolicSecantPulse(4e-3), {
      grid: 32,
    });
    for (const [name, protons] of [
      ['Cr', 5],
      ['L13', 71.98],
    ] as const) {
      const l = simulateMolecule(lib.get(name), { ...base, runner: shapedRunner(seq) });
      let re = 0;
      let im = 0;
      for (let k = 0; k < l.re.length; k++) {
        re += l.re[k];
        im += l.im[k];
      }
      expect(Math.abs(re / protons - 1)).toBeLessThan(0.005);
      expect(Math.abs(im / protons)).toBeLessThan(0.005);
    }
  });
});

describe('semi-LASER known answers', () => {
  const sum = (sink: { re: ArrayLike<number>; im: ArrayLike<number> }, gain: { re: number; im: number }) => {
    let re = 0;
    let im = 0;
    for (let k = 0; k < sink.re.length; k++) {
      re += sink.re[k];
      im += sink.im[k];
    }
    const d = gain.re ** 2 + gain.im ** 2;
    return { re: (re * gain.re + im * gain.im) / d, im: (im * gain.re - re * gain.im) / d };
  };

  it('an uncoupled singlet at the voxel centre has the amplitude it has in PRESS', async () => {
    const { shapedSemiLaser, singletSignal, defaultAdiabaticPulse } = await import(
      '../../src/physics/pulses/index.js'
    );
    // Ideal limit (1 ns hard pulses): a lone spin gives 1/2 (Tr[Ix F-] of the +1 pathway) with zero phase in
    // both sequences, at any offset.
    const hard = { excitation: hardPulse(1e-9, 90), refocusing: hardPulse(1e-9, 180) };
    const press = shapedPress(0.015, 0.015, hard, { grid: 1 });
    const slaser = shapedSemiLaser(0.03, hard.excitation, hard.refocusing, { grid: 1 });
    for (const offset of [0, -207, -430]) {
      const a = singletSignal(press, offset);
      const b = singletSignal(slaser, offset);
      expect(Math.abs(a.re - 0.5)).toBeLessThan(1e-6);
      expect(Math.abs(b.re - a.re) + Math.abs(b.im - a.im)).toBeLessThan(1e-6);
    }
    // Real pulses (sinc 90 + sinc 180s against sinc 90 + hyperbolic-secant pairs) at the centre: on resonance
    // the same amplitude (0.49969 against 0.5); 430 Hz off resonance (the 1.3 ppm fat line from water at 3 T) the
    // 4.2 kHz adiabatic pulses still refocus it (0.4997) while the 1.15 kHz sinc 180s keep 0.068.
    const real = {
      excitation: sincPulse(2.6e-3, 90, { samples: 256 }),
      refocusing: sincPulse(5.2e-3, 180, { samples: 256 }),
    };
    const realPress = shapedPress(0.015, 0.015, real, { grid: 1 });
    const realSlaser = shapedSemiLaser(0.03, real.excitation, defaultAdiabaticPulse(), { grid: 1 });
    const mag = (c: { re: number; im: number }) => Math.hypot(c.re, c.im);
    expect(Math.abs(mag(singletSignal(realSlaser, 0)) / mag(singletSignal(realPress, 0)) - 1)).toBeLessThan(
      1e-3,
    );
    expect(mag(singletSignal(realSlaser, -430))).toBeGreaterThan(0.499);
    expect(mag(singletSignal(realPress, -430))).toBeLessThan(0.1);
  });

  it('the CPMG-like refocusing train suppresses J evolution that PRESS shows at the same TE (Allerhand 1966)', async () => {
    const { EigenSpace } = await import('../../src/physics/spin-space.js');
    const { runSequence, sequenceGain, semiLaserSequence, pulseAcquireSequence } = await import(
      '../../src/physics/sequences.js'
    );
    const { shapedSemiLaser, runShapedSequence, shapedGain, defaultAdiabaticPulse } = await import(
      '../../src/physics/pulses/index.js'
    );
    // An AB pair 30 Hz apart with J = 7 Hz. At TE 60 ms a PRESS echo (one 30 ms period per refocusing pulse)
    // lets J evolve: the in-phase area falls to 0.34 of the FID's. semi-LASER's pulses are 15 ms apart,
    // short against 1 / 30 Hz, so the shift difference is averaged out and J (which commutes with the total
    // spin) barely acts: 0.90. Lactate at 3 T (356 Hz apart) is not in this regime.
    const system = { twoS: [1, 1], offsetHz: [-15, 15], couplingHz: [0, 7, 7, 0] };
    const area = (sequence: Parameters<typeof runSequence>[1]) => {
      const sink = { hz: [] as number[], re: [] as number[], im: [] as number[] };
      runSequence(new EigenSpace(system), sequence, 1, sink);
      return sum(sink, sequenceGain(sequence)).re;
    };
    const full = area(pulseAcquireSequence());
    const press = area(pressSequence(0.03, 0.03)) / full;
    const slaser = area(semiLaserSequence(0.06)) / full;
    expect(press).toBeLessThan(0.4); // measured 0.340
    expect(slaser).toBeGreaterThan(0.88); // measured 0.902
    // The same with real pulses at the voxel centre: sinc 90 and the 4 ms hyperbolic-secant pairs.
    const shaped = shapedSemiLaser(0.06, sincPulse(2.6e-3, 90, { samples: 128 }), defaultAdiabaticPulse(), {
      grid: 1,
    });
    const sink = { hz: [] as number[], re: [] as number[], im: [] as number[] };
    runShapedSequence(system, shaped, 1, sink);
    expect(Math.abs(sum(sink, shapedGain(shaped)).re / full - slaser)).toBeLessThan(0.01); // measured 0.903
  });

  it('the adiabatic refocusing profile is flat over B1 x1 to x1.5, where a sinc 180 is not', async () => {
    const { defaultAdiabaticPulse } = await import('../../src/physics/pulses/index.js');
    const hs = defaultAdiabaticPulse();
    const sinc = sincPulse(5.2e-3, 180, { samples: 256 });
    const b1 = peakB1Hz(sinc);
    let worst = 1;
    for (let scale = 1; scale <= 1.5 + 1e-9; scale += 0.05) {
      // |beta|^2 (spin-echo refocusing efficiency) at the slice centre and 500 Hz off it (within the 4.2 kHz sweep)
      const r = singleSpinProfile({ ...hs, b1MaxHz: hs.b1MaxHz! * scale }, [0, 500]).refocus;
      worst = Math.min(worst, ...r);
    }
    expect(worst).toBeGreaterThanOrEqual(0.95); // measured 0.9993
    // sin^2(theta / 2): 270 degrees at x1.5 refocuses half
    expect(singleSpinProfile({ ...sinc, b1MaxHz: b1 * 1.5 }, [0]).refocus[0]).toBeCloseTo(0.5, 3);
  });
});
