import type { FitResult } from '../fit/fit.js';
import type {
  ConcentrationRow,
  ConcentrationTableInput,
  ReportSection,
  SpectrumFigureInput,
} from './types.js';

/**
 * Adapters from an NLLS FitResult (src/fit) to the report's plain inputs. Only the fit's public result shape
 * is read (type import), so the report does not depend on how the fitter works.
 */

function realPart(z: ArrayLike<number>): Float64Array {
  const out = new Float64Array(z.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = z[2 * i];
  return out;
}

/** The fit figure input: real parts of the phased data, fit, baseline (+ residual water) and contributions. */
export function fitSpectrumInput(r: FitResult, title?: string): SpectrumFigureInput {
  const s = r.spectra;
  const baseline = realPart(s.baseline);
  const water = realPart(s.water);
  for (let i = 0; i < baseline.length; i++) baseline[i] += water[i];
  return {
    ppm: s.ppm,
    data: realPart(s.data),
    fit: realPart(s.fit),
    baseline,
    residual: realPart(s.residual),
    components: r.components.map((c, i) => ({ name: c.name, values: realPart(s.components[i]) })),
    ppmRange: r.settings.ppmRange,
    title,
  };
}

/**
 * Amplitudes with their CRLB, grouped (metabolites, lipids, then the sums), with the fit's warnings.
 * `values` replaces amplitudes by scaled values (e.g. mmol/kg from water scaling) for the named components;
 * the CRLB is scaled by the same factor.
 */
export function fitConcentrationTable(
  r: FitResult,
  opts: { unit?: string; values?: Record<string, number>; title?: string } = {},
): ConcentrationTableInput {
  const row = (c: FitResult['components'][number], group: string): ConcentrationRow => {
    const scaled = opts.values?.[c.name];
    const factor = scaled !== undefined && c.amplitude !== 0 ? scaled / c.amplitude : 1;
    return {
      name: c.name,
      value: scaled ?? c.amplitude,
      sd: c.crlb * Math.abs(factor),
      sdPercent: c.crlbPercent,
      group,
    };
  };
  return {
    title: opts.title,
    unit: opts.unit ?? (opts.values ? 'mmol/kg' : 'a.u. (basis amplitude)'),
    uncertaintyLabel: 'CRLB',
    rows: [...r.components.map((c) => row(c, c.group)), ...r.combined.map((c) => row(c, 'sums'))],
    warnings: r.warnings,
    note: `Fit quality: SNR ${r.quality.snr.toFixed(1)}, linewidth ${r.quality.fwhmHz.toFixed(1)} Hz, residual/noise ${
      r.quality.residualToNoise?.toFixed(2) ?? 'n/a'
    }, ${r.quality.converged ? 'converged' : 'NOT converged'} after ${r.quality.iterations} iterations.`,
  };
}

/** A report section for one fit: the figure, the table, and the nonlinear parameters. */
export function fitSection(r: FitResult, heading = 'NLLS fit', title?: string): ReportSection {
  return {
    heading,
    blocks: [
      { kind: 'spectrum', input: fitSpectrumInput(r, title) },
      { kind: 'concentrations', input: fitConcentrationTable(r) },
      {
        kind: 'keyValue',
        title: 'Nonlinear parameters',
        entries: r.parameters.map((p) => [p.name, `${p.value.toFixed(2)} ± ${p.sd.toFixed(2)} ${p.unit}`]),
      },
    ],
  };
}
