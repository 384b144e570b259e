/**
 * The parameters of one simulated spectrum, as a flat Float64Array row (fast to fill, ships between threads as
 * it is, and is exactly one row of truth.csv). `ParameterLayout` names the columns and gives their offsets.
 *
 * Columns, in order (units in the names where not obvious):
 *   <component>...            amplitude a_k of each basis component (the basis' units, e.g. mmol/kg)
 *   lw_<component>...         extra Lorentzian FWHM Δν_k (Hz) on top of any linewidth already in the basis
 *   gauss_hz                  shared Gaussian FWHM (Hz)
 *   shift_hz                  frequency shift (Hz); positive moves peaks to higher ppm
 *   phi0_deg                  zero-order phase (degrees)
 *   phi1_deg_per_ppm          first-order phase (degrees per ppm, pivot at the receiver centre ppmReference)
 *   snr                       requested SNR (definition: docs/simulation.md)
 *   noise_sd                  resulting SD of the real (and of the imaginary) frequency-domain noise
 *   water_amp, water_offset_hz, water_lw_hz, water_phase_deg   residual water
 *   baseline_amp              baseline scale; baseline_1..K are the knot coefficients drawn from it
 */
export const NUISANCE_COLUMNS = [
  'gauss_hz',
  'shift_hz',
  'phi0_deg',
  'phi1_deg_per_ppm',
  'snr',
  'noise_sd',
  'water_amp',
  'water_offset_hz',
  'water_lw_hz',
  'water_phase_deg',
  'baseline_amp',
] as const;

export class ParameterLayout {
  readonly components: readonly string[];
  readonly baselineKnots: number;
  readonly columns: readonly string[];
  /** Offset of the first amplitude (always 0) and of the first linewidth. */
  readonly amplitude0 = 0;
  readonly linewidth0: number;
  readonly gauss: number;
  readonly shift: number;
  readonly phi0: number;
  readonly phi1: number;
  readonly snr: number;
  readonly noiseSd: number;
  readonly waterAmp: number;
  readonly waterOffset: number;
  readonly waterWidth: number;
  readonly waterPhase: number;
  readonly baselineAmp: number;
  readonly baseline0: number;
  readonly size: number;
  private readonly index = new Map<string, number>();

  constructor(components: readonly string[], baselineKnots: number) {
    this.components = [...components];
    this.baselineKnots = baselineKnots;
    const k = components.length;
    this.linewidth0 = k;
    const n0 = 2 * k;
    this.gauss = n0;
    this.shift = n0 + 1;
    this.phi0 = n0 + 2;
    this.phi1 = n0 + 3;
    this.snr = n0 + 4;
    this.noiseSd = n0 + 5;
    this.waterAmp = n0 + 6;
    this.waterOffset = n0 + 7;
    this.waterWidth = n0 + 8;
    this.waterPhase = n0 + 9;
    this.baselineAmp = n0 + 10;
    this.baseline0 = n0 + NUISANCE_COLUMNS.length;
    this.size = this.baseline0 + baselineKnots;
    this.columns = [
      ...components,
      ...components.map((c) => `lw_${c}`),
      ...NUISANCE_COLUMNS,
      ...Array.from({ length: baselineKnots }, (_, j) => `baseline_${j + 1}`),
    ];
    this.columns.forEach((c, i) => {
      this.index.set(c, i);
    });
  }

  /** Offset of a named column, or -1. */
  indexOf(column: string): number {
    return this.index.get(column) ?? -1;
  }

  /** A row as a plain object, column name -> value. */
  toObject(row: Float64Array, offset = 0): Record<string, number> {
    const out: Record<string, number> = {};
    this.columns.forEach((c, i) => {
      out[c] = row[offset + i];
    });
    return out;
  }

  /** A row from a plain object; missing columns are an error. */
  fromObject(values: Record<string, number>, out = new Float64Array(this.size), offset = 0): Float64Array {
    this.columns.forEach((c, i) => {
      const v = values[c];
      if (typeof v !== 'number') throw new RangeError(`parameter '${c}' missing`);
      out[offset + i] = v;
    });
    return out;
  }
}
