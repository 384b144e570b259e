import type { Rng } from '../core/random.js';
import { normalCdf, normalLogPdf, normalQuantile } from './special.js';
import { zigguratNormal } from './ziggurat.js';

/**
 * The distribution families a cohort file can give a parameter. Canonical (validated) forms: lognormal is
 * given by mu and sigma of ln x; truncnormal by the mean and sd of the parent normal and optional bounds.
 */
export type DistributionSpec =
  | { dist: 'fixed'; value: number }
  | { dist: 'normal'; mean: number; sd: number }
  | { dist: 'truncnormal'; mean: number; sd: number; min?: number; max?: number }
  | { dist: 'lognormal'; mu: number; sigma: number }
  | { dist: 'uniform'; min: number; max: number };

/** A distribution ready to sample; `fromStandardNormal` maps a N(0,1) score through Φ then the quantile (copula). */
export interface Distribution {
  readonly spec: DistributionSpec;
  /** Smallest and largest value the distribution can produce. */
  readonly support: readonly [number, number];
  sample(rng: Rng): number;
  fromStandardNormal(z: number): number;
  cdf(x: number): number;
  logPdf(x: number): number;
  /** The N(0,1) score of x: Φ⁻¹(cdf(x)) (exact transforms for normal and lognormal). */
  toStandardNormal(x: number): number;
  mean(): number;
}

export function makeDistribution(spec: DistributionSpec): Distribution {
  switch (spec.dist) {
    case 'fixed':
      return new Fixed(spec);
    case 'normal':
      return new Normal(spec);
    case 'truncnormal':
      return new TruncatedNormal(spec);
    case 'lognormal':
      return new LogNormal(spec);
    case 'uniform':
      return new Uniform(spec);
  }
}

class Fixed implements Distribution {
  readonly support: readonly [number, number];
  constructor(readonly spec: { dist: 'fixed'; value: number }) {
    this.support = [spec.value, spec.value];
  }
  sample(): number {
    return this.spec.value;
  }
  fromStandardNormal(): number {
    return this.spec.value;
  }
  cdf(x: number): number {
    return x >= this.spec.value ? 1 : 0;
  }
  logPdf(x: number): number {
    return x === this.spec.value ? 0 : Number.NEGATIVE_INFINITY;
  }
  toStandardNormal(): number {
    return 0;
  }
  mean(): number {
    return this.spec.value;
  }
}

class Normal implements Distribution {
  readonly support = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY] as const;
  constructor(readonly spec: { dist: 'normal'; mean: number; sd: number }) {}
  sample(rng: Rng): number {
    return this.spec.mean + this.spec.sd * zigguratNormal(rng);
  }
  fromStandardNormal(z: number): number {
    return this.spec.mean + this.spec.sd * z;
  }
  cdf(x: number): number {
    return normalCdf((x - this.spec.mean) / this.spec.sd);
  }
  logPdf(x: number): number {
    return normalLogPdf((x - this.spec.mean) / this.spec.sd) - Math.log(this.spec.sd);
  }
  toStandardNormal(x: number): number {
    return (x - this.spec.mean) / this.spec.sd;
  }
  mean(): number {
    return this.spec.mean;
  }
}

/**
 * Normal(mean, sd) restricted to [min, max]. Sampling: rejection from the parent normal when at least a quarter
 * of its mass lies inside (fast, exact), otherwise inversion of the CDF (exact, works deep in a tail too).
 */
class TruncatedNormal implements Distribution {
  readonly support: readonly [number, number];
  private readonly a: number;
  private readonly b: number;
  private readonly pa: number;
  private readonly pb: number;
  private readonly mass: number;
  /** true: work on the mirrored distribution (bounds in the upper tail lose precision in Φ). */
  private readonly mirror: boolean;
  constructor(readonly spec: { dist: 'truncnormal'; mean: number; sd: number; min?: number; max?: number }) {
    const lo = spec.min ?? Number.NEGATIVE_INFINITY;
    const hi = spec.max ?? Number.POSITIVE_INFINITY;
    this.support = [lo, hi];
    const a = (lo - spec.mean) / spec.sd;
    const b = (hi - spec.mean) / spec.sd;
    this.mirror = a > 0;
    this.a = this.mirror ? -b : a;
    this.b = this.mirror ? -a : b;
    this.pa = normalCdf(this.a);
    this.pb = normalCdf(this.b);
    this.mass = this.pb - this.pa;
  }
  sample(rng: Rng): number {
    const { mean, sd } = this.spec;
    if (this.mass >= 0.25) {
      for (;;) {
        const z = zigguratNormal(rng);
        const zz = this.mirror ? -z : z;
        if (zz >= this.a && zz <= this.b) return mean + sd * z;
      }
    }
    return this.fromUniform(rng.uniform());
  }
  private fromUniform(u: number): number {
    let z = normalQuantile(this.pa + u * this.mass);
    z = Math.min(Math.max(z, this.a), this.b);
    return this.spec.mean + this.spec.sd * (this.mirror ? -z : z);
  }
  fromStandardNormal(z: number): number {
    const u = normalCdf(z);
    return this.fromUniform(this.mirror ? 1 - u : u);
  }
  cdf(x: number): number {
    if (x <= this.support[0]) return 0;
    if (x >= this.support[1]) return 1;
    const z = (x - this.spec.mean) / this.spec.sd;
    if (this.mirror) return (this.pb - normalCdf(-z)) / this.mass;
    return (normalCdf(z) - this.pa) / this.mass;
  }
  logPdf(x: number): number {
    if (x < this.support[0] || x > this.support[1]) return Number.NEGATIVE_INFINITY;
    const z = (x - this.spec.mean) / this.spec.sd;
    return normalLogPdf(z) - Math.log(this.spec.sd) - Math.log(this.mass);
  }
  toStandardNormal(x: number): number {
    return normalQuantile(Math.min(Math.max(this.cdf(x), 1e-300), 1 - 1e-16));
  }
  mean(): number {
    const { mean, sd } = this.spec;
    const phi = (t: number) => (Number.isFinite(t) ? Math.exp(normalLogPdf(t)) : 0);
    const m = (phi(this.a) - phi(this.b)) / this.mass;
    return mean + sd * (this.mirror ? -m : m);
  }
}

class LogNormal implements Distribution {
  readonly support = [0, Number.POSITIVE_INFINITY] as const;
  constructor(readonly spec: { dist: 'lognormal'; mu: number; sigma: number }) {}
  sample(rng: Rng): number {
    return Math.exp(this.spec.mu + this.spec.sigma * zigguratNormal(rng));
  }
  fromStandardNormal(z: number): number {
    return Math.exp(this.spec.mu + this.spec.sigma * z);
  }
  cdf(x: number): number {
    return x <= 0 ? 0 : normalCdf((Math.log(x) - this.spec.mu) / this.spec.sigma);
  }
  logPdf(x: number): number {
    if (!(x > 0)) return Number.NEGATIVE_INFINITY;
    const lx = Math.log(x);
    return normalLogPdf((lx - this.spec.mu) / this.spec.sigma) - Math.log(this.spec.sigma) - lx;
  }
  toStandardNormal(x: number): number {
    return (Math.log(x) - this.spec.mu) / this.spec.sigma;
  }
  mean(): number {
    return Math.exp(this.spec.mu + 0.5 * this.spec.sigma ** 2);
  }
}

class Uniform implements Distribution {
  readonly support: readonly [number, number];
  constructor(readonly spec: { dist: 'uniform'; min: number; max: number }) {
    this.support = [spec.min, spec.max];
  }
  sample(rng: Rng): number {
    return rng.uniformIn(this.spec.min, this.spec.max);
  }
  fromStandardNormal(z: number): number {
    return this.spec.min + (this.spec.max - this.spec.min) * normalCdf(z);
  }
  cdf(x: number): number {
    return Math.min(1, Math.max(0, (x - this.spec.min) / (this.spec.max - this.spec.min)));
  }
  logPdf(x: number): number {
    return x < this.spec.min || x > this.spec.max
      ? Number.NEGATIVE_INFINITY
      : -Math.log(this.spec.max - this.spec.min);
  }
  toStandardNormal(x: number): number {
    return normalQuantile(Math.min(Math.max(this.cdf(x), 1e-300), 1 - 1e-16));
  }
  mean(): number {
    return 0.5 * (this.spec.min + this.spec.max);
  }
}

/** Lognormal mu, sigma from the mean and SD of the variable itself. */
export function lognormalFromMoments(mean: number, sd: number): { mu: number; sigma: number } {
  const s2 = Math.log(1 + (sd / mean) ** 2);
  return { mu: Math.log(mean) - s2 / 2, sigma: Math.sqrt(s2) };
}
