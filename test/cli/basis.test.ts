import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureStdio } from '../helpers/stdio.js';
import { readBasisJson } from '../../src/io/basis-json.js';
import { readFslBasis } from '../../src/io/fslmrs-basis.js';
import { readLcmBasis } from '../../src/io/lcmodel/basis.js';
import { runCli } from '../../src/cli/program.js';
import { EXTDATA } from '../paths.js';
import {
  bestPhaseCorrelation,
  challengeProtocol,
  readChallengeBasis,
} from '../physics/challenge-correlation.js';
import { denseSteamSteps, normalisedDenseFid } from '../physics/dense-reference.js';

const io = captureStdio();

const tmp = () => mkdtempSync(join(tmpdir(), 'livermrs-basis-'));

describe('livermrs basis', () => {
  it('writes the default liver basis (20 components) and an SVG', async () => {
    const dir = tmp();
    expect(await runCli(['basis', '--out', dir, '--json'])).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary.components.map((c: { name: string }) => c.name)).toHaveLength(20);
    expect(readdirSync(dir).sort()).toEqual(['basis.json', 'basis.svg']);
    const { basis, lines } = readBasisJson(readFileSync(join(dir, 'basis.json'), 'utf8'));
    expect(basis.points).toBe(1024);
    expect(basis.spectrometerFrequency).toBe(127.76);
    expect(basis.echoTime).toBeCloseTo(0.03, 12);
    expect(basis.components?.L13.group).toBe('lipid');
    expect(Object.keys(lines)).toHaveLength(20);
    const svg = readFileSync(join(dir, 'basis.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Chemical shift (ppm)');
    expect(svg).toContain('>Glyc<');
  });

  it('writes LCModel and FSL-MRS formats for a given protocol', async () => {
    const dir = tmp();
    const args = ['basis', '--field', '3', '--te1', '11', '--te2', '19', '--sw', '4000', '--points', '2048'];
    expect(
      await runCli([...args, '--metabolites', 'Cr,NAA', '--format', 'lcmodel', '--out', dir, '--no-plot']),
    ).toBe(0);
    const lcm = readLcmBasis(readFileSync(join(dir, 'basis.BASIS'), 'utf8'));
    expect(lcm.names).toEqual(['Cr', 'NAA']);
    expect(lcm.points).toBe(4096);
    expect(lcm.spectrometerFrequency).toBeCloseTo(3 * 42.577478518, 5);
    expect(lcm.echoTime).toBeCloseTo(0.03, 6);
    const fslDir = tmp();
    expect(
      await runCli([...args, '--metabolites', 'brain', '--format', 'fsl', '--out', fslDir, '--no-plot']),
    ).toBe(0);
    const files = readdirSync(fslDir).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(19);
    const fsl = readFslBasis(files.map((f) => ({ file: f, text: readFileSync(join(fslDir, f), 'utf8') })));
    expect(fsl.points).toBe(2048);
  });

  it('writes STEAM and pulse-acquire bases that an independent dense simulation and the analytic singlets give', async () => {
    const dir = tmp();
    expect(
      await runCli([
        'basis',
        '--sequence',
        'steam',
        '--te',
        '20',
        '--tm',
        '10',
        '--metabolites',
        'Lac,Cr',
        '--no-plot',
        '--out',
        join(dir, 'steam'),
      ]),
    ).toBe(0);
    expect(
      await runCli([
        'basis',
        '--sequence',
        'fid',
        '--metabolites',
        'Lac,Water',
        '--no-plot',
        '--out',
        join(dir, 'fid'),
      ]),
    ).toBe(0);
    const steam = readBasisJson(readFileSync(join(dir, 'steam', 'basis.json'), 'utf8')).basis;
    const fid = readBasisJson(readFileSync(join(dir, 'fid', 'basis.json'), 'utf8')).basis;
    // The default protocol: 3 T (127.76 MHz), 2000 Hz, 1024 points, receiver at 4.65 ppm, no line broadening.
    for (const b of [steam, fid]) {
      expect([b.spectrometerFrequency, 1 / b.dwellTime, b.points, b.ppmReference]).toEqual([
        127.76, 2000, 1024, 4.65,
      ]);
    }
    const { spectrometerFrequency: mhz, ppmReference: ref, points, dwellTime: dwell } = fid;
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let m = 0;
      for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
      return m;
    };
    // Lactate as Govindaraju 2000 tabulates it (CH 4.0974 ppm, CH3 1.3142 ppm, J 6.933 Hz), simulated by the
    // plain 2^4 density-matrix reference of the physics tests, pulse-acquire and STEAM TE 20 / TM 10 ms.
    const lac = [{ ppm: 4.0974 }, { ppm: 1.3142 }, { ppm: 1.3142 }, { ppm: 1.3142 }];
    const j: [number, number, number][] = [1, 2, 3].map((k) => [0, k, 6.933]);
    const lacFid = normalisedDenseFid(lac, j, mhz, ref, [{ pulse: 90, keep: 1 }], points, dwell);
    const lacSteam = normalisedDenseFid(lac, j, mhz, ref, denseSteamSteps(0.02, 0.01), points, dwell);
    expect(maxDiff(fid.fids[fid.names.indexOf('Lac')], lacFid)).toBeLessThan(1e-6);
    expect(maxDiff(steam.fids[steam.names.indexOf('Lac')], lacSteam)).toBeLessThan(1e-6);
    // Singlets refocus fully: water is 2 protons at the receiver frequency, a constant FID; total creatine
    // (0.5 creatine + 0.5 phosphocreatine, Govindaraju 2000: CH3 3.027 / 3.029, CH2 3.913 / 3.930 ppm) is
    // Σ n·e^(−i2π(δ − 4.65)·f·t), 5 protons at t = 0.
    const singlets = (lines: [number, number][]) => {
      const out = new Float64Array(2 * points);
      for (let n = 0; n < points; n++) {
        for (const [ppm, h] of lines) {
          const a = -2 * Math.PI * (ppm - ref) * mhz * n * dwell;
          out[2 * n] += h * Math.cos(a);
          out[2 * n + 1] += h * Math.sin(a);
        }
      }
      return out;
    };
    expect(maxDiff(fid.fids[fid.names.indexOf('Water')], singlets([[4.65, 2]]))).toBeLessThan(1e-9);
    const cr = singlets([
      [3.027, 1.5],
      [3.913, 1],
      [3.029, 1.5],
      [3.93, 1],
    ]);
    expect(maxDiff(steam.fids[steam.names.indexOf('Cr')], cr)).toBeLessThan(1e-6);
  });

  it('writes an LCModel basis that correlates with the ISMRM 2016 challenge basis (another simulator)', async () => {
    const dir = tmp();
    // The challenge's protocol: ideal PRESS TE1 11 / TE2 19 ms, 123.26 MHz (its BASIS header), 4000 Hz, 2048 points.
    const args = ['basis', '--frequency', '123.261703', '--te1', '11', '--te2', '19', '--sw', '4000'];
    const names = 'Lac,NAA,Ins,Tau,Scyllo';
    expect(
      await runCli([
        ...args,
        '--points',
        '2048',
        '--metabolites',
        names,
        '--format',
        'lcmodel',
        '--no-plot',
        '--out',
        dir,
      ]),
    ).toBe(0);
    const ours = readLcmBasis(readFileSync(join(dir, 'basis.BASIS'), 'utf8'));
    const theirs = readChallengeBasis();
    const protocol = challengeProtocol(123.261703);
    // The challenge's lines are 2 Hz Lorentzians (test/physics/ismrm-challenge.test.ts); ours get the same width
    // and the best zero-order phase, then the real spectra are correlated over 0.5-4.2 ppm.
    const r = (our: string, their: string) =>
      bestPhaseCorrelation(
        ours.fids[ours.names.indexOf(our)].subarray(0, 2 * protocol.points),
        theirs.fids[theirs.names.indexOf(their)],
        protocol,
        2,
        0,
      ).r;
    // Measured r: Scyllo 1.0000, NAA 0.9989, Ins 0.978, Lac 0.975, Tau 0.965 (the remaining differences are the
    // two simulators' spin-system tables, docs/physics-validation.md).
    expect(r('Scyllo', 'sIns')).toBeGreaterThan(0.9999);
    expect(r('NAA', 'NAA')).toBeGreaterThan(0.998);
    expect(r('Ins', 'Ins')).toBeGreaterThan(0.97);
    expect(r('Lac', 'Lac')).toBeGreaterThan(0.97);
    expect(r('Tau', 'Tau')).toBeGreaterThan(0.96);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'both field and frequency',
      ['--field', '3', '--frequency', '123'],
      /--field and --frequency both given/,
    ],
    [
      'a TE that is not TE1 + TE2',
      ['--te', '30', '--te1', '10', '--te2', '10'],
      /--te 30 is not --te1 \+ --te2 = 20/,
    ],
    ['a mixing time for PRESS', ['--tm', '10'], /--tm does not apply to --sequence press/],
    ['TE for pulse-acquire', ['--sequence', 'fid', '--te', '30'], /--te does not apply to --sequence fid/],
    ['an unknown sequence', ['--sequence', 'laser'], /--sequence: 'laser' is not a sequence/],
    ['an unknown format', ['--format', 'dicom'], /--format: 'dicom' is not a basis format/],
    [
      'an unknown metabolite',
      ['--metabolites', 'Cr,Unobtainium'],
      /--metabolites: unknown component 'Unobtainium'/,
    ],
    ['too few points', ['--points', '8'], /--points: 8 is below 16/],
    ['a non-number', ['--sw', 'wide'], /--sw: 'wide' is not a number/],
    ['--grid without --pulses', ['--grid', '8'], /--grid needs --pulses/],
    ['shaped pulses for pulse-acquire', ['--sequence', 'fid', '--pulses', 'default'], /--pulses needs/],
    ['a missing pulse-set file', ['--pulses', '/nonexistent/p.json'], /p\.json: cannot read/],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what} with one line and exit code 2`, async () => {
      expect(await runCli(['basis', '--out', tmp(), ...args])).toBe(2);
      expect(io.err).toMatch(message);
      expect(io.err.trim().split('\n')).toHaveLength(1);
    });
  }

  it('refuses an invalid spin-system file with one line naming file and field, exit code 2', async () => {
    const dir = tmp();
    const file = join(dir, 'Foo.yaml');
    writeFileSync(
      file,
      'name: Foo\nfullName: f\ngroup: metabolite\nsource: s\nfragments:\n  - label: x\n    spins:\n      - { id: H, ppm: high }\n',
    );
    const outDir = join(dir, 'out');
    expect(await runCli(['basis', '--spin-systems', file, '--metabolites', 'Foo', '--out', outDir])).toBe(2);
    expect(io.err).toMatch(/Foo\.yaml: fragments\[0\]\.spins\[0\]\.ppm: /);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(() => readdirSync(outDir)).toThrow(); // nothing written
  });

  it('uses a user spin system given with --spin-systems', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'Foo.yaml'),
      'name: Foo\nfullName: f\ngroup: metabolite\nsource: s\nfragments:\n  - label: x\n    spins:\n      - { id: H, ppm: 2.5, protons: 3 }\n',
    );
    const outDir = join(dir, 'out');
    expect(
      await runCli(['basis', '--spin-systems', dir, '--metabolites', 'Foo,Cr', '--out', outDir, '--json']),
    ).toBe(0);
    const { basis } = readBasisJson(readFileSync(join(outDir, 'basis.json'), 'utf8'));
    expect(basis.names).toEqual(['Foo', 'Cr']);
    expect(basis.fids[0][0]).toBeCloseTo(3, 12);
  });

  it('simulates shaped pulses from a pulse-set file with a .pta refocusing pulse', async () => {
    const { sincPulse, writePta } = await import('../../src/physics/pulses/index.js');
    const dir = tmp();
    writeFileSync(join(dir, 'ref.pta'), writePta(sincPulse(5.2e-3, 180, { lobes: 6, samples: 64 })));
    writeFileSync(
      join(dir, 'pulses.json'),
      JSON.stringify({
        excitation: { shape: 'sinc', durationMs: 2.6, lobes: 6, samples: 64 },
        refocusing: { pta: 'ref.pta', durationMs: 5.2 },
        thicknessMm: 25,
        couplingSteps: 8,
      }),
    );
    const out = join(dir, 'out');
    const args = ['basis', '--pulses', join(dir, 'pulses.json'), '--grid', '4', '--metabolites', 'Cr,Lac'];
    expect(await runCli([...args, '--out', out, '--no-plot', '--json'])).toBe(0);
    const { basis } = readBasisJson(readFileSync(join(out, 'basis.json'), 'utf8'));
    expect(basis.names).toEqual(['Cr', 'Lac']);
    expect(String(basis.meta?.generator)).toMatch(/shaped pulses sinc6-hann \/ sinc6-hann, 4-point grid/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ excitation: { shape: 'gauss', durationMs: 2 } }));
    expect(await runCli(['basis', '--pulses', join(dir, 'bad.json'), '--out', join(dir, 'o2')])).toBe(2);
    expect(io.err).toMatch(/bad\.json: excitation\.shape: shape = "gauss"/);
  });

  it('simulates semi-LASER with ideal and with shaped pulses, and reads one from an FSL-MRS sequence file', async () => {
    const dir = tmp();
    const base = ['basis', '--sequence', 'slaser', '--te', '40', '--metabolites', 'Cr,Lac', '--no-plot'];
    expect(await runCli([...base, '--out', join(dir, 'ideal')])).toBe(0);
    expect(await runCli([...base, '--pulses', 'default', '--grid', '16', '--out', join(dir, 'shaped')])).toBe(
      0,
    );
    const ideal = readBasisJson(readFileSync(join(dir, 'ideal', 'basis.json'), 'utf8')).basis;
    const shaped = readBasisJson(readFileSync(join(dir, 'shaped', 'basis.json'), 'utf8')).basis;
    for (const b of [ideal, shaped]) {
      expect(b.sequence).toBe('slaser');
      expect(b.echoTime).toBeCloseTo(0.04, 12);
      expect(b.fids[0][0]).toBeCloseTo(5, 1); // Cr keeps its 5 protons (shaped, 16 positions: 4.99)
    }
    expect(String(shaped.meta?.generator)).toMatch(/shaped pulses sinc6-hann \/ hsec-mu5, 16-point grid/);
    expect(await runCli([...base, '--te1', '20', '--out', join(dir, 'x')])).toBe(2);
    expect(io.err).toMatch(/--te1 does not apply to --sequence slaser/);

    const { sincPulse, shapedSemiLaser, defaultAdiabaticPulse, writeFslSequence } = await import(
      '../../src/physics/pulses/index.js'
    );
    const seq = shapedSemiLaser(0.04, sincPulse(2.6e-3, 90, { samples: 32 }), defaultAdiabaticPulse(), {
      grid: 4,
    });
    const protocol = { spectrometerFrequency: 123.2, ppmReference: 4.65, points: 1024, dwellTime: 1 / 2000 };
    writeFileSync(join(dir, 'slaser.json'), writeFslSequence(seq, protocol));
    const out = join(dir, 'file');
    expect(
      await runCli([
        'basis',
        '--sequence-file',
        join(dir, 'slaser.json'),
        '--metabolites',
        'Cr',
        '--no-plot',
        '--out',
        out,
      ]),
    ).toBe(0);
    const fromFile = readBasisJson(readFileSync(join(out, 'basis.json'), 'utf8')).basis;
    expect(fromFile.sequence).toBe('slaser');
    expect(fromFile.echoTime).toBeCloseTo(0.04, 9);
  });

  it('--like takes the protocol from a real data file header; options override it; gaps are named', async () => {
    const ext = EXTDATA;
    const rda = join(ext, 'siemens', 'suspect_SVS_30.rda'); // Skyra 3T svs_se TE 30, TR 2000, 1024 points
    const dir = tmp();
    const run = async (args: string[], out: string) =>
      runCli(['basis', ...args, '--metabolites', 'Cr,Lac', '--no-plot', '--json', '--out', join(dir, out)]);
    const read = (out: string) => readBasisJson(readFileSync(join(dir, out, 'basis.json'), 'utf8')).basis;
    expect(await run(['--like', rda], 'rda')).toBe(0);
    const b = read('rda');
    expect(b.sequence).toBe('press');
    expect(b.echoTime).toBeCloseTo(0.03, 12);
    expect(b.spectrometerFrequency).toBeCloseTo(123.234655, 9);
    expect(b.dwellTime).toBeCloseTo(0.000833, 12);
    expect(b.points).toBe(1024);
    expect(b.meta?.like).toMatchObject({ sequenceName: '*svs_se', repetitionTime: 2 });
    // explicit options win over the header
    expect(
      await run(['--like', rda, '--te', '40', '--points', '2048', '--pulses', 'default', '--grid', '4'], 'o'),
    ).toBe(0);
    const o = read('o');
    expect([o.echoTime, o.points, o.spectrometerFrequency]).toEqual([0.04, 2048, 123.234655]);
    expect(String(o.meta?.generator)).toMatch(/shaped pulses/);
    // 7 T STEAM NIfTI-MRS (FMRIB): TE 11 ms in the header, no mixing time
    const steam = join(ext, 'nifti_mrs_7T_steam_fmrib', 'metab.nii.gz');
    expect(await run(['--like', steam], 'x')).toBe(2);
    expect(io.err).toMatch(/metab\.nii\.gz: MixingTime: not in the header \(give --tm\)/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(await run(['--like', steam, '--tm', '10'], 'steam')).toBe(0);
    const s = read('steam');
    expect([s.sequence, s.echoTime, s.meta?.tm, s.points]).toEqual(['steam', 0.011, 0.01, 4095]);
    expect(s.spectrometerFrequency).toBeCloseTo(297.219948, 6);
    // The ISMRM 2016 challenge .RAW has no header: each missing value is named, options fill them
    const raw = join(ext, 'ismrm2016_fitting_challenge', 'datasets_LCModel', 'dataset1.RAW');
    expect(await run(['--like', raw], 'x')).toBe(2);
    expect(io.err).toMatch(/dataset1\.RAW: HZPPPM: spectrometer frequency unknown/);
    const filled = ['--like', raw, '--frequency', '123.2', '--sw', '4000'];
    expect(await run(filled, 'x')).toBe(2);
    expect(io.err).toMatch(/dataset1\.RAW: sequence: sequence unknown/);
    expect(await run([...filled, '--sequence', 'press'], 'x')).toBe(2);
    expect(io.err).toMatch(/dataset1\.RAW: EchoTime: not in the header \(give --te\)/);
    expect(await run([...filled, '--sequence', 'press', '--te1', '11', '--te2', '19'], 'raw')).toBe(0);
    const r = read('raw');
    expect([r.points, r.echoTime, r.meta?.te1, 1 / r.dwellTime]).toEqual([2048, 0.03, 0.011, 4000]);
    expect(await run(['--like', rda, '--sequence-file', 'x.json'], 'x')).toBe(2);
    expect(io.err).toMatch(/--like and --sequence-file both given/);
  });

  it('simulates an FSL-MRS sequence description given with --sequence-file', async () => {
    const { sincPulse, shapedPress, writeFslSequence } = await import('../../src/physics/pulses/index.js');
    const dir = tmp();
    const pulses = {
      excitation: sincPulse(2.6e-3, 90, { samples: 32 }),
      refocusing: sincPulse(5.2e-3, 180, { samples: 32 }),
    };
    const seq = shapedPress(0.011, 0.019, pulses, { grid: 3 }, 4);
    const protocol = { spectrometerFrequency: 123.2, ppmReference: 4.65, points: 2048, dwellTime: 1 / 4000 };
    writeFileSync(join(dir, 'press.json'), writeFslSequence(seq, protocol));
    const out = join(dir, 'out');
    const args = [
      'basis',
      '--sequence-file',
      join(dir, 'press.json'),
      '--metabolites',
      'Cr,Lac',
      '--no-plot',
    ];
    expect(await runCli([...args, '--out', out])).toBe(0);
    const { basis } = readBasisJson(readFileSync(join(out, 'basis.json'), 'utf8'));
    expect(basis.points).toBe(2048);
    expect(basis.spectrometerFrequency).toBeCloseTo(123.2, 9);
    expect(basis.echoTime).toBeCloseTo(0.03, 9);
    expect(basis.meta?.te1).toBeCloseTo(0.011, 9);
    expect(String(basis.meta?.generator)).toMatch(/shaped sequence press-shaped/);
    expect(await runCli([...args, '--te', '30', '--out', join(dir, 'o2')])).toBe(2);
    expect(io.err).toMatch(/--te does not go with --sequence-file/);
  });

  it('--threads 2 (shaped-pulse worker threads) writes the basis of --threads 1', async () => {
    const dir = tmp();
    const args = ['basis', '--pulses', 'default', '--grid', '6', '--metabolites', 'Lac,Cr,GPC', '--no-plot'];
    expect(await runCli([...args, '--threads', '1', '--out', join(dir, 'one')])).toBe(0);
    expect(await runCli([...args, '--threads', '2', '--out', join(dir, 'two')])).toBe(0);
    const one = readBasisJson(readFileSync(join(dir, 'one', 'basis.json'), 'utf8')).basis;
    const two = readBasisJson(readFileSync(join(dir, 'two', 'basis.json'), 'utf8')).basis;
    for (let k = 0; k < one.fids.length; k++) {
      for (let i = 0; i < one.fids[k].length; i++) {
        expect(Math.abs(two.fids[k][i] - one.fids[k][i])).toBeLessThan(1e-9);
      }
    }
    expect(await runCli(['basis', '--threads', '2', '--out', join(dir, 'x')])).toBe(2);
    expect(io.err).toMatch(/--threads needs --pulses/);
  });
});
