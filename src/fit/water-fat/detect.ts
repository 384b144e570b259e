import type { ReferencingResult } from './referencing.js';

/**
 * Water-suppressed or not: the user's word first (`--water-suppression on|off`), then the header
 * (NIfTI-MRS WaterSuppressed, GE, ...), then the spectrum, by the water share of the water + fat signal:
 *
 * - ≥ UNSUPPRESSED_WATER_SHARE (0.95): unsuppressed. No water-suppressed spectrum of the built-in cohorts
 *   reaches it (their residual water reaches 0.93 of water + fat at most, over 4,000 simulated spectra);
 * - < SUPPRESSED_WATER_SHARE (0.35): suppressed (a liver with 65 % fat or more, unsuppressed, also lands here);
 * - in between: ambiguous. An unsuppressed liver with 5–65 % fat and a suppressed spectrum with a large residual
 *   water look alike. `fit` then gives the water–fat analysis with status doubtful and says how to decide
 *   (`--water-suppression on|off`); quantify and classify add a note.
 */
export const UNSUPPRESSED_WATER_SHARE = 0.95;
export const SUPPRESSED_WATER_SHARE = 0.35;

export type WaterSuppressionMode = 'auto' | 'on' | 'off';

export interface SuppressionDecision {
  suppressed: boolean;
  /** 'option', 'header' or 'spectrum'. */
  source: 'option' | 'header' | 'spectrum';
  /** Water share of the water + fat template amplitudes (spectrum decisions). */
  waterShare?: number;
  /** True when the spectrum alone could not tell (the decision is a default, `suppressed` false). */
  ambiguous?: boolean;
}

export function decideWaterSuppression(
  mode: WaterSuppressionMode,
  header: boolean | undefined,
  ref: ReferencingResult,
): SuppressionDecision {
  if (mode !== 'auto') return { suppressed: mode === 'on', source: 'option' };
  if (header !== undefined) return { suppressed: header, source: 'header' };
  const total = ref.water + ref.fat;
  const waterShare = total > 0 ? ref.water / total : 0;
  if (waterShare >= UNSUPPRESSED_WATER_SHARE) return { suppressed: false, source: 'spectrum', waterShare };
  if (waterShare < SUPPRESSED_WATER_SHARE) return { suppressed: true, source: 'spectrum', waterShare };
  return { suppressed: false, source: 'spectrum', waterShare, ambiguous: true };
}

/** The sentence a result carries when the decision was ambiguous. */
export function ambiguityReason(d: SuppressionDecision): string {
  const share = d.waterShare !== undefined ? `${(100 * d.waterShare).toFixed(0)}%` : 'unknown';
  return (
    `water suppression is not in the header and the spectrum cannot tell (water ${share} of water + fat): ` +
    'if this spectrum is water-suppressed, this is not a fat fraction; give --water-suppression on or off'
  );
}
