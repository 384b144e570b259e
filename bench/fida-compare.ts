/**
 * Side by side with FID-A (issue 15): livermrs' shaped-pulse PRESS against FID-A's (CIC-methods/FID-A,
 * run_simPressShaped_fast: ideal 90, shaped refocusing pulses, coherence selection -1 / +1 / -1, 1-D projection)
 * run under GNU Octave on the same pulse, timings, field, grid and sampling. Only the livermrs side runs here;
 * FID-A's FIDs (no line broadening) are read from the JSON given with --fida, written by a driver kept outside
 * this repository (see docs/physics-shaped.md, "Side by side with FID-A"), which also records FID-A's seconds.
 *
 *   node dist/bench/fida-compare.js --fida /path/fida-press.json [--fida /path/more.json ...] \
 *     --pta /path/sampleRefocPulse.pta [--spin-systems /path/fida-spinsystems.json] \
 *     [--out bench/results/basis-fida.json] [--linewidth 4] [--repeats 3]
 *
 * Each --fida file is one job (its own grid); --spin-systems is FID-A's spinSystems.mat exported as JSON, for the
 * shift and J comparison of each component.
 *
 * The grid, slice thickness, pulse duration, field, TE1/TE2, points and spectral width are taken from the FID-A
 * file's `config` so that both sides run the same job. Conventions: each side's FIDs are divided by the complex
 * first point of a lone on-resonance spin through its own sequence (livermrs does this internally; FID-A's
 * reference is the spin system { shifts: centreFreq } run by the driver), which removes each side's receiver
 * phase and voxel-size scaling; FID-A's FIDs are conjugated (its FIDs rotate as +(ppm - centre) x MHz, ours as
 * -(ppm - reference) x MHz; checked on the singlets' peak positions). Both get the same Lorentzian; the real
 * spectra are compared over 0.2-4.2 ppm without any phase fitting (r), and, for information, at the best
 * zero-order phase (rBestPhase).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ppmAxis } from '../src/core/fid.js';
import { ShapedPool } from '../src/physics/pulses/shaped-pool.js';
import { readPulseSetOption } from '../src/io/pulse-set-file.js';
import {
  defaultSpinSystems,
  type Protocol,
  simulateBasis,
  simulateBasisAsync,
} from '../src/physics/index.js';
import { hardPulse, type PulseSet, type ShapedSequence, shapedPress } from '../src/physics/pulses/index.js';
import { binsIn, phasedRealCorrelation } from '../src/spectra/compare.js';
import { fidToSpectrum } from '../src/spectra/fft.js';
import { applyLineshape } from '../src/spectra/render.js';
import { writeFileAtomic } from '../src/io/atomic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** livermrs component -> FID-A spin systems (weights): livermrs' Cr is creatine + phosphocreatine 1:1. */
export const FIDA_NAMES: Record<string, [string, number][]> = {
  Ala: [['Ala', 1]],
  Cho: [['Ch', 1]],
  Cr: [
    ['Cr', 0.5],
    ['PCr', 0.5],
  ],
  CrOnly: [['Cr', 1]],
  PCr: [['PCr', 1]],
  GPC: [['GPC', 1]],
  PCh: [['PCh', 1]],
  Glc: [['Glc', 1]],
  Gln: [['Gln', 1]],
  Glu: [['Glu', 1]],
  GSH: [['GSH', 1]],
  Gly: [['Gly', 1]],
  Ins: [['Ins', 1]],
  Lac: [['Lac', 1]],
  Tau: [['Tau', 1]],
  // Not in FID-A's spinSystems.mat: livermrs' own singlet systems, given to FID-A's simulator by the driver.
  Bet: [['lm_Bet', 1]],
  Glyc: [['lm_Glyc', 1]],
  L09: [['lm_L09', 1]],
  L13: [['lm_L13', 1]],
  L21: [['lm_L21', 1]],
  L28: [['lm_L28', 1]],
  L53: [['lm_L53', 1]],
  Water: [['lm_Water', 1]],
};

/**
 * FID-A's own spin systems where they differ from livermrs' (spinSystems.mat: Ch, GPC, PCh, Tau) written as livermrs spin systems:
 * FID-A stands for 14N and 31P with spin-1/2 "spins" at 100 (or 40) ppm, which its excitation leaves alone; here
 * they are 15N and 31P (spin 1/2, never excited). Differences from livermrs' library: Cho has no geminal and no
 * 14N coupling on its methylenes, and a spin-1/2 N on its methyl; GPC's N is spin 1/2 and its methyl couples to
 * it (0.57 Hz); PCh's N is spin 1/2 and H1a-N is 2.86 Hz (livermrs 2.68); Tau has no geminal couplings.
 */
const FIDA_EQUIVALENT_YAML: Record<string, string> = {
  Cho: `name: Cho
fullName: free choline (FID-A sysCh)
group: metabolite
source: FID-A spinSystems.mat
fragments:
  - label: trimethylammonium
    spins:
      - { id: NCH3, ppm: 3.185, protons: 9 }
      - { id: N, nucleus: 15N }
    couplings:
      - [NCH3, N, 0.57]
  - label: methylenes
    spins:
      - { id: H1a, ppm: 4.054 }
      - { id: H1b, ppm: 4.054 }
      - { id: H2a, ppm: 3.501 }
      - { id: H2b, ppm: 3.501 }
    couplings:
      - [H1a, H2a, 3.14]
      - [H1a, H2b, 6.979]
      - [H1b, H2a, 7.011]
      - [H1b, H2b, 3.168]
`,
  GPC: `name: GPC
fullName: glycerophosphocholine (FID-A sysGPC)
group: metabolite
source: FID-A spinSystems.mat
fragments:
  - label: glycerol moiety
    spins:
      - { id: H1a, ppm: 3.605 }
      - { id: H1b, ppm: 3.672 }
      - { id: H2, ppm: 3.903 }
      - { id: H3a, ppm: 3.871 }
      - { id: H3b, ppm: 3.946 }
      - { id: P, nucleus: 31P }
    couplings:
      - [H1a, H1b, -14.78]
      - [H1a, H2, 5.77]
      - [H1b, H2, 4.53]
      - [H2, H3a, 5.77]
      - [H2, H3b, 4.53]
      - [H3a, H3b, -14.78]
      - [H3a, P, 6.03]
      - [H3b, P, 6.03]
  - label: choline methylenes
    spins:
      - { id: H1a, ppm: 4.312 }
      - { id: H1b, ppm: 4.312 }
      - { id: H2a, ppm: 3.659 }
      - { id: H2b, ppm: 3.659 }
      - { id: N, nucleus: 15N }
      - { id: P, nucleus: 31P }
    couplings:
      - [H1a, H1b, -9.32]
      - [H1a, H2a, 3.1]
      - [H1a, H2b, 5.9]
      - [H1a, N, 2.67]
      - [H1a, P, 6.03]
      - [H1b, H2a, 5.9]
      - [H1b, H2b, 3.1]
      - [H1b, N, 2.67]
      - [H1b, P, 6.03]
      - [H2a, H2b, -9.32]
  - label: trimethylammonium
    spins:
      - { id: NCH3, ppm: 3.212, protons: 9 }
      - { id: N, nucleus: 15N }
    couplings:
      - [NCH3, N, 0.57]
`,
  PCh: `name: PCh
fullName: phosphocholine (FID-A sysPCh)
group: metabolite
source: FID-A spinSystems.mat
fragments:
  - label: trimethylammonium
    spins:
      - { id: NCH3, ppm: 3.208, protons: 9 }
  - label: methylenes
    spins:
      - { id: H1a, ppm: 4.2805 }
      - { id: H1b, ppm: 4.2805 }
      - { id: H2a, ppm: 3.641 }
      - { id: H2b, ppm: 3.641 }
      - { id: N, nucleus: 15N }
      - { id: P, nucleus: 31P }
    couplings:
      - [H1a, H1b, -14.89]
      - [H1a, H2a, 2.284]
      - [H1a, H2b, 7.231]
      - [H1a, N, 2.86]
      - [H1a, P, 6.298]
      - [H1b, H2a, 7.326]
      - [H1b, H2b, 2.235]
      - [H1b, N, 2.772]
      - [H1b, P, 6.249]
      - [H2a, H2b, -14.19]
`,
  Tau: `name: Tau
fullName: taurine (FID-A sysTau)
group: metabolite
source: FID-A spinSystems.mat
fragments:
  - label: taurine
    spins:
      - { id: H1a, ppm: 3.4206 }
      - { id: H1b, ppm: 3.4206 }
      - { id: H2a, ppm: 3.2459 }
      - { id: H2b, ppm: 3.2459 }
    couplings:
      - [H1a, H2a, 6.742]
      - [H1a, H2b, 6.464]
      - [H1b, H2a, 6.403]
      - [H1b, H2b, 6.792]
`,
};

interface FidaConfig {
  pta: string;
  refTpMs: number;
  thicknessCm: number;
  positionsCm: number[];
  timeBandwidth: number;
  Bfield: number;
  centreFreq: number;
  points: number;
  sw: number;
  tau1: number;
  tau2: number;
  names: string[];
  fovFactor: number;
  grid: number;
}

interface FidaFile {
  config: FidaConfig;
  totalSeconds: number;
  totalCpuSeconds?: number;
  fidaMeasuredTbw: number;
  [name: string]: unknown;
}

const FIDA_GAMMA_HZ_PER_T = 42576000; // sim_Hamiltonian's

/** FID-A spin systems as exported from spinSystems.mat: per system shifts (ppm), J (Hz, upper triangle), scale. */
type FidaSystems = Record<
  string,
  { shifts: number | number[]; J: number | number[][]; scaleFactor: number }[]
>;

/**
 * Spin-system parameters side by side: the sorted 1H shifts (one per proton, weighted by fragment scale) and the
 * sorted 1H-1H couplings of each side, with their largest differences. FID-A marks other nuclei (31P, 14N) as
 * spins at >= 30 ppm, which sim_excite leaves alone; livermrs gives them a nucleus. Exchangeable protons are
 * listed separately (FID-A simulates them, the livermrs default basis leaves them out).
 */
function compareSpinSystems(name: string, fidaSystems: FidaSystems) {
  const library = defaultSpinSystems();
  const mol = library.get(name);
  const ours = { shifts: [] as number[], j: [] as number[], exchangeable: [] as number[] };
  for (const f of mol.fragments) {
    const byId = new Map(f.spins.map((sp) => [sp.id, sp]));
    for (const sp of f.spins) {
      if (sp.nucleus !== '1H') continue;
      const list = sp.exchangeable ? ours.exchangeable : ours.shifts;
      for (let k = 0; k < sp.protons; k++) list.push(sp.ppm);
    }
    for (const cp of f.couplings) {
      const a = byId.get(cp.a);
      const b = byId.get(cp.b);
      if (!a || !b || a.nucleus !== '1H' || b.nucleus !== '1H' || a.exchangeable || b.exchangeable) continue;
      for (let k = 0; k < a.protons * b.protons; k++) ours.j.push(cp.hz);
    }
  }
  const theirs = { shifts: [] as number[], j: [] as number[], exchangeable: [] as number[] };
  for (const [sysName] of FIDA_NAMES[name] ?? []) {
    for (const part of fidaSystems[sysName] ?? []) {
      const sh = Array.isArray(part.shifts) ? part.shifts : [part.shifts];
      const J = Array.isArray(part.J) ? part.J : [[part.J]];
      const exch = (ppm: number) => ppm > 6.3 && ppm < 30; // NH protons
      for (let i = 0; i < sh.length; i++) {
        if (sh[i] >= 30) continue;
        if (exch(sh[i])) theirs.exchangeable.push(sh[i]);
        else for (let k = 0; k < Math.max(1, Math.round(part.scaleFactor)); k++) theirs.shifts.push(sh[i]);
        for (let j = i + 1; j < sh.length; j++) {
          const v = J[i][j] || J[j][i] || 0;
          if (v !== 0 && sh[j] < 30 && !exch(sh[i]) && !exch(sh[j])) theirs.j.push(v);
        }
      }
    }
  }
  const maxDiff = (a: number[], b: number[]) => {
    const x = [...a].sort((p, q) => p - q);
    const y = [...b].sort((p, q) => p - q);
    if (x.length !== y.length) return null;
    return Math.max(0, ...x.map((v, i) => Math.abs(v - y[i])));
  };
  return {
    protons: [ours.shifts.length, theirs.shifts.length],
    maxShiftDiffPpm: maxDiff(ours.shifts, theirs.shifts),
    couplings: [ours.j.length, theirs.j.length],
    maxJDiffHz: maxDiff(ours.j, theirs.j),
    exchangeable: { livermrs: [...new Set(ours.exchangeable)], fida: [...new Set(theirs.exchangeable)] },
  };
}

/** FID-A's FID of `name` (weighted sum of its spin systems), divided by its reference spin's first point, conjugated. */
function fidaFid(file: FidaFile, parts: [string, number][]): Float64Array {
  const ref = file.Ref as { re: number[]; im: number[] };
  const r0 = { re: ref.re[0], im: ref.im[0] };
  const den = r0.re * r0.re + r0.im * r0.im;
  const n = ref.re.length;
  const out = new Float64Array(2 * n);
  for (const [name, w] of parts) {
    const f = file[name] as { re: number[]; im: number[] } | undefined;
    if (!f) throw new Error(`the FID-A file has no '${name}'`);
    for (let k = 0; k < n; k++) {
      // (f / r0), then conjugated
      const re = (f.re[k] * r0.re + f.im[k] * r0.im) / den;
      const im = (f.im[k] * r0.re - f.re[k] * r0.im) / den;
      out[2 * k] += w * re;
      out[2 * k + 1] -= w * im;
    }
  }
  return out;
}

function compare(
  ours: Float64Array,
  theirs: Float64Array,
  protocol: Protocol,
  lorentzHz: number,
  window: [number, number],
) {
  const a = Float64Array.from(ours);
  const b = Float64Array.from(theirs);
  applyLineshape(a, protocol.dwellTime, lorentzHz, 0);
  applyLineshape(b, protocol.dwellTime, lorentzHz, 0);
  // Half the first point (the discrete transform of a FID otherwise adds f(0)/2 to every bin: FID-A's exchangeable
  // NH protons, outside the window, would then raise its baseline inside it).
  for (const f of [a, b]) {
    f[0] /= 2;
    f[1] /= 2;
  }
  const sa = fidToSpectrum(a);
  const sb = fidToSpectrum(b);
  const ax = ppmAxis(protocol);
  const idx = binsIn(ax, window);
  const at = (deg: number) => phasedRealCorrelation(sa, sb, idx, deg);
  let best = { r: -2, deg: 0 };
  for (let d = -30; d <= 30; d += 0.25) {
    const r = at(d);
    if (r > best.r) best = { r, deg: d };
  }
  // Relative difference of the real spectra over the window, ||a - b|| / ||b||.
  let dd = 0;
  let bb = 0;
  for (const k of idx) {
    dd += (sa[2 * k] - sb[2 * k]) ** 2;
    bb += sb[2 * k] ** 2;
  }
  let ia = 0;
  let ib = 0;
  for (const k of idx) {
    ia += sa[2 * k];
    ib += sb[2 * k];
  }
  // Peak positions (ppm) of both real spectra: a check of the frequency-sign convention.
  const peak = (s: Float64Array) => idx.reduce((m, k) => (s[2 * k] > s[2 * m] ? k : m), idx[0]);
  return {
    r: at(0),
    relDiff: Math.sqrt(dd / bb),
    rBestPhase: best.r,
    bestPhaseDeg: best.deg,
    integralRatio: ia / ib,
    peakPpm: [ax[peak(sa)], ax[peak(sb)]],
  };
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const loads = () => loadavg().map((l) => Math.round(l * 100) / 100);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fida: { type: 'string', multiple: true },
      pta: { type: 'string' },
      out: { type: 'string', default: join(root, 'bench', 'results', 'basis-fida.json') },
      linewidth: { type: 'string', default: '4' },
      repeats: { type: 'string', default: '3' },
      'spin-systems': { type: 'string' },
    },
  });
  const systems =
    values['spin-systems'] === undefined
      ? undefined
      : (JSON.parse(readFileSync(values['spin-systems'], 'utf8')) as FidaSystems);
  if (!values.fida || !values.pta) {
    throw new Error('usage: fida-compare --fida FIDA.json [--fida FIDA2.json ...] --pta PULSE.pta');
  }
  const jobs: Awaited<ReturnType<typeof job>>[] = [];
  for (const file of values.fida) {
    jobs.push(await job(file, values.pta, Number(values.linewidth), Number(values.repeats), systems));
  }
  const rows = jobs.flatMap((j) => j.rows);
  const record = {
    what: 'livermrs shaped PRESS against FID-A (run_simPressShaped_fast under GNU Octave) on the same jobs',
    fidaCommit: 'CIC-methods/FID-A b2dcbb9',
    octave: '7.3.0 (Debian)',
    minR: Math.min(...rows.map((r) => r.r)),
    allAbove099: rows.every((r) => r.r >= 0.99),
    jobs,
  };
  writeFileAtomic(values.out, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
}

/** One FID-A file: the same job on the livermrs side, compared and timed. */
async function job(path: string, pta: string, lorentz: number, repeats: number, systems?: FidaSystems) {
  const fida = JSON.parse(readFileSync(path, 'utf8')) as FidaFile;
  const c = fida.config;
  const mhz = (c.Bfield * FIDA_GAMMA_HZ_PER_T) / 1e6;
  const protocol: Protocol = {
    spectrometerFrequency: Math.round(mhz * 1e6) / 1e6,
    sequence: 'press',
    te1: c.tau1 / 1000,
    te2: c.tau2 / 1000,
    dwellTime: 1 / c.sw,
    points: c.points,
    ppmReference: c.centreFreq,
  };
  // The pulse set as `livermrs basis --pulses FILE --grid N` reads it: FID-A's .pta as refocusing pulse and, for
  // the excitation, the shortest hard pulse the file format allows (10 us; slice-selective, see below).
  const pulseSetJson = {
    excitation: { shape: 'hard', durationMs: 0.01, samples: 1 },
    refocusing: { pta, durationMs: c.refTpMs },
    thicknessMm: c.thicknessCm * 10,
    fovFactor: c.fovFactor,
  };
  const dir = mkdtempSync(join(tmpdir(), 'fida-compare-'));
  const setFile = join(dir, 'pulses.json');
  writeFileSync(setFile, JSON.stringify(pulseSetJson));
  const set: PulseSet = readPulseSetOption(setFile, c.grid);
  rmSync(dir, { recursive: true, force: true });
  // The same positions on both sides.
  const ours = shapedPress(protocol.te1 ?? 0, protocol.te2 ?? 0, set, set.slice);
  const step1 = ours.steps[2];
  if (step1.kind !== 'pulse') throw new Error('unexpected PRESS steps');
  const maxPosDiff = Math.max(...c.positionsCm.map((x, i) => Math.abs(x / 100 - step1.positions[i])));
  const gradFida = c.timeBandwidth / (c.refTpMs / 1000) / (c.thicknessCm / 100);
  // FID-A's excitation: instantaneous and non-selective. The same here: a 1 ns hard pulse at one position.
  const idealExcitation: ShapedSequence = {
    ...ours,
    name: 'press-shaped-ideal-90',
    steps: ours.steps.map((s, i) =>
      i === 0 && s.kind === 'pulse'
        ? {
            ...s,
            pulse: hardPulse(1e-9, 90),
            gradientHzPerM: 0,
            positions: Float64Array.of(0),
            rephaseSeconds: 0,
          }
        : i === 1 && s.kind === 'delay'
          ? { kind: 'delay' as const, seconds: (protocol.te1 ?? 0) / 2 - set.refocusing.duration / 2 }
          : s,
    ),
  };
  // The components whose FID-A spin systems are in the file.
  const names = Object.keys(FIDA_NAMES).filter((n) => FIDA_NAMES[n].every(([f]) => f in fida));
  const ideal = simulateBasis(protocol, names, { cache: false, shapedSequence: idealExcitation });
  // Coupling steps: livermrs applies J 16 times per pulse (Strang); FID-A once per sample (400, first order).
  const fineJ = simulateBasis(protocol, names, {
    cache: false,
    shapedSequence: { ...idealExcitation, couplingSteps: set.refocusing.amplitude.length },
  });
  // Cho, GPC, PCh and Tau with FID-A's own spin-system parameters (what differs in the libraries, not the simulators).
  const equivalentNames = names.filter((n) => n in FIDA_EQUIVALENT_YAML);
  const fidaLibrary = defaultSpinSystems().extend(
    equivalentNames.map((n) => ({ file: `fida-${n}.yaml`, text: FIDA_EQUIVALENT_YAML[n] })),
  );
  const fidaSystems =
    equivalentNames.length === 0
      ? undefined
      : simulateBasis(protocol, equivalentNames, {
          cache: false,
          library: fidaLibrary,
          shapedSequence: idealExcitation,
        });
  // FID-A simulates the NH protons of Cr, PCr, Gln and GSH; the livermrs default basis leaves them out.
  const withNh = simulateBasis(protocol, names, {
    cache: false,
    shapedSequence: idealExcitation,
    includeExchangeable: true,
  });
  const viaPulseSet = simulateBasis(protocol, names, { cache: false, pulses: set });
  const idealPulses = simulateBasis(protocol, names, { cache: false });

  // Time: the same job (these 15 components, pulse-set path as the CLI runs it), line-list cache off, median of
  // `repeats`, in one thread and on worker threads.
  const loadBefore = loads();
  const one: number[] = [];
  const oneCpu: number[] = [];
  const pooled: number[] = [];
  const threads = availableParallelism();
  const pool = new ShapedPool(threads);
  try {
    for (let i = 0; i < repeats; i++) {
      let t0 = performance.now();
      const cpu0 = process.cpuUsage();
      simulateBasis(protocol, names, { cache: false, pulses: set });
      one.push((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(cpu0);
      oneCpu.push((cpu.user + cpu.system) / 1e6);
      t0 = performance.now();
      await simulateBasisAsync(protocol, names, { cache: false, pulses: set }, pool.solve);
      pooled.push((performance.now() - t0) / 1000);
    }
  } finally {
    await pool.close();
  }
  one.sort((a, b) => a - b);
  oneCpu.sort((a, b) => a - b);
  pooled.sort((a, b) => a - b);

  const window: [number, number] = [0.2, 4.2];
  // Glycogen's H1 and the olefinic lipid lie above 4.2 ppm.
  const wideWindow: [number, number] = [0.2, 5.6];
  const rows = names.map((name) => {
    const theirs = fidaFid(fida, FIDA_NAMES[name]);
    // An intrinsic line width of the livermrs spin system (glycogen's envelope), which FID-A has no field for,
    // is given to FID-A's FID here.
    const widths = new Set(
      defaultSpinSystems()
        .get(name)
        .fragments.map((f) => f.fwhmPpm),
    );
    const intrinsicHz = widths.size === 1 ? [...widths][0] * protocol.spectrometerFrequency : 0;
    if (intrinsicHz > 0) applyLineshape(theirs, protocol.dwellTime, intrinsicHz, 0);
    const pick = (b: typeof ideal) => b.fids[b.names.indexOf(name)] as Float64Array;
    // Water and the olefinic lipid have no line in 0.2-4.2 ppm: they are compared over 0.2-5.6.
    const inWindow = defaultSpinSystems()
      .get(name)
      .fragments.some((f) => f.spins.some((sp) => sp.ppm >= window[0] && sp.ppm <= window[1]));
    const w = inWindow ? window : wideWindow;
    const main = compare(pick(ideal), theirs, protocol, lorentz, w);
    const cli = compare(pick(viaPulseSet), theirs, protocol, lorentz, w);
    const idl = compare(pick(idealPulses), theirs, protocol, lorentz, w);
    const wide = compare(pick(ideal), theirs, protocol, lorentz, wideWindow);
    const nh = compare(pick(withNh), theirs, protocol, lorentz, w);
    const fine = compare(pick(fineJ), theirs, protocol, lorentz, w);
    const same = fidaSystems?.names.includes(name)
      ? compare(pick(fidaSystems), theirs, protocol, lorentz, w)
      : undefined;
    const ownJ = compare(pick(fineJ), pick(ideal), protocol, lorentz, w);
    const perSystem = FIDA_NAMES[name].map(([n]) => (fida[n] as { seconds: number }).seconds);
    const perSystemCpu = FIDA_NAMES[name].map(([n]) => (fida[n] as { cpuSeconds?: number }).cpuSeconds ?? 0);
    return {
      name,
      fida: FIDA_NAMES[name].map(([n, w]) => (w === 1 ? n : `${w} ${n}`)).join(' + '),
      window: w,
      r: round(main.r),
      oneMinusR: Number((1 - main.r).toPrecision(2)),
      relDiff: Number(main.relDiff.toPrecision(2)),
      rBestPhase: round(main.rBestPhase),
      rWide: round(wide.r),
      integralRatioWide: round(wide.integralRatio),
      bestPhaseDeg: main.bestPhaseDeg,
      integralRatio: round(main.integralRatio),
      peakPpm: main.peakPpm.map((p) => round(p, 3)),
      oneMinusRWithNh: Number((1 - nh.r).toPrecision(2)),
      relDiffWithNh: Number(nh.relDiff.toPrecision(2)),
      integralRatioWithNh: round(nh.integralRatio),
      ...(same
        ? {
            rFidaSpinSystem: round(same.r),
            oneMinusRFidaSpinSystem: Number((1 - same.r).toPrecision(2)),
            relDiffFidaSpinSystem: Number(same.relDiff.toPrecision(2)),
          }
        : {}),
      relDiffJPerSample: Number(fine.relDiff.toPrecision(2)),
      relDiffLivermrs16VsPerSampleJ: Number(ownJ.relDiff.toPrecision(2)),
      rPulseSet10usExcitation: round(cli.r),
      integralRatioPulseSet10usExcitation: round(cli.integralRatio),
      rIdealPulses: round(idl.r),
      fidaSeconds: round(
        perSystem.reduce((s, x) => s + x, 0),
        2,
      ),
      fidaCpuSeconds: round(
        perSystemCpu.reduce((s, x) => s + x, 0),
        2,
      ),
      grid: c.grid,
      ...(systems && !FIDA_NAMES[name][0][0].startsWith('lm_')
        ? { spinSystems: compareSpinSystems(name, systems) }
        : {}),
    };
  });
  return {
    protocol: {
      sequence: `PRESS TE1 ${c.tau1} ms, TE2 ${c.tau2} ms`,
      mhz: protocol.spectrometerFrequency,
      fidaBfieldT: c.Bfield,
      sw: c.sw,
      points: c.points,
      receiverAndPulseCentrePpm: c.centreFreq,
    },
    pulse: {
      refocusing: `FID-A rfPulseTools/rfPulses/sampleRefocPulse.pta (Mao, 4 zero crossings, 400 samples), ${c.refTpMs} ms, 180 deg, phase y, both refocusing pulses`,
      timeBandwidth: round(c.timeBandwidth, 5),
      timeBandwidthSource: 'REFGRAD of the .pta (livermrs reader); FID-A driver given the same value',
      fidaMeasuredTimeBandwidth: round(fida.fidaMeasuredTbw, 4),
      excitation:
        'FID-A: instantaneous non-selective 90 (sim_excite). livermrs r: a 1 ns hard 90 at one position (same); rPulseSet10usExcitation: the pulse-set file path (10 us hard 90, slice-selective at 120 kHz bandwidth)',
      pulseSetJson: { ...pulseSetJson, refocusing: { pta: '<--pta>', durationMs: c.refTpMs } },
    },
    slice: {
      thicknessMm: c.thicknessCm * 10,
      fovMm: c.thicknessCm * 10 * c.fovFactor,
      gridPerDirection: c.grid,
      positions: 'cell centres (livermrs sliceGrid), passed to FID-A',
      maxPositionDifferenceM: maxPosDiff,
      gradientHzPerM: { livermrs: round(step1.gradientHzPerM, 3), fida: round(gradFida, 3) },
      directions: 'FID-A: 2 (the two refocusing pulses); livermrs: 3 (x excitation, here one position)',
    },
    comparison: {
      window: '0.2-4.2 ppm, real spectra',
      lorentzianHz: lorentz,
      normalisation:
        'each side divided by the complex first point of a lone on-resonance spin through its own sequence; FID-A FIDs conjugated',
      r: 'Pearson r, no phase fitting (oneMinusR: 1 - r unrounded)',
      relDiff: '||livermrs - FID-A|| / ||FID-A||, real spectra over the window',
      integralRatio: 'livermrs / FID-A, sum of the real spectrum over the window',
      couplingSteps:
        'livermrs 16 Strang steps per pulse; FID-A one J step per sample (400, first order). relDiffJPerSample: livermrs with one Strang step per sample against FID-A; relDiffLivermrs16VsPerSampleJ: livermrs 16 steps against livermrs per sample',
      exchangeable:
        'FID-A spin systems include NH protons (Cr, PCr, Gln, GSH); the livermrs default basis leaves them out (r, relDiff, integralRatio); *WithNh: livermrs with includeExchangeable',
    },
    fidaSpinSystem:
      'Cho, GPC, PCh, Tau: livermrs run with FID-A spinSystems.mat parameters (14N as spin 1/2, couplings as FID-A), *FidaSpinSystem',
    intrinsicLinewidth: 'Glyc: its 0.09 ppm fragment width applied to the FID-A FID as a Lorentzian',
    wideWindow: '0.2-5.6 ppm (rWide, integralRatioWide)',
    rows,
    times: {
      components: names.length,
      fidaSeconds: round(fida.totalSeconds, 1),
      fidaCpuSeconds: fida.totalCpuSeconds === undefined ? null : round(fida.totalCpuSeconds, 1),
      fidaNote:
        'Octave 7.3, one thread (for loops; the parfor of the run script needs MATLAB), every spin system of the file incl. the reference spin, run once; wall (tic/toc) and CPU (cputime) seconds',
      livermrsOneThreadSeconds: round(one[Math.floor(one.length / 2)], 3),
      livermrsOneThreadRuns: one.map((x) => round(x, 3)),
      livermrsOneThreadCpuSeconds: round(oneCpu[Math.floor(oneCpu.length / 2)], 3),
      livermrsWorkersSeconds: round(pooled[Math.floor(pooled.length / 2)], 3),
      livermrsWorkersRuns: pooled.map((x) => round(x, 3)),
      workerThreads: threads,
      livermrsNote: `median of ${repeats}, line-list cache off, pulse-set path (as basis --pulses FILE --grid ${c.grid})`,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loads(),
      fidaLoadAverage: (fida as { loadAverage?: unknown }).loadAverage ?? null,
    },
  };
}

await main();
