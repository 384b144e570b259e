import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHALLENGE } from '../paths.js';

const out = mkdtempSync(join(tmpdir(), 'livermrs-fit-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('livermrs fit (CLI, end to end)', () => {
  it('fits challenge dataset 1 like LCModel, FSL-MRS and spant and writes its report', () => {
    const r = spawnSync(
      process.execPath,
      [
        'dist/src/cli/main.js',
        'fit',
        join(CHALLENGE, 'datasets_LCModel/dataset1.RAW'),
        '--basis',
        join(CHALLENGE, 'basisset_LCModel/press3T_30ms.BASIS'),
        '--preset',
        'ismrm2016',
        '--sw',
        '4000',
        '--frequency',
        '123.2',
        '--te',
        '30',
        '--out',
        join(out, 'ds1'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'ds1', 'results.json'), 'utf8')) as {
      combined: { name: string; amplitude: number }[];
    };
    const amp = (n: string) => res.combined.find((c) => c.name === n)!.amplitude;
    // test/reference/ismrm2016/ratios_to_tCr_fslmrs_lcmodel_spant.csv, dataset 1: 1.564 / 1.59 / 1.545.
    expect(amp('NAA+NAAG') / amp('Cr+PCr')).toBeGreaterThan(1.545 * 0.97);
    expect(amp('NAA+NAAG') / amp('Cr+PCr')).toBeLessThan(1.59 * 1.03);
    const html = readFileSync(join(out, 'ds1', 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(readFileSync(join(out, 'ds1', 'fit.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(join(out, 'ds1', 'concentrations.csv'), 'utf8').split('\n').length).toBeGreaterThan(
      20,
    );
  });

  it('fits a livermrs simulate spectrum with the cohort model its header names, down to its noise, lipids within 3 CRLB', () => {
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    };
    const sims = join(out, 'sims');
    run(['simulate', '--cohort', 'hbv-lc-hcc', '--n', '2', '--seed', '5', '--per-file', '--out', sims]);
    // The set itself holds one patient per entry: fitting it whole would average patients.
    const whole = spawnSync(
      process.execPath,
      ['dist/src/cli/main.js', 'fit', join(sims, 'spectra.nii.gz'), '--out', join(out, 'x')],
      { encoding: 'utf8' },
    );
    expect(whole.status).toBe(2);
    expect(whole.stderr).toContain('holds 2 simulated spectra (one patient per entry)');
    // No option: the file's header names the cohort's signal model, and the fit takes it.
    run(['fit', join(sims, 'spectra', 'LC-HCC_001.nii.gz'), '--out', join(out, 'sim-fit')]);
    const res = JSON.parse(readFileSync(join(out, 'sim-fit', 'results.json'), 'utf8')) as {
      status: string;
      analysis: string;
      settings: { baseline: { kind: string } };
      quality: { residualToNoise: number };
      components: { name: string; amplitude: number; crlb: number }[];
    };
    const [head, row] = readFileSync(join(sims, 'truth.csv'), 'utf8').trim().split('\n');
    const cols = head.split(',');
    const truth = (c: string) => Number(row.split(',')[cols.indexOf(c)]);
    expect(res.settings.baseline.kind).toBe('gaussian');
    expect(res.analysis).toContain('the signal model of cohort hbv-lc-hcc');
    expect(res.status).toBe('ok');
    expect(res.quality.residualToNoise).toBeLessThan(1.3);
    for (const name of ['L09', 'L13', 'L21', 'L28', 'L53']) {
      const c = res.components.find((x) => x.name === name)!;
      expect(Math.abs(c.amplitude - truth(name)), name).toBeLessThan(3 * c.crlb);
    }
  });
});
