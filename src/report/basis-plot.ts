import type { BasisSet } from '../core/basis.js';
import { ppmAxis } from '../core/fid.js';
import { fidToSpectrum } from '../spectra/fft.js';
import { applyLineshape } from '../spectra/render.js';
import { PALETTE, linePlot } from './svg-plot.js';

export interface BasisPlotOptions {
  /** ppm window drawn (default 0.5 to 5.7, the liver fit window plus margins). */
  ppmRange?: [number, number];
  /** Lorentzian broadening (Hz) applied for display only when the basis has ideal lines (default 2). */
  displayLinewidthHz?: number;
  title?: string;
}

/**
 * All basis spectra (real part) stacked on a reversed ppm axis, each scaled to its own maximum in the window
 * and labelled with its name: the usual way to look at a basis set.
 */
export function basisPlotSvg(basis: BasisSet, opts: BasisPlotOptions = {}): string {
  const [lo, hi] = opts.ppmRange ?? [0.5, 5.7];
  const broaden = basis.linewidthHz ? 0 : (opts.displayLinewidthHz ?? 2);
  const ax = ppmAxis(basis);
  const idx: number[] = [];
  for (let k = 0; k < basis.points; k++) if (ax[k] >= lo && ax[k] <= hi) idx.push(k);
  const n = basis.names.length;
  const traces = basis.names.map((_name, j) => {
    const fid = Float64Array.from(basis.fids[j]);
    fid[0] /= 2; // first-point correction: no flat offset in the displayed spectrum
    fid[1] /= 2;
    applyLineshape(fid, basis.dwellTime, broaden, 0);
    const s = fidToSpectrum(fid);
    let peak = 0;
    for (const k of idx) peak = Math.max(peak, Math.abs(s[2 * k]));
    const scale = peak > 0 ? 0.9 / peak : 0;
    const offset = n - 1 - j;
    return {
      x: idx.map((k) => ax[k]),
      y: idx.map((k) => s[2 * k] * scale + offset),
      color: PALETTE[j % PALETTE.length],
    };
  });
  const labels = basis.names.map((name, j) => ({
    x: hi - 0.02 * (hi - lo),
    y: n - 1 - j + 0.3,
    text: name,
    color: PALETTE[j % PALETTE.length],
  }));
  const seq = basis.sequence ? basis.sequence.toUpperCase() : '';
  const te = basis.echoTime !== undefined ? ` TE ${(basis.echoTime * 1000).toFixed(1)} ms` : '';
  const title =
    opts.title ??
    `Basis: ${seq}${te}, ${basis.spectrometerFrequency.toFixed(2)} MHz` +
      (broaden ? ` (display broadening ${broaden} Hz)` : ` (${basis.linewidthHz} Hz lines)`);
  return linePlot(traces, {
    width: 900,
    height: Math.max(360, 90 + 42 * n),
    title,
    xLabel: 'Chemical shift (ppm)',
    reverseX: true,
    xRange: [lo, hi],
    yRange: [-0.6, n + 0.2],
    hideYTicks: true,
    legend: false,
    labels,
  });
}
