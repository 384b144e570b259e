import { diagnosticMessages } from '../fit/diagnostics.js';
import type { FitResult } from '../fit/fit.js';
import type { Quantification } from '../fit/quantify.js';
import { formatValueSd } from './round.js';
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
 * the CRLB is scaled by the same factor. `quantification` (fit/quantify.ts) does the same from a water-scaled
 * result (its unit, e.g. mmol/kg wet weight), keeping the amplitude and the ratio to the reference as columns.
 */
export function fitConcentrationTable(
  r: FitResult,
  opts: {
    unit?: string;
    values?: Record<string, number>;
    title?: string;
    quantification?: Pick<Quantification, 'unit' | 'components' | 'reference'>;
  } = {},
): ConcentrationTableInput {
  const q = opts.quantification;
  const scaledQ = q?.components.some((c) => c.concentration !== undefined) ? q : undefined;
  const values =
    opts.values ??
    (scaledQ
      ? Object.fromEntries(
          scaledQ.components
            .filter((c) => c.concentration !== undefined)
            .map((c) => [c.name, c.concentration]),
        )
      : undefined);
  const row = (c: FitResult['components'][number], group: string): ConcentrationRow => {
    const scaled = values?.[c.name];
    const factor = scaled !== undefined && c.amplitude !== 0 ? scaled / c.amplitude : 1;
    const qc = q?.components.find((x) => x.name === c.name);
    const extra: Record<string, number | string> = {};
    if (scaledQ) extra['amplitude (a.u.)'] = c.amplitude;
    if (q?.reference && qc?.ratio !== undefined)
      extra[`ratio to ${q.reference}`] = formatValueSd(qc.ratio, qc.ratioSd);
    return {
      name: c.name,
      value: scaled ?? (scaledQ ? Number.NaN : c.amplitude),
      // A component fitted as zero has no amplitude ratio: its scaled CRLB comes from the quantification.
      sd: scaledQ && qc?.concentrationSd !== undefined ? qc.concentrationSd : c.crlb * Math.abs(factor),
      sdPercent: c.crlbPercent,
      group,
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  };
  return {
    title: opts.title,
    unit: opts.unit ?? scaledQ?.unit ?? (values ? 'mmol/kg' : 'a.u. (basis amplitude)'),
    uncertaintyLabel: 'CRLB',
    rows: [...r.components.map((c) => row(c, c.group)), ...r.combined.map((c) => row(c, 'sums'))],
    warnings: diagnosticMessages(r.warnings),
    note: `Fit quality: SNR ${r.quality.snr.toFixed(1)}, linewidth ${r.quality.fwhmHz.toFixed(1)} Hz, residual/noise ${
      r.quality.residualToNoise?.toFixed(2) ?? 'n/a'
    }, ${r.quality.converged ? 'converged' : 'NOT converged'} after ${r.quality.iterations} iterations.`,
  };
}

/** What a water-scaled quantification adds: the water reference, the scaling constants and the fat fraction. */
function scalingEntries(q: Quantification): [string, string][] {
  const out: [string, string][] = [];
  if (q.water) {
    out.push(['water reference area (a.u.)', formatValueSd(q.water.area, undefined)]);
    out.push(['water reference linewidth', formatValueSd(q.water.fwhmHz, undefined, 'Hz')]);
    out.push(['water relaxation attenuation', formatValueSd(q.water.attenuation, undefined)]);
  }
  if (q.scaling) {
    out.push([
      `water concentration (${q.scaling.unit})`,
      formatValueSd(q.scaling.waterConcentration, undefined),
    ]);
    if (q.scaling.note) out.push(['scaling constants', q.scaling.note]);
  }
  if (q.fatFraction) out.push(['fat fraction', formatValueSd(q.fatFraction.percent, q.fatFraction.sd, ' %')]);
  return out;
}

/**
 * A report section for one fit: the figure, the table (in the quantification's unit, e.g. mmol/kg, when it was
 * water-scaled), the water scaling, and the nonlinear parameters.
 */
export function fitSection(
  r: FitResult,
  heading = 'NLLS fit',
  title?: string,
  quantification?: Quantification,
): ReportSection {
  const scaled = quantification?.components.some((c) => c.concentration !== undefined);
  const blocks: ReportSection['blocks'] = [
    { kind: 'spectrum', input: fitSpectrumInput(r, title) },
    { kind: 'concentrations', input: fitConcentrationTable(r, { quantification }) },
  ];
  if (quantification && scaled)
    blocks.push({ kind: 'keyValue', title: 'Water scaling', entries: scalingEntries(quantification) });
  blocks.push({
    kind: 'keyValue',
    title: 'Nonlinear parameters',
    entries: r.parameters.map((p) => [p.name, formatValueSd(p.value, p.sd, p.unit)]),
  });
  return { heading, blocks };
}

/** The fit's settings for a report's "Analysis settings" table (what another site needs to repeat the fit). */
export function fitSettingsEntries(r: FitResult): [string, string][] {
  const s = r.settings;
  const b = s.baseline;
  return [
    ['fit window', `${s.ppmRange[0]}–${s.ppmRange[1]} ppm`],
    ['lineshape model', s.model],
    [
      'baseline',
      `${b.kind}, ${b.functions} functions, effective dimension ${b.effectiveDimension.toFixed(1)}`,
    ],
    ['zero filling', `× ${s.zeroFill}`],
    ['residual water lines', String(s.residualWaterLines)],
    [
      'basis',
      `${s.basisSequence ? s.basisSequence.toUpperCase() : 'sequence not stated'}${
        s.basisEchoTime !== undefined ? `, TE ${Math.round(s.basisEchoTime * 1e4) / 10} ms` : ''
      }; ${r.components.length} components; ${s.basisResampling}`,
    ],
  ];
}
