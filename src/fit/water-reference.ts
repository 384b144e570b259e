import type { BasisSet } from '../core/basis.js';
import type { Fid } from '../core/fid.js';
import type { Diagnostic } from './diagnostics.js';
import { Fitter } from './fit.js';
import { gridOf } from '../core/grid.js';

/**
 * Water reference area: the unsuppressed water FID fitted with one Voigt singlet (the same lineshape model
 * and amplitude definition as the metabolites: amplitude = signal at t = 0 of a unit singlet), over
 * centre ± 0.6 ppm with a constant complex baseline. |FID(0)| is returned too as an independent check.
 */
export interface WaterReference {
  /** Fitted water area (data units at t = 0). */
  area: number;
  /** |first FID point|: a model-free estimate of the same area. */
  firstPoint: number;
  fwhmHz: number;
  ppm: number;
  warnings: Diagnostic[];
}

export interface WaterReferenceOptions {
  /** Expected water shift (ppm). Default 4.65. */
  centrePpm?: number;
}

export function fitWaterReference(fid: Fid, opts: WaterReferenceOptions = {}): WaterReference {
  const centre = opts.centrePpm ?? 4.65;
  const f = (fid.ppmReference - centre) * fid.spectrometerFrequency;
  const unit = new Float64Array(2 * fid.points);
  for (let n = 0; n < fid.points; n++) {
    const a = 2 * Math.PI * f * n * fid.dwellTime;
    unit[2 * n] = Math.cos(a);
    unit[2 * n + 1] = Math.sin(a);
  }
  const basis: BasisSet = {
    names: ['H2O'],
    fids: [unit],
    ...gridOf(fid),
    nucleus: fid.nucleus,
    components: { H2O: { protons: 2, group: 'water' } },
  };
  const fitter = new Fitter(basis, fid, {
    ppmRange: [centre - 0.6, centre + 0.6],
    baseline: { kind: 'poly', order: 0 },
    residualWater: false,
    phase1: false,
    maxShiftPpm: 0.3,
    maxDampingHz: 200,
    combinations: [],
  });
  const r = fitter.fit(fid);
  const shift = r.parameters.find((p) => p.name === 'shift.water')?.value ?? 0;
  const warnings = [...r.warnings];
  const area = r.components[0].amplitude;
  const firstPoint = Math.hypot(fid.data[0], fid.data[1]);
  if (area > 0 && Math.abs(firstPoint / area - 1) > 0.15) {
    warnings.push({ code: 'water-area-mismatch', percent: 100 * (firstPoint / area - 1) });
  }
  return {
    area,
    firstPoint,
    fwhmHz: r.linewidthsHz.water ?? r.quality.fwhmHz,
    ppm: centre + shift / fid.spectrometerFrequency,
    warnings,
  };
}
