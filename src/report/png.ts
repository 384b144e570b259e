import { existsSync } from 'node:fs';
import { LivermrsError } from '../core/errors.js';

/**
 * SVG to PNG with resvg (@resvg/resvg-js: a Rust SVG renderer shipped as an npm package with its platform
 * binary; no browser, no network). Chosen over headless-Chromium screenshots by measurement
 * (bench/report-png.ts, docs/reports.md): per figure resvg is as fast or faster (0.05–0.26 s at 2x against
 * 0.12–0.42 s), and Chromium adds 1–2 s of start-up, a child process and a browser installation that many
 * machines that run livermrs (servers, CI containers) do not have, while resvg runs in process wherever npm
 * installs it.
 * Text uses DejaVu Sans (the figures' first-choice family) when installed, else the system fonts.
 */
export interface PngOptions {
  /** Pixel density multiplier (default 2: crisp on print and high-DPI screens). */
  scale?: number;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

async function loadResvg(): Promise<ResvgModule> {
  if (!resvg) {
    try {
      const mod = (await import('@resvg/resvg-js')) as ResvgModule & { default?: ResvgModule };
      resvg = mod.Resvg ? mod : (mod.default as ResvgModule);
    } catch (err) {
      throw new LivermrsError(
        `PNG figures need the @resvg/resvg-js package (${(err as Error).message}); reinstall with npm ci`,
        { cause: err },
      );
    }
  }
  return resvg;
}

/** Font files of the figures' first-choice family; scanning every system font costs tens of ms per figure. */
const DEJAVU = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => `/usr/share/fonts/truetype/dejavu/${f}`);
let fontOptions: { loadSystemFonts: boolean; fontFiles?: string[] } | undefined;

function fonts(): { loadSystemFonts: boolean; fontFiles?: string[] } {
  fontOptions ??= DEJAVU.every((f) => existsSync(f))
    ? { loadSystemFonts: false, fontFiles: DEJAVU }
    : { loadSystemFonts: true };
  return fontOptions;
}

/** Renders one standalone SVG figure to PNG bytes. */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await loadResvg();
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    background: 'white',
    font: { ...fonts(), defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  return new Uint8Array(r.render().asPng());
}
