import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStdio } from '../helpers/stdio.js';
import { runCli } from '../../src/cli/program.js';
import { fromFid } from '../../src/core/mrs-data.js';
import { encodeNiftiMrs } from '../../src/io/nifti-mrs/nifti-mrs.js';
import { formatValueSd, roundToSd } from '../../src/report/round.js';
import { writeLiverSpectrum } from '../helpers/liver-spectrum.js';
import { pixelStats } from '../helpers/png.js';
import { EXTDATA } from '../paths.js';
import { COMPONENTS } from '../web/models.js';

/**
 * `livermrs quantify --out` and `livermrs classify --out` with the shipped models on a simulated default-protocol
 * liver spectrum: per file a results.json and a self-contained report.html whose table and probability are the
 * numbers of results.json / --json, with its figures as non-empty SVG and non-blank PNG; bad input leaves nothing.
 */
let dir: string;
let liver: string;
let water: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'livermrs-netreport-'));
  liver = join(dir, 'liver.nii.gz');
  const fid = writeLiverSpectrum(liver);
  // An unsuppressed water reference: one Lorentzian at 4.65 ppm (on resonance), 12 Hz wide.
  water = join(dir, 'water.nii.gz');
  const data = new Float64Array(2 * fid.points);
  for (let n = 0; n < fid.points; n++) data[2 * n] = 1e5 * Math.exp(-Math.PI * 12 * n * fid.dwellTime);
  writeFileSync(water, encodeNiftiMrs(fromFid({ ...fid, data }), { gzip: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureStdio();

/** The report has no reference to anything outside itself (the SVG namespace is a name, not a request). */
function expectSelfContained(html: string): void {
  const urls = html.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<)]*/gi) ?? [];
  expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
  expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/i);
}

function expectFigures(folder: string, ids: string[]): void {
  const files = readdirSync(join(folder, 'figures')).sort();
  expect(files).toEqual(ids.flatMap((id) => [`${id}.png`, `${id}.svg`]).sort());
  for (const id of ids) {
    const svg = readFileSync(join(folder, 'figures', `${id}.svg`), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/<path|<polyline|<rect/);
    const stats = pixelStats(new Uint8Array(readFileSync(join(folder, 'figures', `${id}.png`))));
    expect(stats.sd, id).toBeGreaterThan(10);
    expect(stats.inked, id).toBeGreaterThan(0.005);
  }
}

describe('quantify and classify reports (shipped models)', () => {
  it('quantify --out: report.html with the spectrum, the 20 estimates with predicted SDs and flags, and its figures', async () => {
    const target = join(dir, 'q');
    expect(await runCli(['quantify', liver, '--out', target, '--json'])).toBe(0);
    expect(io.err).toBe('');
    const printed = JSON.parse(io.out);
    const folder = join(target, 'liver');
    expect(readdirSync(folder).sort()).toEqual([
      'concentrations.csv',
      'figures',
      'report.html',
      'results.json',
    ]);
    const results = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8'));
    expect(results).toEqual(printed);
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    const rows = [
      ...html.matchAll(
        /<tr( class="flagged")?><th scope="row">([^<]+)<\/th><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td>/g,
      ),
    ];
    expect(rows.map((r) => r[2])).toEqual(COMPONENTS);
    for (const [i, c] of results.components.entries()) {
      // Value and SD rounded together to the SD's precision (report/round.ts).
      expect(rows[i][3], c.name).toBe(roundToSd(c.amplitude, c.sd).value);
      expect(rows[i][4], c.name).toBe(roundToSd(c.amplitude, c.sd).sd);
      // SD above 50 % is flagged, as in the fit report.
      expect(rows[i][1] !== undefined, c.name).toBe(c.sdPercent > 50);
    }
    expect(html).toContain('predicted SD');
    // It opens with the acquisition table of the file (simulated: 3 T PRESS TE 30 ms, 1024 points, 2000 Hz).
    expect(html.indexOf('id="acquisition"')).toBeLessThan(html.indexOf('<h2>'));
    expect(html).toContain('<th scope="row">echo time TE</th><td>30 ms</td>');
    expect(html).toContain('<th scope="row">points</th><td>1024</td>');
    expect(html).toContain('<th scope="row">spectral width</th><td>2000 Hz (dwell 500.0 µs)</td>');
    expect(html).toContain('ILLUSTRATIVE cohort priors');
    expect(html).toContain(results.model);
    expectSelfContained(html);
    expectFigures(folder, ['spectrum']);
    // The spectrum is drawn on a reversed ppm axis over the model window: 5.5 ppm left of 1.0 ppm.
    const svg = readFileSync(join(folder, 'figures', 'spectrum.svg'), 'utf8');
    const tickX = (label: string) =>
      Number(new RegExp(`<text[^>]*x="([\\d.]+)"[^>]*>${label.replace('.', '\\.')}</text>`).exec(svg)?.[1]);
    expect(tickX('5.5')).toBeLessThan(tickX('1.0'));
  });

  it('quantify --water --out: mmol/kg table and the fat fraction in the report', async () => {
    const target = join(dir, 'qw');
    expect(await runCli(['quantify', liver, '--water', water, '--out', target])).toBe(0);
    const folder = join(target, 'liver');
    const results = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8'));
    expect(results.unit).toMatch(/^mmol\/kg/);
    expect(results.fatFraction.percent).toBeGreaterThan(0);
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    expect(html).toContain(`value (${results.unit})`);
    const cho = results.components.find((c: { name: string }) => c.name === 'Cho');
    expect(html).toContain(
      `<th scope="row">Cho</th><td class="num">${roundToSd(cho.concentration, cho.concentrationSd).value}</td>`,
    );
    expect(html).toContain(formatValueSd(results.fatFraction.percent, results.fatFraction.sd));
    expect(html).toContain(water);
    // The water line's lineshape went out before the network: a 12 Hz Lorentzian, narrower than the liver water
    // T2 alone allows (9.4 Hz) plus any Gaussian, so the target keeps 12 Hz.
    const d = results.input.referenceDeconvolution;
    expect(d.reference).toBe('water.nii.gz');
    expect(d.waterFwhmHz).toBeCloseTo(12, 0);
    expect(Math.hypot(d.lorentzHz, 0)).toBeCloseTo(1 / (Math.PI * 0.034), 3);
    expect(html).toContain('reference deconvolution');
    io.out = '';
    expect(await runCli(['quantify', liver, '--water', water, '--no-deconvolve', '--json'])).toBe(0);
    const plain = JSON.parse(io.out);
    expect(plain.input.referenceDeconvolution).toBeUndefined();
    expect(plain.unit).toBe(results.unit);
  });

  it('classify --out: results.json with the --json probability, report with the probability, spectrum and warning', async () => {
    expect(await runCli(['classify', liver, '--json'])).toBe(0);
    const printed = JSON.parse(io.out);
    const target = join(dir, 'c');
    expect(await runCli(['classify', liver, '--out', target])).toBe(0);
    const folder = join(target, 'liver');
    const results = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8'));
    expect(results).toEqual(printed);
    expect(results.probability).toBeGreaterThan(0);
    expect(results.probability).toBeLessThan(1);
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    expect(html).toContain(`P(LC-HCC) = ${results.probability.toFixed(3)}`);
    expect(html).toContain(results.probability.toFixed(4));
    expect(html).toContain(results.model);
    expect(html).toContain('ILLUSTRATIVE cohort priors');
    expect(html).toContain('not a diagnosis');
    expectSelfContained(html);
    expectFigures(folder, ['probability', 'spectrum']);
  });

  it('bad input: one line, exit 2, and no output folder (missing file; another field strength)', async () => {
    for (const [cmd, file, message] of [
      ['quantify', join(dir, 'missing.nii.gz'), /missing\.nii\.gz/],
      ['classify', join(dir, 'missing.nii.gz'), /missing\.nii\.gz/],
      [
        'quantify',
        join(EXTDATA, 'nifti_mrs_7T_steam_fmrib', 'metab.nii.gz'),
        /spectrometer frequency 297\.\d+ MHz \(expected the model's field: 127\.76 MHz/,
      ],
      [
        'classify',
        join(EXTDATA, 'nifti_mrs_7T_steam_fmrib', 'metab.nii.gz'),
        /spectrometer frequency 297\.\d+ MHz \(expected the model's field: 127\.76 MHz/,
      ],
    ] as const) {
      io.err = '';
      const target = join(dir, `bad-${cmd}`);
      expect(await runCli([cmd, liver, file, '--out', target]), `${cmd} ${file}`).toBe(2);
      expect(io.err).toMatch(message);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes('staging'))).toEqual([]);
    }
  });
});
