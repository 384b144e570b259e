import { InputError } from '../core/errors.js';
import type { Rng } from '../core/random.js';
import { cholesky } from './cohort-checks.js';
import { inverseFromCholesky } from '../linalg/index.js';
import type { CohortGroup } from './cohort-schema.js';
import { type Distribution, makeDistribution } from './distributions.js';
import type { ParameterLayout } from './parameters.js';
import { zigguratNormal } from './ziggurat.js';

export type ComponentClass = 'metabolite' | 'lipid';

/**
 * Draws the parameters of one spectrum of a cohort group into a parameter row, in a fixed order (so a seed
 * always gives the same numbers): correlated amplitudes (Gaussian copula: z = Lε, x_k = F_k⁻¹(Φ(z_k))), the
 * other amplitudes, Lorentzian widths (one draw per width key; a class key such as `lipids` is one draw shared
 * by its components), then the nuisance parameters and the baseline knots c_j = baseline_amp · ε_j, ε_j ~ N(0,1).
 */
export class GroupSampler {
  readonly layout: ParameterLayout;
  private readonly amplitude: Distribution[];
  private readonly correlated: number[];
  private readonly independent: number[];
  private readonly chol: Float64Array;
  private readonly eps: Float64Array;
  /** Width keys in file order, their distributions, and for each component the key index it takes. */
  private readonly widthDists: Distribution[];
  private readonly widthOf: Int32Array;
  private readonly widthDraw: Float64Array;
  private readonly gauss: Distribution;
  private readonly shift: Distribution;
  private readonly phi0: Distribution;
  private readonly phi1: Distribution;
  private readonly snr: Distribution;
  private readonly waterAmp: Distribution;
  private readonly waterOffset: Distribution;
  private readonly waterWidth: Distribution;
  private readonly waterPhase: Distribution;
  private readonly baselineAmp: Distribution;
  /** Inverse of the correlation matrix minus I, and log det, for the copula density. */
  private readonly copulaPrecisionMinusI: Float64Array;
  private readonly copulaLogDet: number;

  constructor(
    group: CohortGroup,
    layout: ParameterLayout,
    classOf: (component: string) => ComponentClass,
    where = 'group',
  ) {
    this.layout = layout;
    const names = layout.components;
    this.amplitude = names.map((n) => makeDistribution(group.amplitudes[n]));
    const corrNames = group.correlation?.components ?? [];
    this.correlated = corrNames.map((n) => names.indexOf(n));
    this.independent = names.map((_, k) => k).filter((k) => !this.correlated.includes(k));
    const m = this.correlated.length;
    this.chol = new Float64Array(m * m);
    this.eps = new Float64Array(m);
    this.copulaPrecisionMinusI = new Float64Array(m * m);
    this.copulaLogDet = 0;
    if (group.correlation) {
      const l = cholesky(group.correlation.matrix);
      if (!l) throw new InputError('not positive definite', { field: `${where}.correlation.matrix` });
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) this.chol[i * m + j] = l[i][j];
      let logDet = 0;
      for (let i = 0; i < m; i++) logDet += 2 * Math.log(l[i][i]);
      this.copulaLogDet = logDet;
      const inv = inverseFromCholesky(this.chol, m);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++)
          this.copulaPrecisionMinusI[i * m + j] = inv[i * m + j] - (i === j ? 1 : 0);
    }

    const widthKeys = Object.keys(group.nuisance.lorentzianWidth);
    this.widthDists = widthKeys.map((k) => makeDistribution(group.nuisance.lorentzianWidth[k]));
    this.widthDraw = new Float64Array(widthKeys.length);
    this.widthOf = new Int32Array(names.length);
    names.forEach((name, k) => {
      const cls = classOf(name) === 'lipid' ? 'lipids' : 'metabolites';
      let key = widthKeys.indexOf(name);
      if (key < 0) key = widthKeys.indexOf(cls);
      if (key < 0) key = widthKeys.indexOf('all');
      if (key < 0) {
        throw new InputError(`no Lorentzian width for component '${name}'`, {
          field: `${where}.nuisance.lorentzianWidth`,
          expected: `an entry '${name}', '${cls}' or 'all'`,
        });
      }
      this.widthOf[k] = key;
    });
    const nu = group.nuisance;
    this.gauss = makeDistribution(nu.gaussianWidth);
    this.shift = makeDistribution(nu.shift);
    this.phi0 = makeDistribution(nu.phase0);
    this.phi1 = makeDistribution(nu.phase1);
    this.snr = makeDistribution(nu.snr);
    this.waterAmp = makeDistribution(nu.water.amplitude);
    this.waterOffset = makeDistribution(nu.water.offset);
    this.waterWidth = makeDistribution(nu.water.width);
    this.waterPhase = makeDistribution(nu.water.phase);
    this.baselineAmp = makeDistribution(nu.baseline.amplitude);
  }

  /** Fills row[offset .. offset + layout.size) with one draw (noise_sd is left 0: the signal model sets it). */
  sample(rng: Rng, row: Float64Array, offset = 0): void {
    const L = this.layout;
    const m = this.correlated.length;
    if (m > 0) {
      for (let i = 0; i < m; i++) this.eps[i] = zigguratNormal(rng);
      for (let i = 0; i < m; i++) {
        let z = 0;
        for (let j = 0; j <= i; j++) z += this.chol[i * m + j] * this.eps[j];
        const k = this.correlated[i];
        row[offset + L.amplitude0 + k] = this.amplitude[k].fromStandardNormal(z);
      }
    }
    for (const k of this.independent) row[offset + L.amplitude0 + k] = this.amplitude[k].sample(rng);
    for (let w = 0; w < this.widthDists.length; w++) this.widthDraw[w] = this.widthDists[w].sample(rng);
    for (let k = 0; k < this.widthOf.length; k++)
      row[offset + L.linewidth0 + k] = this.widthDraw[this.widthOf[k]];
    row[offset + L.gauss] = this.gauss.sample(rng);
    row[offset + L.shift] = this.shift.sample(rng);
    row[offset + L.phi0] = this.phi0.sample(rng);
    row[offset + L.phi1] = this.phi1.sample(rng);
    row[offset + L.snr] = this.snr.sample(rng);
    row[offset + L.noiseSd] = 0;
    row[offset + L.waterAmp] = this.waterAmp.sample(rng);
    row[offset + L.waterOffset] = this.waterOffset.sample(rng);
    row[offset + L.waterWidth] = this.waterWidth.sample(rng);
    row[offset + L.waterPhase] = this.waterPhase.sample(rng);
    const b = this.baselineAmp.sample(rng);
    row[offset + L.baselineAmp] = b;
    for (let j = 0; j < L.baselineKnots; j++) row[offset + L.baseline0 + j] = b * zigguratNormal(rng);
  }

  /**
   * Log density of the amplitudes in `row` under this group's amplitude model (marginals and Gaussian copula):
   * what the Bayes-optimal (oracle) classifier of the virtual study compares between groups.
   */
  amplitudeLogDensity(row: ArrayLike<number>, offset = 0): number {
    const L = this.layout;
    let s = 0;
    for (let k = 0; k < this.amplitude.length; k++) {
      if (this.amplitude[k].spec.dist === 'fixed') continue;
      s += this.amplitude[k].logPdf(row[offset + L.amplitude0 + k]);
    }
    const m = this.correlated.length;
    if (m > 0 && Number.isFinite(s)) {
      const z = this.correlated.map((k) =>
        this.amplitude[k].toStandardNormal(row[offset + L.amplitude0 + k]),
      );
      let quad = 0;
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) quad += z[i] * this.copulaPrecisionMinusI[i * m + j] * z[j];
      s += -0.5 * this.copulaLogDet - 0.5 * quad;
    }
    return s;
  }

  /** The marginal distribution of a column (amplitudes, widths by their key, nuisance), for tests and reports. */
  marginal(column: string): Distribution | undefined {
    const L = this.layout;
    const k = L.components.indexOf(column);
    if (k >= 0) return this.amplitude[k];
    if (column.startsWith('lw_')) {
      const c = L.components.indexOf(column.slice(3));
      return c >= 0 ? this.widthDists[this.widthOf[c]] : undefined;
    }
    const byColumn: Record<string, Distribution> = {
      gauss_hz: this.gauss,
      shift_hz: this.shift,
      phi0_deg: this.phi0,
      phi1_deg_per_ppm: this.phi1,
      snr: this.snr,
      water_amp: this.waterAmp,
      water_offset_hz: this.waterOffset,
      water_lw_hz: this.waterWidth,
      water_phase_deg: this.waterPhase,
      baseline_amp: this.baselineAmp,
    };
    return byColumn[column];
  }
}
