import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMrs } from '../../src/io/read.js';
import { roundToSd } from '../../src/report/round.js';
import { buildWebApp } from '../../src/web/build.js';
import { classProbability, quantificationRows } from '../../src/networks/interpret.js';
import { networkInput } from '../../src/networks/input.js';
import { combineFids } from '../../src/web/preprocess.js';
import { type RunningServer, startWebServer } from '../../src/web/server.js';
import { type HeadlessChromium, launchChromium } from '../helpers/browser.js';
import { pixelStats } from '../helpers/png.js';
import { CHALLENGE, EXTDATA } from '../paths.js';
import { COMPONENTS, type testModels, writeTestModels } from './models.js';
import { applyLinear } from './linear-onnx.js';
import { dropFiles, type EnteredValues, modelsReady } from './page.js';

/**
 * End to end: the built app in headless Chromium, served by the real server on 127.0.0.1, with linear stand-in
 * networks whose outputs are computed independently here (Node: same readers and preprocessing, plain
 * matrix-vector products instead of onnxruntime). The page must show the spectrum, 20 components with the
 * expected values and SDs, and the expected probability, and must make no request outside the local server.
 */
const NIFTI = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib', 'metab.nii.gz');
const RDA = join(EXTDATA, 'siemens', 'suspect_SVS_30.rda');
const SDAT = join(EXTDATA, 'philips', 'tarquin_svs_30_WS.SDAT');
const SPAR = join(EXTDATA, 'philips', 'tarquin_svs_30_WS.SPAR');

let work: string;
let server: RunningServer;
let chromium: HeadlessChromium;
let models: ReturnType<typeof testModels>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'livermrs-web-'));
  await buildWebApp({ outDir: join(work, 'web') });
  models = writeTestModels(join(work, 'models'));
  server = await startWebServer({
    port: 0,
    host: '127.0.0.1',
    webRoot: join(work, 'web'),
    modelsDir: join(work, 'models'),
  });
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** What the page must show for a file: rows as formatted text and the probability. */
function expected(files: string[], values?: EnteredValues) {
  const primary = files.find((f) => /\.sdat$/i.test(f)) ?? files[0];
  const companions = Object.fromEntries(
    files
      .filter((f) => f !== primary)
      .map((f) => [f.split('/').pop() as string, new Uint8Array(readFileSync(f))]),
  );
  const mrs = readMrs(new Uint8Array(readFileSync(primary)), primary.split('/').pop() as string, {
    companions,
    dwellTime: values?.bandwidth ? 1 / values.bandwidth : undefined,
    spectrometerFrequency: values?.mhz,
  });
  const { fid } = combineFids(mrs);
  const water = values?.water
    ? {
        fid: combineFids(readMrs(new Uint8Array(readFileSync(values.water[0])), 'w', {})).fid,
        source: values.water[0],
      }
    : undefined;
  const x = networkInput(fid, models.qMeta.preprocessing, { waterReference: water });
  const mean = applyLinear(models.qMean.weight, models.qMean.bias, x.input);
  const logvar = applyLinear(models.qLogvar.weight, models.qLogvar.bias, x.input);
  const rows = quantificationRows(models.qMeta, mean, logvar, x.norm);
  const logit = applyLinear(models.cLogit.weight, models.cLogit.bias, x.input);
  return { rows, probability: classProbability(models.cMeta, logit) };
}

const openAndDrop = (files: string[], values?: EnteredValues) => dropFiles(chromium, server, files, values);

async function checkResult(files: string[], notes: string[] = [], values?: EnteredValues): Promise<void> {
  const { page, foreign, violations } = await openAndDrop(files, values);
  try {
    const error = await page.locator('#status.error').count();
    if (error) throw new Error(`app error: ${await page.locator('#status').textContent()}`);
    const rows = await page
      .locator('#quant table.concentrations tbody tr:not(.group)')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
    expect(rows.map((r) => r[0])).toEqual(COMPONENTS);
    // These test models have no training record: the page answers and says the range is unknown, as the CLI.
    for (const id of ['quant-status', 'class-status']) {
      expect(await page.locator(`#${id}`).getAttribute('data-status')).toBe('doubtful');
      expect(await page.locator(`#${id}`).textContent()).toContain(
        'the training range of this model is unknown',
      );
    }
    const want = expected(files, values);
    expect(rows.map((r) => [r[1], r[2]])).toEqual(
      want.rows.map((r) => {
        const rounded = roundToSd(r.value, r.sd);
        return [rounded.value, rounded.sd];
      }),
    );
    const shown = await page.locator('#probability').getAttribute('data-value');
    expect(Number(shown)).toBeCloseTo(want.probability, 5);
    expect(await page.locator('#probability').textContent()).toBe(
      `P(LC-HCC) = ${want.probability.toFixed(3)}`,
    );
    // The spectrum figure is drawn (not blank) and has a reversed ppm axis (6 left of 1).
    const png = await page.locator('#spectrum svg').screenshot();
    const stats = pixelStats(new Uint8Array(png));
    expect(stats.sd).toBeGreaterThan(10);
    expect(stats.inked).toBeGreaterThan(0.01);
    const tickX = await page
      .locator('#spectrum svg text')
      .evaluateAll((ts) => Object.fromEntries(ts.map((t) => [t.textContent, Number(t.getAttribute('x'))])));
    expect(tickX['6']).toBeLessThan(tickX['1']);
    expect(foreign).toEqual([]);
    expect(violations).toEqual([]);
    const shownNotes = await page.locator('#notes p').allTextContents();
    for (const n of notes) expect(shownNotes.some((t) => t.startsWith(n))).toBe(true);
  } finally {
    await page.close();
  }
}

describe('web app in headless Chromium', () => {
  it('NIfTI-MRS: spectrum, 20-component qCNN table with SDs and the cCNN probability, computed in the page', async () => {
    await checkResult([NIFTI]);
  });

  it('with a water reference: its lineshape is deconvolved first, and the numbers are the library’s on the same pair', async () => {
    const water = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib', 'wref_raw.nii.gz');
    await checkResult([NIFTI], ['reference deconvolution: the water lineshape of wref_raw.nii.gz'], {
      water: [water],
    });
    // …and they differ from the answer without it (the 7 T water line is far from the training lineshape).
    const plain = expected([NIFTI]);
    const deconvolved = expected([NIFTI], { water: [water] });
    expect(Math.abs(deconvolved.probability - plain.probability)).toBeGreaterThan(1e-4);
  });

  it('the spectrum zooms on a drag across the ppm axis, resets on double-click, and reads out values on hover', async () => {
    const { page } = await openAndDrop([NIFTI]);
    try {
      const fig = page.locator('#spectrum');
      expect(await fig.getAttribute('data-range')).toBe('0,6.5');
      const svg = page.locator('#spectrum svg');
      const box = await svg.boundingBox();
      const plot = await page.evaluate(() => {
        const r = document.querySelector('#spectrum svg clipPath rect') as SVGRectElement;
        const s = document.querySelector('#spectrum svg') as SVGSVGElement;
        return {
          x: Number(r.getAttribute('x')),
          w: Number(r.getAttribute('width')),
          vw: s.viewBox.baseVal.width,
        };
      });
      if (!box) throw new Error('no spectrum');
      // Screen x of a ppm on the 0–6.5 axis (high ppm left), through the SVG's scale on the page.
      const k = box.width / plot.vw;
      const at = (ppm: number) => box.x + k * (plot.x + ((6.5 - ppm) / 6.5) * plot.w);
      const y = box.y + box.height / 2;
      await page.mouse.move(at(1.3), y);
      const readout = await page.locator('#spectrum-readout').textContent();
      expect(readout).toMatch(/^1\.\d{3} ppm · real -?[\d.e+-]+ · magnitude [\d.e+-]+ \(a\.u\.\)$/);
      expect(Math.abs(Number(readout?.split(' ')[0]) - 1.3)).toBeLessThan(0.02);
      await page.mouse.down();
      await page.mouse.move(at(2.2), y, { steps: 5 });
      await page.mouse.up();
      const [lo, hi] = ((await fig.getAttribute('data-range')) ?? '').split(',').map(Number);
      expect(lo).toBeCloseTo(1.3, 1);
      expect(hi).toBeCloseTo(2.2, 1);
      // The axis now shows the window: every tick label between lo and hi.
      const ticks = await page
        .locator('#spectrum svg text[text-anchor="middle"]')
        .evaluateAll((ts) => ts.map((t) => Number(t.textContent)).filter(Number.isFinite));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (const t of ticks) expect(t >= lo - 1e-9 && t <= hi + 1e-9).toBe(true);
      await page.locator('#spectrum svg').dblclick();
      expect(await fig.getAttribute('data-range')).toBe('0,6.5');
    } finally {
      await page.close();
    }
  });

  it('downloads the same result as a self-contained HTML report built in the page', async () => {
    const { page } = await openAndDrop([NIFTI]);
    try {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(download.suggestedFilename()).toBe('metab-report.html');
      const path = await download.path();
      const html = readFileSync(path, 'utf8');
      const want = expected([NIFTI]);
      expect(html).toContain('<h1>livermrs: metab.nii.gz</h1>');
      expect(html.match(/<tr><th scope="row">/g)?.length).toBeGreaterThanOrEqual(20);
      expect(html).toContain(`P(LC-HCC) = ${want.probability.toFixed(3)}`);
      expect(html).not.toMatch(/<script/i);
    } finally {
      await page.close();
    }
  });

  it('raw NIfTI-MRS with 4 coils x 16 transients: combined, aligned and averaged in the page', async () => {
    const raw = join(EXTDATA, 'nifti_mrs_7T_steam_fmrib', 'metab_raw.nii.gz');
    await checkResult(
      [raw],
      ['4 coil channels combined (SNR-optimal weights)', '16 transients aligned and averaged'],
    );
  });

  it('Siemens .rda', async () => {
    await checkResult([RDA]);
  });

  it('Philips SDAT + SPAR dropped together', async () => {
    await checkResult([SDAT, SPAR]);
  });

  it('LCModel .RAW: asks for the frequency the file lacks, then analyses it with the values entered', async () => {
    const raw = join(CHALLENGE, 'datasets_LCModel', 'dataset1.RAW');
    const { page } = await openAndDrop([raw]);
    try {
      expect(await page.locator('#status.error').textContent()).toContain('spectrometer frequency unknown');
      expect(await page.locator('#extra').getAttribute('open')).not.toBeNull();
    } finally {
      await page.close();
    }
    await checkResult([raw], [], { bandwidth: 4000, mhz: 123.2 });
  });

  it('with --isolate (cross-origin isolation) onnxruntime uses min(4, cores) threads and gives the same result', async () => {
    const isolated = await startWebServer({
      port: 0,
      webRoot: join(work, 'web'),
      modelsDir: join(work, 'models'),
      isolate: true,
    });
    const page = await chromium.context.newPage();
    try {
      await page.goto(isolated.url);
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      await modelsReady(page);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.locator('#models').textContent()).toContain(`Threads: ${Math.min(4, cores)}.`);
      await page.setInputFiles('#file', [NIFTI]);
      await page.waitForSelector('#probability', { timeout: 60_000 });
      const shown = Number(await page.locator('#probability').getAttribute('data-value'));
      expect(shown).toBeCloseTo(expected([NIFTI]).probability, 5);
    } finally {
      await page.close();
      await isolated.close();
    }
  });

  it('a file that is not MRS data gives one readable error line and no result', async () => {
    const { page } = await openAndDrop([join(EXTDATA, 'README.md')]);
    try {
      const text = await page.locator('#status.error').textContent();
      expect(text).toMatch(/^README\.md: unknown file format \(expected one of: NIfTI-MRS/);
      expect(await page.locator('#result').isHidden()).toBe(true);
    } finally {
      await page.close();
    }
  });
});
