import type { Fid } from '../../core/fid.js';
import { metabolitePatternScore } from './metabolite-pattern.js';
import { type ReferencingResult, referenceWaterFat } from './referencing.js';
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
 *    at least MIN_SUPPRESSED_MISFIT × the noise in the metabolite region (2.9–4.0 ppm): then ambiguous, the
 *    metabolite fit (something there is neither water nor fat);
 * 2. metabolite peaks detected and water ≤ SUPPRESSED_WATER_RATIO × them: suppressed;
 * 3. otherwise (no metabolite visible, or a ratio in between) the water–fat model is fitted: a metabolite region
 *    left at ≤ MAX_WATER_FAT_MISFIT × the noise with water in phase with fat means water and fat only (intact);
 *    ≥ MIN_SUPPRESSED_MISFIT × the noise, or water out of phase, means something else is there (suppressed); in
 *    between is ambiguous (the water–fat fit when water is seen in phase with fat, else the metabolite fit).
 *    Before any of these, metabolite-shaped lines in that residual (metabolite-pattern.ts) at
 *    ≥ MIN_METABOLITE_PATTERN noise SDs mean suppressed: a low-SNR suppressed liver whose metabolites each
 *    stay below the noise leaves a region RMS of 1.5–2.5× the noise, within reach of marrow with eddy currents,
 *    but its lines add up (ambiguous when the RMS alone would have said intact).
 *
 * The metabolite region, not the whole residual, is judged because a water or fat line shape the model misses
 * (eddy currents, shim) leaves its misfit at the lines, not between them (test/fit/water-fat-routing.test.ts,
 * bench/water-fat-routing.ts). An ambiguous decision makes the result doubtful, with a reason saying which
 * analysis was chosen and how to force the other (`--analysis`, `--water-suppression`). Thresholds were set on
 * the real files of test/extdata (unsuppressed references: water 924–240,000 × the largest metabolite peak;
 * suppressed spectra: 0.36–157) and on simulated spectra (marrow-like water–fat spectra, with and without eddy
 * currents: metabolite region ≤ 2.1× the noise; water-suppressed liver cohorts: 2.4× and above).
 */
export const INTACT_WATER_RATIO = 800;
export const SUPPRESSED_WATER_RATIO = 300;
export const MAX_PHASE_DEG = 40;
export const MAX_WATER_FAT_MISFIT = 2.2;
export const MIN_SUPPRESSED_MISFIT = 2.6;
/** Noise-only spectra score ≤ 4.6 (metabolite-pattern.ts); suppressed liver cohorts' median 38. */
export const MIN_METABOLITE_PATTERN = 5.5;

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
  features?: RoutingFeatures & { waterFatMisfit?: number; metabolitePattern?: number };
}

const fitters = new Map<string, WaterFatFitter>();

/** Between the fat's 2.75 ppm and glycerol 4.1 ppm lines: choline, creatine, taurine, glycogen, and no fat. */
export const METABOLITE_REGION_PPM: [number, number] = [2.9, 4.0];

/**
 * The water–fat fit's residual (real part) over the spectrum's noise SD: over the whole window, and over the
 * metabolite region. A water–fat spectrum holds only the tails of its lines there, so a line shape the model
 * misses (eddy currents, shim) leaves little in it, while a suppressed spectrum's metabolites and baseline
 * leave their whole signal (simulated marrow with eddy currents: ≤ 2.1× the noise; suppressed liver cohorts:
 * 2.4× and above).
 */
export function waterFatMisfit(
  fid: Fid,
  ref: ReferencingResult,
  noiseSd: number,
): { misfit: number; region: number; pattern: number } | undefined {
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
  let sr = 0;
  let nr = 0;
  for (let j = 0; j < ppm.length; j++) {
    const e = r[2 * j] * r[2 * j];
    ss += e;
    if (ppm[j] > METABOLITE_REGION_PPM[0] && ppm[j] < METABOLITE_REGION_PPM[1]) {
      sr += e;
      nr++;
    }
  }
  const widths = fit.linewidthsHz;
  const fwhm = Math.min(40, Math.max(6, widths.fat ?? widths.water ?? 15));
  return {
    pattern: metabolitePatternScore(ppm, r, noiseSd, fwhm, fid.spectrometerFrequency, METABOLITE_REGION_PPM),
    misfit: Math.sqrt(ss / ppm.length) / noiseSd,
    region: nr > 0 ? Math.sqrt(sr / nr) / noiseSd : Math.sqrt(ss / ppm.length) / noiseSd,
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
  let pattern: number | undefined;
  const make = (suppressed: boolean, evidence: string, ambiguous = false, misfit?: number) => ({
    ...base,
    suppressed,
    analysis: (suppressed ? 'metabolites' : 'water-fat') as Analysis,
    evidence,
    ...(ambiguous ? { ambiguous: true } : {}),
    features: {
      ...f,
      ...(misfit !== undefined ? { waterFatMisfit: misfit } : {}),
      ...(pattern !== undefined ? { metabolitePattern: pattern } : {}),
    },
  });
  const fatSeen = dp !== undefined;
  const fitted = () => {
    const m = waterFatMisfit(fid, ref, f.noiseSd);
    pattern = m?.pattern;
    const text = m
      ? `, the water–fat model leaves ${m.region.toFixed(1)}× the noise at ${METABOLITE_REGION_PPM[0].toFixed(1)}–${METABOLITE_REGION_PPM[1].toFixed(1)} ppm`
      : ', no water–fat pattern';
    return { m, text };
  };
  if (f.waterToMetabolite >= INTACT_WATER_RATIO) {
    if (outOfPhase) return make(true, `${ratio}${phase}`, true);
    if (f.metaboliteDetected || !fatSeen) return make(false, ratio);
    // No metabolite peak seen, only a large water line beside fat: the ratio is then a lower bound, so the
    // metabolite region must also be empty of anything the water–fat model lacks.
    const { m, text } = fitted();
    if (!m || m.region < MIN_SUPPRESSED_MISFIT)
      return make(false, `${ratio}${text}${phase}`, false, m?.region);
    return make(true, `${ratio}${text}${phase}`, true, m.region);
  }
  if (f.metaboliteDetected && f.waterToMetabolite <= SUPPRESSED_WATER_RATIO) return make(true, ratio);
  const { m, text: fitText } = fitted();
  const misfit = m?.region;
  const patternSeen = pattern !== undefined && pattern >= MIN_METABOLITE_PATTERN;
  const patternText = patternSeen ? `, metabolite-shaped lines ${pattern?.toFixed(1)} noise SDs` : '';
  const text = `${ratio}${fitText}${patternText}${phase}`;
  if (patternSeen) return make(true, text, misfit !== undefined && misfit <= MAX_WATER_FAT_MISFIT, misfit);
  if (misfit !== undefined && misfit <= MAX_WATER_FAT_MISFIT && !outOfPhase)
    return make(false, text, false, misfit);
  if (misfit === undefined || misfit >= MIN_SUPPRESSED_MISFIT || outOfPhase)
    return make(true, text, false, misfit);
  // In between: the water–fat analysis when water is seen in phase with fat, else the metabolite fit.
  return make(!fatSeen, text, true, misfit);
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
