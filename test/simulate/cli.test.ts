import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerPriors } from '../../src/cli/commands/priors.js';
import { register as registerSimulate } from '../../src/cli/commands/simulate.js';
import { reportError } from '../../src/cli/program.js';
import { readLcmBasis, writeLcmBasis } from '../../src/io/lcmodel/basis.js';
import { decodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { parseCohort } from '../../src/simulate/cohort-schema.js';
import { parseCsv } from '../../src/io/csv.js';
import { resynthesize } from '../../src/simulate/dataset.js';
import { COHORTS, expectFloatPrecision } from './helpers.js';
import { defaultLiverBasis } from '../../src/physics/index.js';

let dir: string;
let cohortFile: string;

/**
 * Runs a subcommand in-process the way runCli does (commander program, errors through reportError); returns
 * the exit code and what was written to stderr.
 */
async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    chunks.push(String(s));
    return true;
  });
  try {
    const program = new Command('livermrs').exitOverride();
    registerSimulate(program);
    registerPriors(program);
    for (const c of program.commands) c.exitOverride();
    try {
      await program.parseAsync(argv, { from: 'user' });
      return { code: 0, err: chunks.join('') };
    } catch (e) {
      return { code: reportError(e), err: chunks.join('') };
    }
  } finally {
    spy.mockRestore();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'livermrs-sim-'));
  writeFileSync(join(dir, 'liver.BASIS'), writeLcmBasis(defaultLiverBasis()));
  // the truth cohort, pointed at the stand-in basis file (relative to the cohort file)
  const text = readFileSync(join(COHORTS, 'truth-hbv.yaml'), 'utf8').replace(
    'basis: default',
    'basis: { file: liver.BASIS }',
  );
  cohortFile = join(dir, 'truth.yaml');
  writeFileSync(cohortFile, text);
});

/** `livermrs simulate` on the test cohort (or another) with a seed and an output directory. */
const simulate = (out: string, seed: number, ...extra: string[]) =>
  cli(
    'simulate',
    '--seed',
    String(seed),
    '--out',
    out,
    ...(extra.includes('--cohort') ? [] : ['--cohort', cohortFile]),
    ...extra,
  );

describe('livermrs simulate', () => {
  it('writes spectra.nii.gz and truth.csv that re-synthesise to float precision', async () => {
    const out = join(dir, 'run1');
    const r = await simulate(out, 42, '--n', '8', '--threads', '2', '--no-progress');
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const mrs = decodeNiftiMrs(new Uint8Array(readFileSync(join(out, 'spectra.nii.gz'))), 'spectra.nii.gz');
    expect(mrs.dims).toEqual([{ tag: 'DIM_DYN', size: 16 }]);
    expect(mrs.points).toBe(1024);
    expect(mrs.header.spectrometerFrequency).toBeCloseTo(127.76, 6);
    const table = parseCsv(readFileSync(join(out, 'truth.csv'), 'utf8'));
    expect(table.rows).toHaveLength(16);
    expect(table.rows.map((x) => x[1])).toEqual([...Array(8).fill('LC'), ...Array(8).fill('LC-HCC')]);
    // re-synthesis from the rows, the cohort written next to them and the basis
    const cohort = parseCohort(readFileSync(join(out, 'cohort.yaml'), 'utf8'));
    const basis = readLcmBasis(readFileSync(join(dir, 'liver.BASIS'), 'latin1'));
    expectFloatPrecision(resynthesize(table, cohort, basis), mrs.data);
    // one group, one thread: the same spectra as the first 8
    const lc = join(dir, 'run2');
    expect((await simulate(lc, 42, '--n', '8', '--group', 'LC', '--threads', '1')).code).toBe(0);
    const mrs2 = decodeNiftiMrs(new Uint8Array(readFileSync(join(lc, 'spectra.nii.gz'))));
    expect(mrs2.data).toEqual(mrs.data.subarray(0, 8 * 2048));
  });

  it('writes spectra.nii instead with --no-gzip (same samples)', async () => {
    const gz = join(dir, 'run-gz');
    const nii = join(dir, 'run-nii');
    expect((await simulate(gz, 7, '--n', '4', '--group', 'LC', '--threads', '1')).code).toBe(0);
    expect((await simulate(nii, 7, '--n', '4', '--group', 'LC', '--threads', '1', '--no-gzip')).code).toBe(0);
    expect(existsSync(join(nii, 'spectra.nii.gz'))).toBe(false);
    const a = decodeNiftiMrs(new Uint8Array(readFileSync(join(gz, 'spectra.nii.gz'))));
    const b = decodeNiftiMrs(new Uint8Array(readFileSync(join(nii, 'spectra.nii'))));
    expect(b.data).toEqual(a.data);
    const summary = JSON.parse(readFileSync(join(nii, 'simulation.json'), 'utf8'));
    expect(summary.files).toEqual(['spectra.nii', 'truth.csv', 'cohort.yaml', 'simulation.json']);
  });

  const broken: [string, (t: string) => string, RegExp][] = [
    [
      'wrong type',
      (t) => t.replace('points: 1024', 'points: many'),
      /protocol\.points \(line \d+\): expected number, got "many"/,
    ],
    [
      'negative width',
      (t) =>
        t.replace(
          'metabolites: { dist: truncnormal, mean: 18, sd: 5, min: 6, max: 35 }',
          'metabolites: { dist: truncnormal, mean: 18, sd: 5, min: -1 }',
        ),
      /lorentzianWidth\.metabolites.*negative/,
    ],
    [
      'unknown component',
      (t) =>
        t.replace('      Cho: { dist: lognormal, mean: 0.66', '      Choline: { dist: lognormal, mean: 0.66'),
      /unknown component 'Choline'/,
    ],
    ['malformed YAML', (t) => t.replace('groups:\n', 'groups: [\n'), /line \d+: malformed YAML/],
  ];
  for (const [what, edit, message] of broken) {
    it(`rejects a cohort with a ${what}: one clear line, exit 2, nothing written`, async () => {
      const file = join(dir, `${what.replace(/ /g, '-')}.yaml`);
      writeFileSync(file, edit(readFileSync(cohortFile, 'utf8')));
      const out = join(dir, `out-${what.replace(/ /g, '-')}`);
      const r = await simulate(out, 1, '--cohort', file, '--n', '4');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(file);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('simulates a built-in cohort with the built-in (spin-physics) liver basis', async () => {
    const out = join(dir, 'builtin');
    const r = await simulate(out, 1, '--cohort', 'hbv-lc-hcc', '--n', '3', '--json');
    expect(r.code).toBe(0);
    const table = parseCsv(readFileSync(join(out, 'truth.csv'), 'utf8'));
    expect(table.rows.map((x) => x[1])).toEqual(['LC-HCC', 'LC-HCC', 'LC-HCC']);
  });

  it('rejects an unknown group and bad numbers as usage errors', async () => {
    const r = await simulate(join(dir, 'x'), 1, '--n', '4', '--group', 'HCC');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/'HCC' is not a group/);
    expect((await simulate(join(dir, 'y'), 1, '--n', '0')).code).toBe(2);
  });
});

describe('livermrs priors', () => {
  it('estimates a cohort from a simulation directory that reads back and can be simulated from', async () => {
    const sim = join(dir, 'prior-patients');
    expect((await simulate(sim, 5, '--n', '10', '--threads', '1')).code).toBe(0);
    const est = join(dir, 'estimated.yaml');
    const r = await cli('priors', '--fits', sim, '--name', 'estimated', '--out', est);
    expect(r.code).toBe(0);
    const cohort = parseCohort(readFileSync(est, 'utf8'), est);
    expect(Object.keys(cohort.groups)).toEqual(['LC', 'LC-HCC']);
    expect(cohort.groups.LC.amplitudes.Cho.dist).toBe('lognormal');
    expect(cohort.basis).toEqual({ file: 'liver.BASIS' });
    const again = await simulate(join(dir, 'from-estimate'), 1, '--cohort', est, '--n', '3');
    expect(again.code).toBe(0);
  });
});
