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
});
