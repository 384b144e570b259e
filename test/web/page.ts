import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { RunningServer } from '../../src/web/server.js';
import type { HeadlessChromium } from '../helpers/browser.js';

/** Acquisition values typed into the page for files that lack them (LCModel .RAW). */
export interface EnteredValues {
  bandwidth?: number;
  mhz?: number;
  /** Tick "give the numbers outside the training range" (the page's --force). */
  force?: boolean;
  /** Files of the voxel's water reference (the page's --water). */
  water?: string[];
}

/** Waits until the page has tried to load the models, and fails with its message unless both loaded. */
export async function modelsReady(page: Page): Promise<void> {
  await page.waitForSelector('#models:not([data-state="loading"])', { timeout: 60_000 });
  const el = page.locator('#models');
  expect(await el.getAttribute('data-state'), (await el.textContent()) ?? '').toBe('ready');
}

/** Opens the app in a new page, waits for the models, drops `files` and waits until the page is done or failed. */
export async function dropFiles(
  chromium: HeadlessChromium,
  server: RunningServer,
  files: string[],
  values?: EnteredValues,
): Promise<{ page: Page; foreign: string[]; violations: string[] }> {
  const page = await chromium.context.newPage();
  const foreign: string[] = [];
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:'))
      foreign.push(r.url());
  });
  await page.goto(server.url);
  await modelsReady(page);
  if (values) {
    await page.locator('#extra summary').click();
    if (values.bandwidth !== undefined) await page.fill('#bandwidth', String(values.bandwidth));
    if (values.mhz !== undefined) await page.fill('#mhz', String(values.mhz));
    if (values.force) await page.check('#force');
    if (values.water) await page.setInputFiles('#water', values.water);
  }
  await page.setInputFiles('#file', files);
  await page.waitForFunction(
    () =>
      document.querySelector('#status')?.textContent?.startsWith('Done') ||
      document.querySelector('#status.error'),
    undefined,
    { timeout: 60_000 },
  );
  return { page, foreign, violations };
}
