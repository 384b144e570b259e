import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { GAMMA_1H_MHZ_PER_T } from '../../src/core/fid.js';
import { readMrsFile } from '../../src/io/mrs-file.js';
import { analysableFids } from '../../src/preproc/analysable.js';
import { acquisitionTable, NOT_IN_FILE } from '../../src/report/acquisition.js';
import { roundToSd } from '../../src/report/round.js';
import { captureStdio } from '../helpers/stdio.js';
import { CHALLENGE, EXTDATA } from '../paths.js';

/**
 * The acquisition table every report opens with (MRSinMRS items), checked against the real files' own headers,
 * and the water-scaled metabolite report in mmol/kg.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'livermrs-acq-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The CLI prints its one-line summaries; captured so the test output stays readable.
captureStdio();

/** The rows of the report's acquisition table, as label → text. */
function acquisitionRows(html: string): Map<string, string> {
  const table = /<table class="kv" id="acquisition">(.*?)<\/table>/s.exec(html)?.[1];
  expect(table, 'acquisition table').toBeDefined();
  const unescapeXml = (s: string) =>
    s
      .replace(/&amp;/g, '&')
      .replace(/&apos;/g, "'")
      .replace(/&quot;/g, '"');
  return new Map(
    [...(table ?? '').matchAll(/<th scope="row">(.*?)<\/th><td>(.*?)<\/td>/g)].map((m) => [
      unescapeXml(m[1]),
      unescapeXml(m[2]),
    ]),
  );
}

/** Keys of a Philips SPAR text file (its own header, read independently of the reader under test). */
function spar(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'latin1').split(/\r?\n/)) {
    const m = /^([a-z_0-9]+)\s*:\s*(.*?)\s*$/i.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

describe('report acquisition table (MRSinMRS)', () => {
  const philips = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_WS.SDAT');
  const philipsWater = join(EXTDATA, 'philips', 'spant_philips_spar_sdat_W.SDAT');

  it('a fit report of a real Philips file holds its TE, TR, field, points, width, averages and voxel; mmol/kg with --water', async () => {
    const out = join(dir, 'philips');
    expect(await runCli(['fit', philips, '--water', philipsWater, '--out', out])).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const rows = acquisitionRows(html);
    const h = spar(philips.replace(/\.SDAT$/, '.SPAR'));
    const mhz = Number(h.synthesizer_frequency) / 1e6; // 127.786142
    expect(rows.get('echo time TE')).toBe(`${Number(h.echo_time)} ms`); // 30 ms
    expect(rows.get('repetition time TR')).toBe(`${Number(h.repetition_time)} ms`); // 2000 ms
    expect(rows.get('field strength')).toBe(
      `${(mhz / GAMMA_1H_MHZ_PER_T).toFixed(2)} T (1H at ${mhz.toFixed(3)} MHz)`,
    );
    expect(rows.get('field strength')).toBe('3.00 T (1H at 127.786 MHz)');
    expect(rows.get('points')).toBe(h.samples); // 1024
    expect(rows.get('spectral width')).toBe(`${h.sample_frequency} Hz (dwell 500.0 µs)`);
    expect(rows.get('averages')).toBe(`${Number(h.averages)} (summed by the scanner)`); // 128
    expect(rows.get('voxel size')).toBe(`${h.ap_size} × ${h.lr_size} × ${h.cc_size} mm (8.0 mL)`);
    expect(rows.get('vendor and scanner')).toBe('Philips');
    expect(rows.get('sequence')).toBe('PRESS');
    expect(rows.get('mixing time TM')).toBe('none (PRESS has no mixing period)');
    // The SPAR says nothing about water suppression: the table says so rather than guessing.
    expect(rows.get('water suppression')).toBe(NOT_IN_FILE);
    expect(rows.get('analysis software')).toBe('livermrs 0.1.0');
    // The acquisition table comes first, then the analysis settings.
    expect(html.indexOf('id="acquisition"')).toBeLessThan(html.indexOf('id="settings"'));
    expect(html).toContain('<th scope="row">fit window</th><td>0.5–5.7 ppm</td>');

    // Water-scaled: the metabolite table is in mmol/kg, with the numbers of results.json rounded to their CRLB.
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.quantification.unit).toBe('mmol/kg wet weight');
    expect(html).toContain('<th>value (mmol/kg wet weight)</th>');
    const cr = results.quantification.rows.find((r: { name: string }) => r.name === 'Cr');
    expect(cr.concentration).toBeGreaterThan(0);
    const rounded = roundToSd(cr.concentration, cr.concentrationSd);
    expect(html).toContain(
      `<th scope="row">Cr</th><td class="num">${rounded.value}</td><td class="num">${rounded.sd}</td>`,
    );
    expect(html).toContain('<caption>Water scaling</caption>');
    // The CSV keeps full precision.
    const csv = readFileSync(join(out, 'concentrations.csv'), 'utf8');
    expect(csv).toMatch(
      new RegExp(`^Cr,[^\\n]*,${cr.concentration.toPrecision(7).replace('.', '\\.')}`, 'm'),
    );
  });

  it('LCModel .RAW: values given on the command line say so, TR and the scanner are not in the file', async () => {
    const out = join(dir, 'raw');
    const raw = join(CHALLENGE, 'datasets_LCModel', 'dataset1.RAW');
    const basis = join(CHALLENGE, 'basisset_LCModel', 'press3T_30ms.BASIS');
    const args = ['fit', raw, '--frequency', '123.2', '--sw', '4000', '--te', '30', '--preset', 'ismrm2016'];
    expect(await runCli([...args, '--basis', basis, '--out', out])).toBe(0);
    const rows = acquisitionRows(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(rows.get('echo time TE')).toBe('30 ms (given with --te, not in file)');
    expect(rows.get('field strength')).toBe(
      '2.89 T (1H at 123.200 MHz) (given with --frequency, not in file)',
    );
    expect(rows.get('repetition time TR')).toBe(NOT_IN_FILE);
    expect(rows.get('vendor and scanner')).toBe(NOT_IN_FILE);
    expect(rows.get('voxel size')).toBe(NOT_IN_FILE);
    expect(rows.get('points')).toBe('2048');
    expect(rows.get('spectral width')).toBe('4000 Hz (dwell 250.0 µs)');
  });

  it('raw 7 T NIfTI-MRS with coils and transients: combination and averaging by livermrs are reported', () => {
    const fid = analysableFids(readMrsFile(join(EXTDATA, 'nifti_mrs_7T_steam_fmrib', 'metab_raw.nii.gz')))[0];
    const rows = new Map(acquisitionTable(fid));
    expect(rows.get('vendor and scanner')).toBe('SIEMENS Investigational_Device_7T');
    expect(rows.get('scanner software')).toBe('syngo MR B17');
    expect(rows.get('sequence')).toBe('svs_st (STEAM)');
    expect(rows.get('echo time TE')).toBe('11 ms');
    expect(rows.get('repetition time TR')).toBe('5000 ms');
    expect(rows.get('mixing time TM')).toBe(NOT_IN_FILE); // STEAM, but the header has no MixingTime
    expect(rows.get('points')).toBe('4096');
    expect(rows.get('field strength')).toBe('6.98 T (1H at 297.220 MHz)');
    expect(rows.get('coil combination')).toBe('4 coils combined by livermrs (SNR-optimal weights)');
    expect(rows.get('averages')).toMatch(/^16 transients in the file, aligned and averaged by livermrs/);
    expect(rows.get('preprocessing applied')).toBe(
      'RF coil combination (livermrs 0.1.0); Frequency and phase correction (livermrs 0.1.0); Signal averaging (livermrs 0.1.0)',
    );
    expect(rows.get('data format')).toBe('NIfTI-MRS (converted by spec2nii)');
    expect(rows.get('voxel size')).toBe('20 × 20 × 20 mm (8.0 mL)');
  });
});
