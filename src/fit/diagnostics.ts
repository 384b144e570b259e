/**
 * What a fit, a basis resampling, a water-reference fit or a quantification noticed about its own result, as
 * coded objects: status rules (fit/status.ts, the water–fat fit's judge) decide from the code and its fields, and
 * diagnosticMessage() is the one place that turns a diagnostic into the sentence written to results.json,
 * reports and the command line.
 */
export type Diagnostic =
  /** The basis was simulated at another field (within 5%): shifts are mapped, J-patterns are not. */
  | { code: 'basis-field-mismatch'; basisMhz: number; dataMhz: number }
  /** Basis FIDs shorter than the data that have not decayed by their end (zero-filled). */
  | { code: 'basis-short'; basisSeconds: number; dataSeconds: number; components: string[] }
  /** The liver basis was simulated for the default echo time because the file does not give one. */
  | { code: 'echo-time-unknown'; sequence: string; assumedEchoTimeMs: number }
  /** `noise: 'region'` asked for, but the spectral range has no signal-free region. */
  | { code: 'no-noise-region' }
  | { code: 'not-converged'; iterations: number }
  /** A nonlinear parameter ended at a bound (`group`: the shift or damping group it belongs to). */
  | { code: 'at-bound'; parameter: string; side: 'upper' | 'lower'; group?: string }
  /** Components fitted above zero whose CRLB exceeds `limitPercent` of their amplitude. */
  | { code: 'crlb-high'; components: string[]; limitPercent: number }
  /** Every component was fitted at zero. */
  | { code: 'no-signal' }
  /** Residual SD over noise SD. */
  | { code: 'residual-high'; ratio: number }
  /** Largest |baseline| as a percentage of the largest fitted metabolite peak. */
  | { code: 'baseline-large'; percent: number }
  /** Water reference: |FID(0)| differs from the fitted area by `percent` (100 (|FID(0)| / area − 1)). */
  | { code: 'water-area-mismatch'; percent: number }
  | { code: 'reference-zero'; reference: string }
  | { code: 'water-area-zero' }
  /** Lipid components without a proton count: no fat fraction. */
  | { code: 'no-protons'; components: string[] }
  /** A water reference without scaling constants: no concentrations. */
  | { code: 'no-scaling' };

export type DiagnosticCode = Diagnostic['code'];

/** The sentence of a diagnostic, as results.json, CSV, reports and the command line write it. */
export function diagnosticMessage(d: Diagnostic): string {
  switch (d.code) {
    case 'basis-field-mismatch':
      return `basis simulated at ${d.basisMhz.toFixed(3)} MHz used for ${d.dataMhz.toFixed(3)} MHz data: shifts are mapped, J-coupling patterns are not re-simulated`;
    case 'basis-short':
      return `basis FIDs are shorter than the data (${d.basisSeconds.toFixed(3)} s < ${d.dataSeconds.toFixed(3)} s) and have not decayed for ${d.components.join(', ')}: zero-filled`;
    case 'echo-time-unknown':
      return `echo time unknown (give --te): the liver basis is simulated for ${d.sequence.toUpperCase()} TE ${d.assumedEchoTimeMs} ms`;
    case 'no-noise-region':
      return 'no signal-free region in the spectral range: the CRLB uses the residual noise';
    case 'not-converged':
      return `the fit did not converge in ${d.iterations} iterations`;
    case 'at-bound':
      return `${d.parameter} is at its ${d.side} bound`;
    case 'crlb-high':
      return `CRLB above ${d.limitPercent}% for ${d.components.join(', ')}: not quantifiable at this SNR and linewidth (report sums or ratios with their CRLB)`;
    case 'no-signal':
      return 'no component was fitted above zero: the basis does not describe the data';
    case 'residual-high':
      return `the residual is ${d.ratio.toFixed(1)}× the noise: the model misses signal (unmodelled components such as lipids, artefacts or a poor basis)`;
    case 'baseline-large':
      return `the baseline reaches ${d.percent.toFixed(0)}% of the largest fitted peak: broad signals are being absorbed by it`;
    case 'water-area-mismatch':
      return `water reference: fitted area differs from |FID(0)| by ${d.percent.toFixed(0)}% (non-Voigt lineshape or other signals?)`;
    case 'reference-zero':
      return `the reference ${d.reference} was fitted as zero: ratios are undefined (reported as null)`;
    case 'water-area-zero':
      return 'the water reference area is zero: no concentrations';
    case 'no-protons':
      return `no proton count for ${d.components.join(', ')}: fat fraction not computed`;
    case 'no-scaling':
      return 'a water reference was given without scaling constants: no concentrations';
  }
}

/** The sentences of a list of diagnostics, in order. */
export function diagnosticMessages(ds: readonly Diagnostic[]): string[] {
  return ds.map(diagnosticMessage);
}
