import { type Diagnostic, diagnosticMessage } from './diagnostics.js';

/**
 * Whether a result can be trusted: `ok`, `doubtful` (numbers given, with the reasons to doubt them) or
 * `failed` (no numbers: the reasons say why). Every fit, quantification and classification carries one.
 */
export type Status = 'ok' | 'doubtful' | 'failed';

export interface ResultStatus {
  status: Status;
  reasons: string[];
}

const RANK: Record<Status, number> = { ok: 0, doubtful: 1, failed: 2 };

/** Collects reasons; the status is the worst one raised. */
export class StatusBuilder {
  private level: Status = 'ok';
  private readonly reasons: string[] = [];

  doubt(reason: string): this {
    return this.raise('doubtful', reason);
  }

  fail(reason: string): this {
    return this.raise('failed', reason);
  }

  raise(level: Status, reason: string): this {
    if (RANK[level] > RANK[this.level]) this.level = level;
    this.reasons.push(reason);
    return this;
  }

  get failed(): boolean {
    return this.level === 'failed';
  }

  build(): ResultStatus {
    return { status: this.level, reasons: [...this.reasons] };
  }
}

/** Thresholds shared by every status rule, in one place. */
export const STATUS_LIMITS = Object.freeze({
  /** Residual SD over noise SD above which the model is said to miss signal. */
  residualToNoise: 1.5,
  /** Baseline height over the largest fitted peak above which the baseline is taking signal. */
  baselineShare: 0.2,
  /** Minimum SNR (largest fitted peak over noise SD). */
  minSnr: 10,
  /** Referencing confidence below which the water/fat assignment is doubtful. */
  minReferencingConfidence: 0.2,
  /** Linewidth (Hz FWHM) above which a 3 T liver spectrum is doubtful (iron overload, motion). */
  maxLinewidthHz: 60,
  /** SD of a fat fraction (percentage points) above which it is doubtful. */
  maxFatFractionSd: 5,
});

interface FitLike {
  quality: { residualToNoise?: number; snr: number; converged: boolean };
  components: { amplitude: number }[];
  warnings: readonly Diagnostic[];
}

/**
 * The rules every fit shares: convergence, residual against noise (`misfit` says what a large residual means
 * for this model), SNR.
 */
export function qualityStatus(
  q: FitLike['quality'],
  s: StatusBuilder,
  misfit = 'model misses signal',
): StatusBuilder {
  if (!q.converged) s.doubt('the fit did not converge');
  if (q.residualToNoise !== undefined && q.residualToNoise > STATUS_LIMITS.residualToNoise) {
    s.doubt(`the residual is ${q.residualToNoise.toFixed(1)}× the noise (${misfit})`);
  }
  if (q.snr < STATUS_LIMITS.minSnr) s.doubt(`SNR ${q.snr.toFixed(1)} below ${STATUS_LIMITS.minSnr}`);
  return s;
}

/** The status of a linear-combination fit from its quality and warnings (metabolite fits). */
export function fitStatus(fit: FitLike, s = new StatusBuilder()): StatusBuilder {
  if (fit.components.every((c) => !(c.amplitude > 0))) s.fail('no component was fitted above zero');
  qualityStatus(fit.quality, s);
  for (const w of fit.warnings) {
    if (w.code === 'at-bound' || w.code === 'baseline-large') s.doubt(diagnosticMessage(w));
  }
  return s;
}
