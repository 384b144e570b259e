import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { register as convert } from '../../src/cli/commands/convert.js';
import { register as info } from '../../src/cli/commands/info.js';
import { reportError } from '../../src/cli/program.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { EXTDATA } from '../paths.js';

/** The two commands on a bare program (buildProgram reads package.json relative to dist/, not to src/). */
async function runCli(args: string[]): Promise<number> {
  const program = new Command('livermrs').exitOverride();
  info(program);
  convert(program);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    const code = await runCli(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'livermrs-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('livermrs info', () => {
  it('prints points, dwell, frequency, TE/TR, dimensions and format', async () => {
    const r = await run(['info', join(EXTDATA, 'nifti_mrs_7T_steam_fmrib/metab_raw.nii.gz')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/format\s+NIfTI-MRS/);
    expect(r.out).toMatch(/points\s+4096/);
    expect(r.out).toMatch(/spectral width 12004\.8 Hz/);
    expect(r.out).toMatch(/297\.219948 MHz \(1H\)/);
    expect(r.out).toMatch(/TE \/ TR\s+11 ms \/ 5000 ms/);
    expect(r.out).toMatch(/dimensions\s+4 DIM_COIL x 16 DIM_DYN/);
  });

  it('--json gives the values scripts need', async () => {
    const r = await run(['info', join(EXTDATA, 'siemens/suspect_SVS_30.rda'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      format: 'Siemens RDA',
      points: 1024,
      spectrometerFrequency: 123.234655,
      ppmReference: 4.7,
      echoTime: 0.03,
    });
    expect(j.dimensions).toEqual([]);
  });

  it('exits 2 with a one-line message naming the file for bad input', async () => {
    const missing = await run(['info', join(tmp, 'nope.rda')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.rda: file not found/);
    const raw = await run([
      'info',
      join(EXTDATA, 'ismrm2016_fitting_challenge/datasets_LCModel/dataset1.RAW'),
      '--frequency',
      '123.2',
    ]);
    expect(raw.code).toBe(2);
    expect(raw.err).toMatch(/dataset1\.RAW: .*dwell time unknown.*--sw/);
    expect(raw.err.trim().split('\n').length).toBe(1);
    const both = await run(['info', 'x.RAW', '--sw', '4000', '--dwell', '0.00025']);
    expect(both.code).toBe(2);
  });
});

describe('livermrs convert', () => {
  it('converts a GE P-file and its water reference to NIfTI-MRS, anonymised', async () => {
    const out = join(tmp, 'metab.nii.gz');
    const ref = join(tmp, 'wref.nii');
    const r = await run([
      'convert',
      join(EXTDATA, 'ge/tarquin_P1751_1.5T_030_2000.7'),
      '--out',
      out,
      '--ref-out',
      ref,
      '--anon',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).written.map((w: { shape: string }) => w.shape)).toEqual([
      '2048 points x 16 DIM_DYN',
      '2048 points x 8 DIM_DYN',
    ]);
    const m = readMrsFile(out);
    const src = readMrsFile(join(EXTDATA, 'ge/tarquin_P1751_1.5T_030_2000.7'));
    expect(Array.from(m.data)).toEqual(Array.from(src.data));
    expect(m.header).toEqual(src.header);
    expect(m.extension.PatientName).toBeUndefined();
    expect(m.extension.OriginalFile).toBeUndefined();
    expect(src.extension.PatientName).toBe('localisation');
    expect(readMrsFile(ref).dims).toEqual([{ tag: 'DIM_DYN', size: 8 }]);
  });

  it('requires --out and refuses a bad output name without writing anything', async () => {
    expect((await run(['convert', join(EXTDATA, 'siemens/suspect_SVS_30.rda')])).code).toBe(2);
    const bad = join(tmp, 'x.txt');
    const r = await run(['convert', join(EXTDATA, 'siemens/suspect_SVS_30.rda'), '--out', bad]);
    expect(r.code).toBe(2);
    expect(existsSync(bad)).toBe(false);
  });

  it('--preprocess turns raw coil/transient data into one spectrum ready for fitting', async () => {
    const out = join(tmp, 'proc.nii.gz');
    const wout = join(tmp, 'proc_wref.nii.gz');
    const D = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib');
    const r = await run([
      'convert',
      join(D, 'metab_raw.nii.gz'),
      '--preprocess',
      '--water',
      join(D, 'wref_raw.nii.gz'),
      '--reference-peak',
      'cr',
      '--out',
      out,
      '--ref-out',
      wout,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.written.map((w: { shape: string }) => w.shape)).toEqual(['4096 points', '4096 points']);
    expect(j.processing.map((p: { Method: string }) => p.Method)).toEqual([
      'RF coil combination',
      'Eddy current correction',
      'Frequency and phase correction',
      'Signal averaging',
      'Frequency and phase correction',
    ]);
    expect(readMrsFile(out).dims).toEqual([]);
    // GE: the water frames of the same file serve as the reference.
    const ge = await run([
      'convert',
      join(EXTDATA, 'ge/tarquin_P1751_1.5T_030_2000.7'),
      '--preprocess',
      '--out',
      join(tmp, 'ge.nii'),
    ]);
    expect(ge.code).toBe(0);
    expect(ge.out).toMatch(/wrote .*ge\.nii \(2048 points\)/);
  });

  it('refuses preprocessing options without --preprocess and unknown landmarks', async () => {
    const f = join(EXTDATA, 'siemens/suspect_SVS_30.rda');
    expect((await run(['convert', f, '--out', join(tmp, 'a.nii'), '--remove-water'])).code).toBe(2);
    const bad = await run([
      'convert',
      f,
      '--out',
      join(tmp, 'a.nii'),
      '--preprocess',
      '--reference-peak',
      'gaba',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--reference-peak: 'gaba' is not one of water, naa, cr, lipid/);
  });
});
