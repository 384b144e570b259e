import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { LcmCoord } from '../io/lcmodel/coord.js';
import { type FitOptions, type FitResult, Fitter } from './fit.js';
import type { SpectralGrid } from '../core/grid.js';

/**
 * Refits the phased real spectrum stored in an LCModel .COORD file. The COORD axis is LCModel's zero-filled
 * (×2) spectrum of NUNFIL points at DELTAT and HZPPPM, shifted by its referencing; the fit grid is rebuilt so
 * its bins fall on the COORD points (ppm reference solved from the first point), and only the real part is
 * fitted (the imaginary part is not in the file). `basisFor` receives the grid and returns the basis on it.
 */
export interface CoordGrid extends SpectralGrid {
  nucleus: string;
}

export function coordGrid(coord: LcmCoord, file = '<coord>'): CoordGrid {
  const dt = Number(coord.inputs.deltat);
  const mhz = Number(coord.inputs.hzpppm);
  const n = Number(coord.inputs.nunfil);
  if (!(dt > 0 && mhz > 0 && Number.isInteger(n) && n > 0)) {
    throw new InputError('DELTAT, HZPPPM or NUNFIL missing from the input-changes table', {
      file,
      field: 'input changes',
      expected: 'deltat, hzpppm and nunfil (needed to rebuild the frequency axis)',
    });
  }
  const nf = 2 * n;
  const binPpm = 1 / (nf * dt) / mhz;
  const step = coord.ppm.length > 1 ? coord.ppm[0] - coord.ppm[1] : binPpm;
  if (Math.abs(step / binPpm - 1) > 1e-3) {
    throw new InputError(
      `ppm step ${step.toFixed(6)} does not match 1/(2·NUNFIL·DELTAT·HZPPPM) = ${binPpm.toFixed(6)}`,
      {
        file,
        field: 'ppm axis',
        expected: 'an LCModel COORD axis of the zero-filled spectrum',
      },
    );
  }
  // Choose the reference so that a bin lands exactly on the first COORD point: ppm_k = ref − (k − nf/2)·binPpm.
  const k0 = Math.round(nf / 2 + (4.65 - coord.ppm[0]) / binPpm);
  const ref = coord.ppm[0] + (k0 - nf / 2) * binPpm;
  return { points: n, dwellTime: dt, spectrometerFrequency: mhz, ppmReference: ref, nucleus: '1H' };
}

export function fitCoord(
  coord: LcmCoord,
  basisFor: (grid: CoordGrid) => BasisSet,
  options: FitOptions = {},
  file = '<coord>',
): FitResult {
  const grid = coordGrid(coord, file);
  const lo = Math.min(coord.ppm[0], coord.ppm[coord.ppm.length - 1]);
  const hi = Math.max(coord.ppm[0], coord.ppm[coord.ppm.length - 1]);
  const half = 0.5 * (coord.ppm[0] - coord.ppm[1]);
  const fitter = new Fitter(
    basisFor(grid),
    grid,
    {
      ...options,
      ppmRange: [lo - half, hi + half],
      zeroFill: 2,
      // The COORD data are already phased by LCModel (φ0 and φ1); with the real part alone a first-order phase
      // cannot be told apart from the baseline, so it stays off.
      phase1: false,
      residualWater: hi >= 4.9 ? options.residualWater : false,
    },
    { complexRows: false },
  );
  const g = fitter.grid;
  if (g.bins !== coord.ppm.length || Math.abs(g.ppm[0] - coord.ppm[0]) > 1e-4) {
    throw new InputError(
      `fit grid has ${g.bins} points from ${g.ppm[0]}, the COORD ${coord.ppm.length} from ${coord.ppm[0]}`,
      {
        file,
        field: 'ppm axis',
      },
    );
  }
  return fitter.fitRows(Float64Array.from(coord.data));
}
