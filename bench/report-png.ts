/**
 * How to rasterise report figures to PNG: resvg (@resvg/resvg-js, in process) against headless Chromium
 * screenshots (playwright-core driving Debian's /usr/bin/chromium). Figures: the fit figure of a real NLLS fit
 * (20 components, 1024-point liver spectrum: the largest figure a report has) and a ROC plot. Both at 2x scale.
 * Reports the median wall time per figure over repeats, Chromium's start-up separately, and PNG sizes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/core/random.js';
import { Fitter } from '../src/fit/fit.js';
import { LIVER_FIT_OPTIONS, liverBasis } from '../src/fit/liver.js';
import { peakHeight, synthesizeFid } from '../src/fit/synthesize.js';
import { spectrumFigureSvg } from '../src/report/figures/spectrum.js';
import { rocFigureSvg } from '../src/report/figures/roc.js';
import { fitSpectrumInput } from '../src/report/from-fit.js';
import { svgToPng } from '../src/report/png.js';
import { STUDY_SPEC } from './fit-crlb-study.js';

const REPEATS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.floor(s.length / 2)].toFixed(1));
}

function figures(): Record<string, string> {
  const basis = liverBasis();
  const fid = synthesizeFid(
    basis,
    { ...STUDY_SPEC, noiseSd: peakHeight(basis, STUDY_SPEC) / 30 },
    new Rng(1),
  );
  const fit = new Fitter(basis, fid, LIVER_FIT_OPTIONS).fit(fid);
  const roc = { label: 'cCNN', fpr: [0, 0, 0.1, 0.1, 1], tpr: [0, 0.71, 0.71, 1, 1], auc: 0.97 };
  return { spectrum: spectrumFigureSvg(fitSpectrumInput(fit, 'fit')), roc: rocFigureSvg([roc]) };
}

async function timeResvg(svg: string): Promise<{ medianMs: number; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REPEATS + 2; i++) {
    const t0 = performance.now();
    bytes = (await svgToPng(svg, { scale: 2 })).length;
    if (i >= 2) ms.push(performance.now() - t0);
  }
  return { medianMs: median(ms), bytes };
}

async function timeChromium(figs: Record<string, string>): Promise<Record<string, unknown>> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'livermrs-bench-chromium-'));
  const t0 = performance.now();
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    deviceScaleFactor: 2,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const page = await ctx.newPage();
  const launchMs = performance.now() - t0;
  const out: Record<string, unknown> = { launchMs: Number(launchMs.toFixed(0)) };
  try {
    for (const [name, svg] of Object.entries(figs)) {
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REPEATS + 2; i++) {
        const t = performance.now();
        await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
        bytes = (await page.locator('svg').first().screenshot()).length;
        if (i >= 2) ms.push(performance.now() - t);
      }
      out[name] = { medianMs: median(ms), bytes };
    }
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}

export async function run(): Promise<Record<string, unknown>> {
  const figs = figures();
  const resvg: Record<string, unknown> = {};
  for (const [name, svg] of Object.entries(figs)) resvg[name] = await timeResvg(svg);
  return { repeats: REPEATS, scale: 2, resvg, chromium: await timeChromium(figs) };
}
