import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/html.js';
import { textWidth } from '../../src/report/svg-plot.js';
import { writeReport } from '../../src/report/write.js';
import { type HeadlessChromium, launchChromium } from '../helpers/browser.js';
import { pixelStats } from '../helpers/png.js';
import { fullReport } from './fixtures.js';

let dir: string;
let chromium: HeadlessChromium;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'livermrs-report-browser-'));
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report in headless Chromium', () => {
  it('renders every figure (non-blank screenshot of each) and requests nothing but the file itself', async () => {
    const w = await writeReport(join(dir, 'report'), fullReport(), { png: false });
    const page = await chromium.context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(w.html).href;
    await page.goto(url);
    const figures = page.locator('figure[data-figure]');
    expect(await figures.count()).toBe(7);
    for (let i = 0; i < 7; i++) {
      const fig = figures.nth(i);
      const id = await fig.getAttribute('data-figure');
      const box = await fig.locator('svg').boundingBox();
      expect(box?.width, id ?? '').toBeGreaterThan(200);
      const s = pixelStats(new Uint8Array(await fig.locator('svg').screenshot()));
      expect(s.sd, `${id}: luminance SD`).toBeGreaterThan(10);
      expect(s.inked, `${id}: inked fraction`).toBeGreaterThan(0.005);
    }
    // The concentration table shows every fitted component and sum.
    const fit = fullReport().sections[0].blocks[1];
    const rows = fit.kind === 'concentrations' ? fit.input.rows.length : 0;
    expect(rows).toBeGreaterThan(20);
    expect(await page.locator('table.concentrations tbody tr:not(.group)').count()).toBe(rows);
    expect(requests).toEqual([url]);
    // Print to A4 (the print stylesheet): a multi-page PDF with every figure's page present.
    const pdf = Buffer.from(await page.pdf({ format: 'A4', printBackground: true }));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(3);
    if (process.env.LIVERMRS_SCREENSHOT_REPORT)
      await page.screenshot({
        path: process.env.LIVERMRS_SCREENSHOT_REPORT,
        fullPage: true,
        clip: { x: 0, y: 0, width: 1100, height: 1700 },
      });
    await page.close();
  });

  it('no text of a report figure or of a docs figure runs outside its SVG, and the width estimate errs wide', async () => {
    const built = buildReport(fullReport());
    const docs = join(import.meta.dirname, '..', '..', 'docs', 'figures');
    const svgs = [
      ...built.figures.map((f) => ({ id: f.id, svg: f.svg })),
      ...readdirSync(docs)
        .filter((f) => f.endsWith('.svg'))
        .map((f) => ({ id: f, svg: readFileSync(join(docs, f), 'utf8') })),
    ];
    expect(svgs.length).toBeGreaterThan(10);
    const page = await chromium.context.newPage();
    for (const { id, svg } of svgs) {
      await page.setContent(`<!DOCTYPE html><body style="margin:0">${svg}</body>`);
      const texts = await page.evaluate(() => {
        const root = document.querySelector('svg') as SVGSVGElement;
        const r = root.getBoundingClientRect();
        return Array.from(root.querySelectorAll('text')).map((t) => {
          const b = t.getBoundingClientRect();
          const style = getComputedStyle(t);
          return {
            text: t.textContent ?? '',
            out: b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1,
            length: t.getComputedTextLength(),
            size: Number.parseFloat(style.fontSize),
            bold: style.fontWeight === '700' || style.fontWeight === 'bold',
          };
        });
      });
      expect(texts.length, id).toBeGreaterThan(0);
      expect(
        texts.filter((t) => t.out).map((t) => t.text),
        `${id}: text outside the figure`,
      ).toEqual([]);
      // Titles and legends are laid out with textWidth: it must not under-estimate what Chromium draws.
      const off = texts
        .filter((t) => t.text.length >= 4)
        .map((t) => ({ t: t.text, ratio: textWidth(t.text, t.size, t.bold) / t.length }))
        .filter((x) => !(x.ratio >= 0.98 && x.ratio < 1.35));
      expect(off, `${id}: textWidth / Chromium's width outside [0.98, 1.35)`).toEqual([]);
    }
    await page.close();
  });
});
