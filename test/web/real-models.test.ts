import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { NO_WATER_REFERENCE_NOTE } from '../../src/networks/input.js';
import { buildWebApp } from '../../src/web/build.js';
import { type RunningServer, startWebServer } from '../../src/web/server.js';
import { type HeadlessChromium, launchChromium } from '../helpers/browser.js';
import { writeLiverSpectrum } from '../helpers/liver-spectrum.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { CHALLENGE } from '../paths.js';
import { COMPONENTS } from './models.js';
import { dropFiles, type EnteredValues } from './page.js';

/**
 * The browser app with the shipped qCNN and cCNN (models/, trained by `npm run train-models`): the page
 * (onnxruntime-web, WebAssembly) and the CLI (onnxruntime-node) must give the same 20 values, SDs and probability
 * for the same file, to float32 precision.
 */
let work: string;
let server: RunningServer;
let chromium: HeadlessChromium;
let out = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'livermrs-web-real-'));
  await buildWebApp({ outDir: join(work, 'web') });
  server = await startWebServer({
    port: 0,
    host: '127.0.0.1',
    webRoot: join(work, 'web'),
    modelsDir: join(REPO_ROOT, 'models'),
  });
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

async function cliJson(...argv: string[]): Promise<Record<string, unknown>> {
  out = '';
  await runCli(argv);
  return JSON.parse(out);
}

/** The status the page shows for a model's answer: what `livermrs quantify|classify --json` says. */
async function pageStatus(page: Page, id: 'quant-status' | 'class-status') {
  const el = page.locator(`#${id}`);
  return {
    status: await el.getAttribute('data-status'),
    reasons: JSON.parse((await el.getAttribute('data-reasons')) ?? 'null') as string[],
  };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

async function compareWithCli(
  file: string,
  cliArgs: string[] = [],
  values?: EnteredValues,
  screenshot?: string,
): Promise<void> {
  const q = (await cliJson('quantify', file, '--json', ...cliArgs)) as {
    components: { name: string; amplitude: number; sd: number }[];
    status: string;
    statusReasons: string[];
    notes: string[];
  };
  const c = (await cliJson('classify', file, '--json', ...cliArgs)) as {
    probability: number;
    status: string;
    statusReasons: string[];
  };
  const { page, foreign } = await dropFiles(chromium, server, [file], values);
  try {
    if (await page.locator('#status.error').count())
      throw new Error(`app error: ${await page.locator('#status').textContent()}`);
    expect(await page.locator('#models').textContent()).toContain('qCNN: qCNN hbv-lc+hbv-lc-hcc');
    // The shipped models say on the page that their training priors are illustrative.
    const modelNotes = await page.locator('#model-notes li').allTextContents();
    expect(modelNotes).toHaveLength(2);
    for (const n of modelNotes) expect(n).toContain('ILLUSTRATIVE cohort priors');
    // The training-range check in the page: the command line's status and reasons.
    expect(await pageStatus(page, 'quant-status')).toEqual({ status: q.status, reasons: q.statusReasons });
    expect(await pageStatus(page, 'class-status')).toEqual({ status: c.status, reasons: c.statusReasons });
    const shown = JSON.parse((await page.locator('#quant').getAttribute('data-values')) ?? '[]') as {
      name: string;
      value: number;
      sd: number;
    }[];
    expect(shown.map((r) => r.name)).toEqual(COMPONENTS);
    expect(q.components.map((r) => r.name)).toEqual(COMPONENTS);
    const worst = { value: 0, sd: 0 };
    shown.forEach((r, k) => {
      worst.value = Math.max(worst.value, rel(r.value, q.components[k].amplitude));
      worst.sd = Math.max(worst.sd, rel(r.sd, q.components[k].sd));
    });
    // float32 networks in two runtimes: measured worst 9e-7 (values) and 7e-7 (SDs) on both files.
    expect(worst.value).toBeLessThan(1e-5);
    expect(worst.sd).toBeLessThan(1e-5);
    // Without the voxel's water reference both say that its lineshape stays in the spectrum (networks/input.ts;
    // the protocol notes of the training record, such as an assumed echo time, are the CLI's alone).
    const pageNotes = await page.locator('#notes p').allTextContents();
    if (!cliArgs.includes('--water')) {
      expect(q.notes).toContain(NO_WATER_REFERENCE_NOTE);
      expect(pageNotes).toContain(NO_WATER_REFERENCE_NOTE);
    }
    const p = Number(await page.locator('#probability').getAttribute('data-value'));
    expect(Math.abs(p - c.probability)).toBeLessThan(1e-5);
    expect(foreign).toEqual([]);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  } finally {
    await page.close();
  }
}

describe('web app with the shipped models', () => {
  it('a simulated default-protocol liver spectrum (3 T, PRESS TE 30, 2000 Hz, 1024 points): page = CLI', async () => {
    const file = join(work, 'liver.nii.gz');
    writeLiverSpectrum(file, 11, 3);
    await compareWithCli(file, [], undefined, process.env.LIVERMRS_SCREENSHOT);
  });

  it('refuses, as the CLI does, a spectrum outside the training range, and answers with the box ticked', async () => {
    // A brain spectrum at 4000 Hz: its SNR and lipid linewidth are far from the liver cohorts'.
    const raw = join(CHALLENGE, 'datasets_LCModel', 'dataset1.RAW');
    const args = [raw, '--json', '--sw', '4000', '--frequency', '123.2'];
    const q = (await cliJson('quantify', ...args)) as { status: string; statusReasons: string[] };
    const c = (await cliJson('classify', ...args)) as { status: string; statusReasons: string[] };
    expect(q.status).toBe('failed');
    expect(q.statusReasons.join(' ')).toMatch(/SNR .* is outside the training range/);
    const { page } = await dropFiles(chromium, server, [raw], { bandwidth: 4000, mhz: 123.2 });
    try {
      expect(await page.locator('#status').textContent()).toMatch(/^Done/);
      expect(await pageStatus(page, 'quant-status')).toEqual({ status: 'failed', reasons: q.statusReasons });
      expect(await pageStatus(page, 'class-status')).toEqual({ status: 'failed', reasons: c.statusReasons });
      // No numbers: no table, no probability.
      expect(await page.locator('#quant').getAttribute('data-values')).toBe('');
      expect(await page.locator('#probability').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  // Before the bundle carried the model grid's dwell time the page gave twice the CLI's amplitudes here: the
  // unnormalised FFT of a 4000 Hz spectrum is twice as high for the same FID amplitude.
  it('another grid (LCModel .RAW, 4000 Hz, 2048 points, 123.2 MHz): both resample to the model grid alike', async () => {
    // A brain spectrum: outside the liver networks' training range, so both answer only when forced.
    const raw = join(CHALLENGE, 'datasets_LCModel', 'dataset1.RAW');
    await compareWithCli(raw, ['--sw', '4000', '--frequency', '123.2', '--force'], {
      bandwidth: 4000,
      mhz: 123.2,
      force: true,
    });
  });
});
