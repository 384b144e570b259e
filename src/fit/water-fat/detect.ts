import type { Fid } from '../../core/fid.js';
import { type ReferencingResult, referenceWaterFat, WATER_PPM } from './referencing.js';
import { routingFeatures, type RoutingFeatures } from './routing-features.js';
import { WaterFatFitter } from './water-fat-fit.js';

/**
 * Water-suppressed or not, which decides the analysis (`metabolites`: the linear-combination fit of
 * docs/fit.md; `water-fat`: the water–fat model of docs/water-fat.md). The user's word first
 * (`--water-suppression on|off`), then the header (the reader's Acquisition.waterSuppressed, with the header key
 * it came from), then the spectrum's own evidence (routing-features.ts), in this order:
 *
 * 1. water ≥ INTACT_WATER_RATIO × the largest metabolite peak (creatine/choline): an intact water line, unless
 *    its phase disagrees with the fat's by more than MAX_PHASE_DEG (then suppressed, ambiguous), and unless no
 *    metabolite peak is seen while fat is (the ratio is then only a lower bound) and the water–fat model leaves
 *    at least MIN_SUPPRESSED_MISFIT × the noise: ambiguous, the water–fat fit when that misfit sits at the water
 *    line (a non-Voigt water line), the metabolite fit when it lies elsewhere (signal that is neither);
 * 2. metabolite peaks detected and water ≤ SUPPRESSED_WATER_RATIO × them: suppressed;
 * 3. otherwise (no metabolite visible, or a ratio in between) the water–fat model is fitted: if water and fat
 *    alone explain the spectrum down to MAX_WATER_FAT_MISFIT × the noise with water in phase with fat, the water
 *    line is intact; if the misfit is at least MIN_SUPPRESSED_MISFIT × the noise, or water is out of phase,
 *    it is a suppressed spectrum (something else is there: metabolites, a distorted residual); in between the
 *    decision is ambiguous (the water–fat fit when the misfit sits at the water line, else the metabolite fit).
 *
 * An ambiguous decision makes the result doubtful, with a reason saying which analysis was chosen and how to
 * force the other (`--analysis`, `--water-suppression`). Thresholds were set on the real files of test/extdata
 * (unsuppressed references: water 924–240,000 × the largest metabolite peak; suppressed spectra: 0.36–157) and
 * on simulated spectra (bench/water-fat-routing.ts: water–fat spectra fit to 0.70–1.15 × the noise, the
 * water-suppressed liver cohorts to 2.4× and above; 100 % and 99.9 % routed right, docs/water-fat.md §1).
 */
export const INTACT_WATER_RATIO = 800;
export const SUPPRESSED_WATER_RATIO = 300;
export const MAX_PHASE_DEG = 45;
export const MAX_WATER_FAT_MISFIT = 1.5;
export const MIN_SUPPRESSED_MISFIT = 2.5;

/**
 * Kept for callers that only have the referencing result (the networks' guard): the water share of the water +
 * fat templates, ≥ 0.95 taken as unsuppressed, < 0.35 as suppressed, in between ambiguous.
 */
export const UNSUPPRESSED_WATER_SHARE = 0.95;
export const SUPPRESSED_WATER_SHARE = 0.35;

export type WaterSuppressionMode = 'auto' | 'on' | 'off';
export type Analysis = 'metabolites' | 'water-fat';

export interface SuppressionDecision {
  suppressed: boolean;
  /** 'option', 'header' or 'spectrum'. */
  source: 'option' | 'header' | 'spectrum';
  /** The header key (e.g. 'sPrepPulses.ucWaterSat = 32') when the header decided. */
  headerKey?: string;
  /** Water share of the water + fat template amplitudes (spectrum decisions). */
  waterShare?: number;
  /** True when the spectrum alone could not tell (the result is then doubtful). */
  ambiguous?: boolean;
  /** The analysis this decision leads to. */
  analysis?: Analysis;
  /** One sentence: what decided, with the numbers. */
  evidence?: string;
  /** The spectrum's features (spectrum decisions with a FID). */
  features?: RoutingFeatures & { waterFatMisfit?: number };
}

const fitters = new Map<string, WaterFatFitter>();

/**
 * RMS of the water–fat fit's residual (real part, fit window) over the spectrum's noise SD, and whether the
 * misfit sits at the water line (its largest point within ±0.35 ppm of water, with at least a quarter of the
 * residual energy there): a water line that is not one Voigt, rather than signal the model lacks.
 */
export function waterFatMisfit(
  fid: Fid,
  ref: ReferencingResult,
  noiseSd: number,
): { misfit: number; atWater: boolean } | undefined {
  if (!ref.found) return undefined;
  const key = [fid.points, fid.dwellTime, fid.spectrometerFrequency, fid.ppmReference, fid.nucleus].join();
  let fitter = fitters.get(key);
  if (!fitter) {
    if (fitters.size > 8) fitters.clear();
    fitter = new WaterFatFitter(fid, {});
    fitters.set(key, fitter);
  }
  const fit = fitter.fit(fid, false, ref).fit;
  if (!fit) return undefined;
  const { ppm, residual: r } = fit.spectra;
  let ss = 0;
  let atWater = 0;
  let largest = 0;
  let largestAt = 0;
  for (let j = 0; j < ppm.length; j++) {
    const e = r[2 * j] * r[2 * j];
    ss += e;
    if (Math.abs(ppm[j] - WATER_PPM) <= 0.35) atWater += e;
    if (e > largest) {
      largest = e;
      largestAt = ppm[j];
    }
  }
  return {
    misfit: Math.sqrt(ss / ppm.length) / noiseSd,
    atWater: ss > 0 && atWater / ss >= 0.25 && Math.abs(largestAt - WATER_PPM) <= 0.35,
  };
}

const round = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(2));

/** The decision from the spectrum's evidence (see the module comment). */
export function decideFromSpectrum(fid: Fid, ref: ReferencingResult): SuppressionDecision {
  const f = routingFeatures(fid, ref);
  const total = ref.water + ref.fat;
  const base = { source: 'spectrum' as const, waterShare: total > 0 ? ref.water / total : 0 };
  const ratio = `water ${f.metaboliteDetected ? '' : '≥ '}${round(f.waterToMetabolite)}× the largest metabolite peak`;
  const dp = f.phaseDifferenceDeg;
  const outOfPhase = dp !== undefined && Math.abs(dp) > MAX_PHASE_DEG;
  const phase = dp !== undefined ? `, water ${Math.abs(dp).toFixed(0)}° out of phase with fat` : '';
  const make = (suppressed: boolean, evidence: string, ambiguous = false, misfit?: number) => ({
    ...base,
    suppressed,
    analysis: (suppressed ? 'metabolites' : 'water-fat') as Analysis,
    evidence,
    ...(ambiguous ? { ambiguous: true } : {}),
    features: { ...f, ...(misfit !== undefined ? { waterFatMisfit: misfit } : {}) },
  });
  const fatSeen = dp !== undefined;
  if (f.waterToMetabolite >= INTACT_WATER_RATIO) {
    if (outOfPhase) return make(true, `${ratio}${phase}`, true);
    if (f.metaboliteDetected || !fatSeen) return make(false, ratio);
    // No metabolite peak seen, only a large water line beside fat: the ratio is a lower bound, so the water–fat
    // model must also explain the spectrum; when it leaves signal away from the water line, something else is
    // there (metabolites, a baseline, a lipid pattern that is not a triglyceride's).
    const m = waterFatMisfit(fid, ref, f.noiseSd);
    if (!m || m.misfit < MIN_SUPPRESSED_MISFIT) return make(false, ratio, false, m?.misfit);
    const text = `${ratio}, the water–fat model leaves ${m.misfit.toFixed(1)}× the noise ${m.atWater ? 'at the water line' : 'away from the water line'}${phase}`;
    return make(!m.atWater, text, true, m.misfit);
  }
  if (f.metaboliteDetected && f.waterToMetabolite <= SUPPRESSED_WATER_RATIO) return make(true, ratio);
  const m = waterFatMisfit(fid, ref, f.noiseSd);
  const misfit = m?.misfit;
  const fitText =
    misfit !== undefined
      ? `, the water–fat model leaves ${misfit.toFixed(1)}× the noise`
      : ', no water–fat pattern';
  const text = `${ratio}${fitText}${phase}`;
  if (misfit !== undefined && misfit <= MAX_WATER_FAT_MISFIT && !outOfPhase)
    return make(false, text, false, misfit);
  if (misfit === undefined || misfit >= MIN_SUPPRESSED_MISFIT || outOfPhase)
    return make(true, text, false, misfit);
  // In between: the water–fat analysis when the misfit is the water line's shape, else the metabolite fit.
  return make(!m?.atWater, `${text}${m?.atWater ? ' at the water line' : ''}`, true, misfit);
}

/**
 * The decision: option, header, spectrum. With `fid`, the spectrum's evidence decides (decideFromSpectrum);
 * without it (callers holding only the referencing), the water share of the water + fat templates.
 */
export function decideWaterSuppression(
  mode: WaterSuppressionMode,
  header: boolean | undefined,
  ref: ReferencingResult,
  fid?: Fid,
  headerKey?: string,
): SuppressionDecision {
  const analysis = (s: boolean): Analysis => (s ? 'metabolites' : 'water-fat');
  if (mode !== 'auto') {
    const suppressed = mode === 'on';
    return { suppressed, source: 'option', analysis: analysis(suppressed) };
  }
  if (header !== undefined) {
    return {
      suppressed: header,
      source: 'header',
      analysis: analysis(header),
      ...(headerKey ? { headerKey } : {}),
    };
  }
  if (fid) return decideFromSpectrum(fid, ref);
  const total = ref.water + ref.fat;
  const waterShare = total > 0 ? ref.water / total : 0;
  if (waterShare >= UNSUPPRESSED_WATER_SHARE)
    return { suppressed: false, source: 'spectrum', waterShare, analysis: 'water-fat' };
  if (waterShare < SUPPRESSED_WATER_SHARE)
    return { suppressed: true, source: 'spectrum', waterShare, analysis: 'metabolites' };
  return { suppressed: false, source: 'spectrum', waterShare, ambiguous: true, analysis: 'water-fat' };
}

/**
 * Why a metabolite fit of this spectrum cannot be ok: its water line is intact (water ≥ INTACT_WATER_RATIO ×
 * the largest metabolite peak, in phase with fat where that can be read), whatever chose the metabolite fit
 * (the option, a header, or --basis). Undefined when the water line looks suppressed.
 */
export function intactWaterReason(fid: Fid, d?: SuppressionDecision): string | undefined {
  const f = d?.features ?? routingFeatures(fid, referenceWaterFat(fid));
  const dp = f.phaseDifferenceDeg;
  if (f.waterToMetabolite < INTACT_WATER_RATIO || (dp !== undefined && Math.abs(dp) > MAX_PHASE_DEG)) {
    return undefined;
  }
  return (
    `the water line is intact (water ${f.metaboliteDetected ? '' : '≥ '}${round(f.waterToMetabolite)}× the largest metabolite peak): ` +
    'this looks like a water-unsuppressed spectrum, for which the water–fat fit is meant (--water-suppression off)'
  );
}

/** One line for the CLI, the report and the CSV: the analysis, where the decision came from, and why. */
export function decisionText(d: SuppressionDecision): string {
  const what =
    d.analysis === 'metabolites' || (d.analysis === undefined && d.suppressed)
      ? 'metabolite fit (water-suppressed)'
      : 'water–fat fit (water not suppressed)';
  const from =
    d.source === 'option'
      ? 'from the command line (--analysis or --water-suppression)'
      : d.source === 'header'
        ? `from the header${d.headerKey ? ` (${d.headerKey})` : ''}`
        : `from the spectrum${d.evidence ? ` (${d.evidence})` : ''}`;
  return `${what}, ${from}${d.ambiguous ? ', ambiguous' : ''}`;
}

/** The sentence a result carries when the decision was ambiguous: what was chosen and how to force the other. */
export function ambiguityReason(d: SuppressionDecision): string {
  const chosen = d.suppressed ? 'metabolite fit' : 'water–fat fit';
  const other = d.suppressed
    ? '--water-suppression off (water–fat fit)'
    : '--water-suppression on (metabolite fit)';
  const why = d.evidence ?? `water ${(100 * (d.waterShare ?? 0)).toFixed(0)}% of water + fat`;
  return `water suppression is not in the header and the spectrum cannot tell (${why}): the ${chosen} was chosen; give ${other} if that is wrong`;
}
