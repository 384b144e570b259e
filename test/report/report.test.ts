import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/html.js';
import { writeReport } from '../../src/report/write.js';
import { pixelStats } from '../helpers/png.js';
import { fullReport } from './fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('buildReport', () => {
  it('is self-contained: no scripts, no links, no URLs except the SVG namespace', () => {
    const { html, figures } = buildReport(fullReport());
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(figures.map((f) => f.id)).toEqual([
      'spectrum',
      'probability',
      'roc',
      'confusion-ccnn',
      'confusion-nlls-logistic',
      'distribution-accuracy',
      'bias',
    ]);
    // Every figure is inlined once, with its caption number.
    for (const [i, f] of figures.entries()) {
      expect(html).toContain(`data-figure="${f.id}"`);
      expect(html).toContain(`Figure ${i + 1}. ${f.title.replace(/&/g, '&amp;')}`);
    }
    // Clip-path ids are unique across the page.
    const ids = [...html.matchAll(/<clipPath id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('writeReport', () => {
  it('writes report.html and every figure as SVG and a non-blank PNG at twice the SVG size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-report-'));
    dirs.push(dir);
    const out = join(dir, 'report');
    const w = await writeReport(out, fullReport());
    expect(readFileSync(w.html, 'utf8')).toContain('<h1>livermrs test report</h1>');
    expect(w.png).toHaveLength(7);
    for (const [i, p] of w.png.entries()) {
      const svg = readFileSync(w.svg[i], 'utf8');
      const width = Number(svg.match(/width="(\d+)"/)?.[1]);
      const s = pixelStats(new Uint8Array(readFileSync(p)));
      expect(s.width).toBe(2 * width);
      expect(s.sd).toBeGreaterThan(10);
      expect(s.inked).toBeGreaterThan(0.005);
    }
  });

  it('leaves nothing behind when building fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'livermrs-report-'));
    dirs.push(dir);
    const bad = fullReport();
    bad.sections[0].blocks[0] = { kind: 'spectrum', input: { ppm: [1], data: [1] } };
    await expect(writeReport(join(dir, 'report'), bad)).rejects.toThrow(/fewer than 2 points/);
    expect(existsSync(join(dir, 'report'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
