import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { parseCsv } from '../../src/io/csv.js';
import { outputFolders } from '../../src/io/output-names.js';
import { captureStdio } from '../helpers/stdio.js';

const io = captureStdio();
const dir = mkdtempSync(join(tmpdir(), 'livermrs-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('batch output folders', () => {
  it('are the inputs paths relative to their common folder, without the format extension', () => {
    expect(outputFolders(['/d/a/P01/scan.dcm', '/d/a/P02/scan.dcm'])).toEqual(['P01/scan', 'P02/scan']);
    expect(outputFolders(['/d/liver.nii.gz', '/d/ref.nii'])).toEqual(['liver', 'ref']);
    // A DICOM named by its UID keeps the whole UID; other dots are not extensions.
    expect(outputFolders(['/d/1.3.12.2.1107.5.2.43.166003.30000024031214', '/d/x.v2.rda'])).toEqual([
      '1.3.12.2.1107.5.2.43.166003.30000024031214',
      'x.v2',
    ]);
    expect(outputFolders(['/d/x.rda', '/d/x.dcm', '/d/P1751.7'])).toEqual(['x_rda', 'x_dcm', 'P1751']);
    expect(outputFolders(['/d/a b/é.rda', '/d/c/d.rda'])).toEqual(['a_b/_', 'c/d']);
    expect(outputFolders(['/d/x.rda', '/d/x.rda'])).toEqual(['x', 'x-2']);
  });
});

describe('batch summary: summary.csv and a summary report linking each file', () => {
  const sims = join(dir, 'sims');
  const inputs: string[] = [];

  it('classify over 20 files: one row each, every link to an existing report', async () => {
    const argv = ['simulate', '--cohort', 'truth-hbv', '--n', '10', '--seed', '5', '--threads', '1'];
    expect(await runCli([...argv, '--per-file', '--no-progress', '--out', sims])).toBe(0);
    // As a site stores them: one folder per patient, the same file name in each.
    for (let i = 0; i < 20; i++) {
      const group = i < 10 ? 'LC' : 'LC-HCC';
      const patient = join(dir, 'site', `P${String(i + 1).padStart(2, '0')}`);
      mkdirSync(patient, { recursive: true });
      copyFileSync(
        join(sims, 'spectra', `${group}_${String((i % 10) + 1).padStart(3, '0')}.nii.gz`),
        join(patient, 'svs.nii.gz'),
      );
      inputs.push(join(patient, 'svs.nii.gz'));
    }
    const out = join(dir, 'classified');
    expect(await runCli(['classify', ...inputs, '--out', out, '--allow-failed'])).toBe(0);
    const csv = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(csv.header.slice(0, 4)).toEqual(['input', 'folder', 'status', 'reasons']);
    expect(csv.header).toContain('P(LC-HCC)');
    expect(csv.rows).toHaveLength(20);
    expect(csv.rows.map((r) => r[0])).toEqual(inputs);
    expect(csv.rows.map((r) => r[1])).toEqual(inputs.map((_, i) => `P${String(i + 1).padStart(2, '0')}/svs`));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const links = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toHaveLength(20);
    for (const l of links) expect(existsSync(join(out, l)), l).toBe(true);
    expect(html).toContain('livermrs classify: 20 files');
  });

  it('fit: a file that cannot be read gets a row with status error and its message; the others their numbers', async () => {
    const bad = join(dir, 'site', 'P99', 'svs.nii.gz');
    mkdirSync(join(dir, 'site', 'P99'), { recursive: true });
    writeFileSync(bad, 'not a spectrum');
    const out = join(dir, 'fitted');
    const code = await runCli(['fit', inputs[0], inputs[19], bad, '--out', out, '--jobs', '1']);
    expect(io.err).toMatch(/P99.*svs\.nii\.gz/);
    expect(code).toBe(2);
    const csv = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(csv.rows.map((r) => [r[1], r[2]])).toEqual([
      ['P01/svs', 'ok'],
      ['P20/svs', expect.stringMatching(/^(ok|doubtful)$/)],
      ['', 'error'],
    ]);
    const col = (c: string) => csv.header.indexOf(c);
    expect(col('SNR')).toBeGreaterThan(3);
    expect(Number(csv.rows[0][col('L13')])).toBeGreaterThan(0);
    expect(Number(csv.rows[0][col('L13 CRLB %')])).toBeGreaterThan(0);
    expect(csv.rows[2][col('reasons')]).toContain('P99');
    expect(existsSync(join(out, 'P01', 'svs', 'report.html'))).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('2 ok');
    void io;
  });
});
