import { LivermrsError } from '../core/errors.js';

/**
 * SVG to PNG with resvg (@resvg/resvg-js: a Rust SVG renderer shipped as an npm package with its platform
 * binary; no browser, no network). Chosen over Chromium screenshots by measurement (docs/reports.md): it is
 * about two orders of magnitude faster per figure, needs no browser install, and renders the same text because
 * both use the system fonts (the figures ask for DejaVu Sans first).
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

/** Renders one standalone SVG figure to PNG bytes. */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await loadResvg();
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  return new Uint8Array(r.render().asPng());
}
