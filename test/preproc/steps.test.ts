import { describe, expect, it } from 'vitest';
import { fidView, type MrsData, toFid } from '../../src/core/mrs-data.js';
import { Rng } from '../../src/core/random.js';
import { decodeNiftiMrs, encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { alignTransients, spectralRegistration } from '../../src/preproc/align.js';
import { type AverageReport, averageTransients } from '../../src/preproc/average.js';
import { combineCoils } from '../../src/preproc/combine.js';
import { eigenvaluesComplex, solveComplex } from '../../src/linalg/index.js';
import { eddyCurrentCorrect } from '../../src/preproc/ecc.js';
import { hlsvd, removeResidualWater } from '../../src/preproc/hlsvd.js';
import { estimatePhase, zeroOrderPhase } from '../../src/preproc/phase.js';
import { LANDMARKS, peakPpm, referenceToPeak } from '../../src/preproc/reference.js';
import { shiftFidInPlace } from '../../src/preproc/shift.js';
import { fidToSpectrum } from '../../src/spectra/fft.js';
import { addNoise, dataset, H, lorentzians, METABOLITES } from './synthetic.js';

function cmul(ar: number, ai: number, br: number, bi: number): [number, number] {
  return [ar * br - ai * bi, ar * bi + ai * br];
}

describe('complex linear algebra', () => {
  it('finds the eigenvalues of a non-Hermitian complex matrix built from known ones', () => {
    const rng = new Rng(7);
    const n = 6;
    const lambda = Array.from({ length: n }, (_, i) => [Math.cos(i) * (0.5 + i / 10), Math.sin(2 * i) * 0.7]);
    // A = V diag(lambda) V^-1 with a random V: columns of A V^{-1}... build A by solving V^T-style systems.
    const V = Float64Array.from({ length: 2 * n * n }, () => rng.normal());
    // A = V D V^-1  <=>  A V = V D  <=>  V^T A^T = D V^T: solve for each row of A via (V^T) x = (V D)^T rows.
    const VD = new Float64Array(2 * n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const [r, im] = cmul(V[2 * (i * n + j)], V[2 * (i * n + j) + 1], lambda[j][0], lambda[j][1]);
        VD[2 * (i * n + j)] = r;
        VD[2 * (i * n + j) + 1] = im;
      }
    const Vt = new Float64Array(2 * n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        Vt[2 * (i * n + j)] = V[2 * (j * n + i)];
        Vt[2 * (i * n + j) + 1] = V[2 * (j * n + i) + 1];
      }
    const A = new Float64Array(2 * n * n);
    for (let i = 0; i < n; i++) {
      const rhs = Float64Array.from({ length: 2 * n }, (_, k) => VD[2 * (i * n + (k >> 1)) + (k & 1)]);
      const row = solveComplex(Vt, rhs, n);
      A.set(row, 2 * i * n);
    }
    const ev = eigenvaluesComplex(A, n);
    const found = Array.from({ length: n }, (_, i) => [ev[2 * i], ev[2 * i + 1]]);
    for (const [r, im] of lambda) {
      const best = Math.min(...found.map(([a, b]) => Math.hypot(a - r, b - im)));
      expect(best).toBeLessThan(1e-9);
    }
  });
});

describe('spectral registration (Near 2015)', () => {
  it('recovers a known frequency and phase offset of a noisy transient', () => {
    const rng = new Rng(1);
    const clean = lorentzians(METABOLITES);
    const target = addNoise(clean, 0.05, rng);
    const moved = addNoise(clean, 0.05, rng);
    shiftFidInPlace(moved, H.dwellTime, 3.7, (40 * Math.PI) / 180);
    const r = spectralRegistration(target, moved, H.dwellTime, { maxShiftHz: 60 });
    expect(r.shiftHz).toBeCloseTo(-3.7, 1);
    expect(Math.abs(r.shiftHz + 3.7)).toBeLessThan(0.05);
    expect(Math.abs((((r.phase * 180) / Math.PI + 40 + 540) % 360) - 180)).toBeLessThan(1);
  });

  it('aligns 16 transients with random drifts so that they agree to 0.1 Hz and 1 degree', () => {
    const rng = new Rng(2);
    const clean = lorentzians(METABOLITES);
    const truth = Array.from({ length: 16 }, () => ({ hz: rng.uniformIn(-8, 8), ph: rng.uniformIn(-1, 1) }));
    const fids = truth.map((t) => {
      const f = addNoise(clean, 0.1, rng);
      shiftFidInPlace(f, H.dwellTime, t.hz, t.ph);
      return f;
    });
    const aligned = alignTransients(dataset(fids, [{ tag: 'DIM_DYN', size: 16 }]));
    // Each aligned transient relative to the first: residual registration must be ~0.
    const first = fidView(aligned, 0);
    for (let i = 1; i < 16; i++) {
      const r = spectralRegistration(first, fidView(aligned, i), H.dwellTime, { maxShiftHz: 60 });
      expect(Math.abs(r.shiftHz)).toBeLessThan(0.1);
      expect(Math.abs((r.phase * 180) / Math.PI)).toBeLessThan(1.5);
    }
    const prov = aligned.extension.ProcessingApplied as { Method: string }[];
    expect(prov.at(-1)?.Method).toBe('Frequency and phase correction');
  });
});

describe('coil combination', () => {
  function coilData(
    sens: [number, number][],
    noiseSd: number[],
    rng: Rng,
    transients = 8,
    correlated = 0,
  ): MrsData {
    const clean = lorentzians(METABOLITES);
    const nc = sens.length;
    const fids: Float64Array[] = [];
    for (let t = 0; t < transients; t++) {
      const shared = Float64Array.from({ length: clean.length }, () => rng.normal());
      for (let c = 0; c < nc; c++) {
        const f = new Float64Array(clean.length);
        for (let k = 0; k < clean.length; k += 2) {
          const [r, i] = cmul(sens[c][0], sens[c][1], clean[k], clean[k + 1]);
          f[k] =
            r + noiseSd[c] * (Math.sqrt(1 - correlated) * rng.normal() + Math.sqrt(correlated) * shared[k]);
          f[k + 1] =
            i +
            noiseSd[c] * (Math.sqrt(1 - correlated) * rng.normal() + Math.sqrt(correlated) * shared[k + 1]);
        }
        fids.push(f);
      }
    }
    return dataset(fids, [
      { tag: 'DIM_COIL', size: nc },
      { tag: 'DIM_DYN', size: transients },
    ]);
  }

  /** Gain g (combined = g x + noise) and the SNR gain |g| / SD(noise) of the combined transients. */
  function snrGain(combined: MrsData): { g: [number, number]; gain: number } {
    const x = lorentzians(METABOLITES);
    let nr = 0;
    let ni = 0;
    let den = 0;
    const n = combined.data.length / x.length;
    for (let t = 0; t < n; t++) {
      const y = fidView(combined, t);
      for (let k = 0; k < x.length; k += 2) {
        nr += x[k] * y[k] + x[k + 1] * y[k + 1];
        ni += x[k] * y[k + 1] - x[k + 1] * y[k];
        den += x[k] * x[k] + x[k + 1] * x[k + 1];
      }
    }
    const g: [number, number] = [nr / den, ni / den];
    let ss = 0;
    let count = 0;
    for (let t = 0; t < n; t++) {
      const y = fidView(combined, t);
      for (let k = 0; k < x.length; k += 2) {
        const [r, i] = cmul(g[0], g[1], x[k], x[k + 1]);
        ss += (y[k] - r) ** 2 + (y[k + 1] - i) ** 2;
        count += 2;
      }
    }
    return { g, gain: Math.hypot(g[0], g[1]) / Math.sqrt(ss / count) };
  }

  const sens: [number, number][] = [
    [1, 0.2],
    [0.3, -0.6],
    [-0.5, 0.1],
    [0.05, 0.4],
  ];
  const sd = [0.2, 0.5, 0.3, 0.8];
  const optimum = Math.sqrt(sens.reduce((a, [r, i], c) => a + (r * r + i * i) / sd[c] ** 2, 0));

  it('reaches the optimal SNR sqrt(sum |c|^2 / sigma^2) and starts real and positive', () => {
    const m = coilData(sens, sd, new Rng(3));
    const combined = combineCoils(m);
    expect(combined.dims).toEqual([{ tag: 'DIM_DYN', size: 8 }]);
    const { g, gain } = snrGain(combined);
    expect(gain / optimum).toBeGreaterThan(0.97);
    expect(gain / optimum).toBeLessThan(1.03);
    expect(Math.abs(Math.atan2(g[1], g[0]))).toBeLessThan(0.02);
    // Plain summation of the coils is clearly worse here.
    const svd = combineCoils(m, { method: 'svd' });
    expect(snrGain(svd).gain / optimum).toBeGreaterThan(0.97);
  });

  it('uses weights from a water reference and handles correlated noise', () => {
    const rng = new Rng(4);
    const m = coilData(sens, sd, rng, 8, 0.5);
    const ref = coilData(
      sens.map(([r, i]) => [50 * r, 50 * i]),
      sd,
      rng,
      2,
      0.5,
    );
    const combined = combineCoils(m, { reference: ref });
    // optimum with covariance C = diag(sd) (0.5 I + 0.5 11^T) diag(sd): c^H C^-1 c
    const nc = sens.length;
    const C = new Float64Array(2 * nc * nc);
    for (let i = 0; i < nc; i++)
      for (let j = 0; j < nc; j++) C[2 * (i * nc + j)] = sd[i] * sd[j] * (i === j ? 1 : 0.5);
    const cvec = Float64Array.from(sens.flat());
    const x = solveComplex(C, cvec, nc);
    let q = 0;
    for (let i = 0; i < nc; i++) q += cvec[2 * i] * x[2 * i] + cvec[2 * i + 1] * x[2 * i + 1];
    const { gain } = snrGain(combined);
    expect(gain / Math.sqrt(q)).toBeGreaterThan(0.95);
    expect(gain / Math.sqrt(q)).toBeLessThan(1.05);
    expect((combined.extension.ProcessingApplied as { Method: string }[])[0].Method).toBe(
      'RF coil combination',
    );
  });
});

describe('averaging with outlier rejection', () => {
  it('rejects exactly the corrupted transients and averages the rest', () => {
    const rng = new Rng(5);
    const clean = lorentzians(METABOLITES);
    const fids = Array.from({ length: 16 }, (_, i) => {
      const f = addNoise(clean, 0.2, rng);
      if (i === 3) shiftFidInPlace(f, H.dwellTime, 0, Math.PI); // phase flip (motion)
      if (i === 11) f.set(addNoise(lorentzians([{ ppm: 1.3, amplitude: 40, width: 15 }]), 0.2, rng)); // lipid artefact
      return f;
    });
    const report: AverageReport = { rejected: [] };
    const avg = averageTransients(dataset(fids, [{ tag: 'DIM_DYN', size: 16 }]), { reject: true }, report);
    expect(report.rejected).toEqual([[3, 11]]);
    expect(avg.dims).toEqual([]);
    const f = toFid(avg);
    expect(f.data[0]).toBeCloseTo(clean[0], 0);
    const plain = averageTransients(dataset(fids, [{ tag: 'DIM_DYN', size: 16 }]));
    expect(Math.abs(toFid(plain).data[0] - clean[0])).toBeGreaterThan(Math.abs(f.data[0] - clean[0]));
  });
});

describe('eddy-current correction (Klose 1990)', () => {
  it('removes a time-dependent eddy-current phase shared by water and metabolites', () => {
    const fw = 6; // Hz water offset from the receiver
    const water = lorentzians([{ ppm: 4.65 - fw / H.spectrometerFrequency, amplitude: 1000, width: 6 }]);
    const metab = lorentzians(METABOLITES);
    const ec = (t: number) => 0.8 * Math.exp(-t / 0.02);
    const distort = (f: Float64Array) => {
      const out = Float64Array.from(f);
      for (let k = 0; k < out.length / 2; k++)
        shiftFidInPlace(out.subarray(2 * k, 2 * k + 2), H.dwellTime, 0, ec(k * H.dwellTime));
      return out;
    };
    const corrected = eddyCurrentCorrect(dataset([distort(metab)], []), dataset([distort(water)], []));
    const expected = Float64Array.from(metab);
    shiftFidInPlace(expected, H.dwellTime, fw); // water (fw Hz below the centre) moved up to the receiver centre
    const got = fidView(corrected, 0);
    let err = 0;
    for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - expected[i]));
    expect(err).toBeLessThan(1e-9);
  });
});

describe('HLSVD residual-water removal', () => {
  it('decomposes a noise-free sum of damped exponentials exactly', () => {
    const peaks = [
      { ppm: 4.65, amplitude: 100, width: 10 },
      { ppm: 2.0, amplitude: 5, width: 4, phase: 0.3 },
      { ppm: 3.0, amplitude: 3, width: 6 },
    ];
    const comps = hlsvd(lorentzians(peaks), H.dwellTime, { components: 3 });
    for (const p of peaks) {
      const f = (H.ppmReference - p.ppm) * H.spectrometerFrequency;
      const c = comps.find((x) => Math.abs(x.frequencyHz - f) < 1e-3);
      expect(c, `component at ${p.ppm} ppm`).toBeDefined();
      expect(c?.dampingHz).toBeCloseTo(p.width, 4);
      expect(c?.amplitude).toBeCloseTo(p.amplitude, 4);
    }
  });

  it('removes water at 4.65 ppm and leaves metabolites and the 5.3 ppm olefinic lipid', () => {
    const rng = new Rng(6);
    const peaks = [
      ...METABOLITES,
      { ppm: 4.68, amplitude: 2000, width: 12 },
      { ppm: 4.6, amplitude: 500, width: 30 },
      { ppm: 5.3, amplitude: 4, width: 10 },
    ];
    const m = dataset([addNoise(lorentzians(peaks), 0.05, rng)], []);
    const cleaned = removeResidualWater(m);
    const before = fidToSpectrum(fidView(m, 0));
    const after = fidToSpectrum(fidView(cleaned, 0));
    const truth = fidToSpectrum(lorentzians([...METABOLITES, { ppm: 5.3, amplitude: 4, width: 10 }]));
    const bin = (ppm: number) =>
      Math.round((H.ppmReference - ppm) * H.spectrometerFrequency * 1024 * H.dwellTime + 512);
    const w = bin(4.65);
    expect(Math.abs(after[2 * w])).toBeLessThan(0.01 * Math.abs(before[2 * w]));
    for (const ppm of [2.008, 3.027, 3.185, 1.3, 5.3]) {
      const k = bin(ppm);
      expect(Math.abs(after[2 * k] - truth[2 * k]) / Math.abs(truth[2 * k])).toBeLessThan(0.05);
    }
  });
});

describe('phasing and referencing', () => {
  it('zero-order phasing makes the chosen peak real and positive', () => {
    const fid = lorentzians([
      { ppm: 2.008, amplitude: 10, width: 4, phase: 1.1 },
      { ppm: 3.027, amplitude: 5, width: 4, phase: 1.1 },
    ]);
    // The Cr line's dispersion tail at 2 ppm shifts the estimate by about 1 degree; a lone line is exact.
    expect(
      Math.abs(estimatePhase(fid, { points: 1024, header: H }, { window: [1.8, 2.2] }) - 1.1),
    ).toBeLessThan(0.02);
    const lone = lorentzians([{ ppm: 2.008, amplitude: 10, width: 4, phase: 1.1 }]);
    expect(estimatePhase(lone, { points: 1024, header: H }, { window: [1.8, 2.2] })).toBeCloseTo(1.1, 3);
    const phased = zeroOrderPhase(dataset([fid], []), { window: [1.8, 2.2] });
    expect(
      estimatePhase(fidView(phased, 0), { points: 1024, header: H }, { window: [1.8, 2.2] }),
    ).toBeCloseTo(0, 3);
  });

  it('referencing moves a peak found at 2.05 ppm to 2.008 ppm', () => {
    const m = dataset(
      [
        lorentzians([
          { ppm: 2.05, amplitude: 10, width: 4 },
          { ppm: 3.07, amplitude: 8, width: 4 },
        ]),
      ],
      [],
    );
    const r = referenceToPeak(m, LANDMARKS.naa);
    expect(peakPpm(fidView(r, 0), r, LANDMARKS.naa.window)).toBeCloseTo(2.008, 3);
    expect(peakPpm(fidView(r, 0), r, LANDMARKS.cr.window)).toBeCloseTo(3.027, 2);
  });
});

describe('provenance', () => {
  it('records every step in order and keeps it through NIfTI-MRS', () => {
    const rng = new Rng(8);
    const fids = Array.from({ length: 8 }, () => addNoise(lorentzians(METABOLITES), 0.1, rng));
    let m = dataset(fids, [{ tag: 'DIM_DYN', size: 8 }]);
    m = alignTransients(m);
    m = averageTransients(m, { reject: true });
    m = referenceToPeak(m, LANDMARKS.cr);
    m = zeroOrderPhase(m, { window: [2.9, 3.1] });
    const back = decodeNiftiMrs(encodeNiftiMrs(m, { gzip: true }), 'p.nii.gz');
    const steps = back.extension.ProcessingApplied as { Method: string; Program: string; Details: string }[];
    expect(steps.map((s) => s.Method)).toEqual([
      'Frequency and phase correction',
      'Signal averaging',
      'Frequency and phase correction',
      'Phasing',
    ]);
    expect(steps.every((s) => s.Program === 'livermrs')).toBe(true);
    expect(back.extension.dim_5).toBeUndefined();
  });
});
