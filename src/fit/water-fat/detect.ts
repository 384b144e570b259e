import type { ReferencingResult } from './referencing.js';

/**
 * Water-suppressed or not: the user's word first (`--water-suppression on|off`), then the header
 * (NIfTI-MRS WaterSuppressed, GE, ...), then the spectrum: unsuppressed when water carries at least
 * UNSUPPRESSED_WATER_SHARE of the water + fat signal. A liver up to ~65 % fat is thus recognised from the data;
 * fattier tissue (bone marrow) with no header flag looks like a suppressed spectrum with residual water and
 * needs `--water-suppression off`, which the result then says.
 */
export const UNSUPPRESSED_WATER_SHARE = 0.35;

export type WaterSuppressionMode = 'auto' | 'on' | 'off';

export interface SuppressionDecision {
  suppressed: boolean;
  /** 'option', 'header' or 'spectrum'. */
  source: 'option' | 'header' | 'spectrum';
  /** Water share of the water + fat template amplitudes (spectrum decisions). */
  waterShare?: number;
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
  return { suppressed: !(waterShare >= UNSUPPRESSED_WATER_SHARE), source: 'spectrum', waterShare };
}
