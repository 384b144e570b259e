import { LIVERMRS_VERSION } from '../core/version.js';
import type { Fid } from '../core/fid.js';
import { componentGroup } from '../networks/interpret.js';
import type { ClassifyFileResult, InputRecord, QuantifyFileResult } from '../networks/results.js';
import { describeDeconvolution } from '../preproc/reference-deconvolution.js';
import { autoPhasedReal, spectrumOf } from '../spectra/display.js';
import { acquisitionTable } from './acquisition.js';
import { formatValueSd } from './round.js';
import { statusLine, statusText } from './status-line.js';
import type { ConcentrationTableInput, ReportBlock, ReportInput, SpectrumFigureInput } from './types.js';

/**
 * Adapters from the qCNN/cCNN results of `livermrs quantify` and `livermrs classify` (networks/results.ts)
 * to reports. A network does not fit a model to the spectrum, so the figure shows the data alone: the qCNN's
 * amplitudes are in basis units, and the lineshape, frequency shifts and phase it would take to draw a model
 * curve from them are not estimated; a curve drawn with guessed ones would look like a bad fit that never was.
 */

/** Real part of the spectrum after the display's automatic zero-order phase (over `window`), on its ppm axis. */
export function phasedSpectrumInput(fid: Fid, window: [number, number], title?: string): SpectrumFigureInput {
  const { ppm, spectrum } = spectrumOf(fid);
  const data = autoPhasedReal(ppm, spectrum, window);
  return { ppm, data, ppmRange: [window[0], window[1]], title, unit: 'a.u.' };
}

function spectrumBlock(fid: Fid, window: [number, number], file: string, model: string): ReportBlock {
  const name = file.split(/[\\/]/).pop() ?? file;
  return {
    kind: 'spectrum',
    input: phasedSpectrumInput(
      fid,
      window,
      `${name}: the ${model} input window (real part, automatic zero-order phase for display)`,
    ),
  };
}

function notesBlocks(notes: readonly string[], input?: InputRecord): ReportBlock[] {
  const entries: [string, string][] = notes.map((n, i) => [`note ${i + 1}`, n]);
  const d = input?.referenceDeconvolution;
  if (d) entries.push(['reference deconvolution', describeDeconvolution(d)]);
  if (input?.canonical) {
    entries.push([
      'canonical frame (1.3 ppm lipid peak)',
      `shift ${input.canonical.shiftHz.toFixed(1)} Hz and zero-order phase ${input.canonical.phaseDeg.toFixed(1)}° removed`,
    ]);
  } else if (input?.canonical === null) entries.push(['canonical frame', 'no reference peak found']);
  if (input?.guard) {
    const g = input.guard;
    entries.push([
      'guard',
      `distance ${g.distance.toFixed(2)} (1 = the training inputs' 99.5 % limit; T² ${g.t2.toFixed(1)}, Q ${g.q.toPrecision(3)}), SNR ${g.snr.toFixed(0)}, SDs × ${g.sdFactor.toFixed(2)}`,
    ]);
  }
  return entries.length ? [{ kind: 'keyValue', title: 'Input preparation', entries }] : [];
}

/** qCNN estimates with their predicted SDs: mmol/kg when the water reference scaled them, else amplitudes. */
export function networkConcentrationTable(r: QuantifyFileResult): ConcentrationTableInput {
  const scaled = r.components.some((c) => c.concentration !== undefined);
  return {
    unit: r.unit,
    uncertaintyLabel: 'predicted SD',
    rows: r.components.map((c) => ({
      name: c.name,
      value: scaled ? (c.concentration ?? Number.NaN) : c.amplitude,
      sd: scaled ? c.concentrationSd : c.sd,
      sdPercent: c.sdPercent,
      group: componentGroup(c.name),
    })),
    warnings: r.warnings,
    note:
      'qCNN estimates with the SD predicted by the network (its variance head): a learned uncertainty, not a ' +
      'Cramér–Rao bound. Rows with SD above 50 % are flagged.',
  };
}

export interface NetworkReportOptions {
  /** The model's input window [lo, hi] ppm (the spectrum is drawn over it). */
  window: [number, number];
  /** Extra header rows (command line, models directory). */
  meta?: [string, string | number][];
  /** Warnings about the model itself (e.g. the shipped model's illustrative training priors). */
  modelWarnings?: string[];
}

/** The report of one `livermrs quantify` result: spectrum, concentration table, fat fraction, notes. */
export function quantifyReport(r: QuantifyFileResult, fid: Fid, opts: NetworkReportOptions): ReportInput {
  const name = r.file.split(/[\\/]/).pop() ?? r.file;
  const blocks: ReportBlock[] = [
    { kind: 'text', text: statusLine({ status: r.status, reasons: r.statusReasons }) },
    spectrumBlock(fid, opts.window, r.file, 'qCNN'),
    {
      kind: 'text',
      text:
        'The qCNN estimates amplitudes directly from the spectrum; it fits no model, so there is no fit curve, ' +
        'baseline or residual to draw.',
    },
    { kind: 'concentrations', input: networkConcentrationTable(r) },
  ];
  if (r.fatFraction)
    blocks.push({
      kind: 'keyValue',
      title: 'Fat fraction',
      entries: [['fat fraction (%)', formatValueSd(r.fatFraction.percent, r.fatFraction.sd)]],
    });
  if (opts.modelWarnings?.length) blocks.push({ kind: 'warnings', warnings: opts.modelWarnings });
  blocks.push(...notesBlocks(r.notes, r.input));
  return {
    title: `livermrs quantify: ${name}`,
    subtitle: r.file,
    acquisition: acquisitionTable(fid),
    meta: reportMeta(r.model, fid, opts),
    sections: [{ heading: 'qCNN quantification', blocks }],
  };
}

/** Analysis settings of a network report: livermrs version, model, the input window, and what the caller adds. */
function reportMeta(model: string, _fid: Fid, opts: NetworkReportOptions): ReportInput['meta'] {
  return [
    ['livermrs', LIVERMRS_VERSION],
    ['model', model],
    ['input window', `${opts.window[0]}–${opts.window[1]} ppm`],
    ...(opts.meta ?? []),
  ];
}

/** The report of one `livermrs classify` result: spectrum, probability, model, notes and model warnings. */
export function classifyReport(
  r: ClassifyFileResult,
  fid: Fid,
  negativeClass: string,
  opts: NetworkReportOptions,
): ReportInput {
  const name = r.file.split(/[\\/]/).pop() ?? r.file;
  const status: ReportBlock = {
    kind: 'text',
    text: statusLine({ status: r.status, reasons: r.statusReasons }),
  };
  if (r.probability === null || r.predicted === null) {
    // Outside what the network was trained for: no probability, the reasons instead.
    const blocks: ReportBlock[] = [
      status,
      spectrumBlock(fid, opts.window, r.file, 'cCNN'),
      ...notesBlocks(r.notes, r.input),
    ];
    return {
      title: `livermrs classify: ${name}`,
      subtitle: r.file,
      acquisition: acquisitionTable(fid),
      meta: reportMeta(r.model, fid, opts),
      sections: [{ heading: 'cCNN classification', blocks }],
    };
  }
  const blocks: ReportBlock[] = [
    status,
    {
      kind: 'probability',
      input: {
        probability: r.probability,
        positiveLabel: r.positiveClass,
        negativeLabel: negativeClass,
        threshold: r.threshold,
        model: r.model,
      },
    },
    {
      kind: 'keyValue',
      title: 'Classification',
      entries: [
        [`P(${r.positiveClass})`, r.probability.toFixed(4)],
        ['threshold', r.threshold],
        ['predicted class', r.predicted],
        ['model', r.model],
      ],
    },
  ];
  if (opts.modelWarnings?.length) blocks.push({ kind: 'warnings', warnings: opts.modelWarnings });
  blocks.push(spectrumBlock(fid, opts.window, r.file, 'cCNN'), ...notesBlocks(r.notes, r.input));
  return {
    title: `livermrs classify: ${name}`,
    subtitle: r.file,
    acquisition: acquisitionTable(fid),
    meta: reportMeta(r.model, fid, opts),
    sections: [{ heading: 'cCNN classification', blocks }],
  };
}

/** The text summary of a quantify answer: file, model, unit, status, notes and one line per component. */
export function quantifyText(r: QuantifyFileResult): string {
  let text = `${r.file}  (${r.model}; ${r.unit})  ${statusText(r)}\n`;
  for (const n of r.notes) text += `  note: ${n}\n`;
  for (const c of r.components) {
    const value = c.concentration ?? c.amplitude;
    const sd = c.concentrationSd ?? c.sd;
    text += `  ${c.name.padEnd(6)} ${value.toPrecision(4).padStart(10)} ± ${sd.toPrecision(3).padStart(8)}  (${Number.isFinite(c.sdPercent) ? c.sdPercent.toFixed(0) : '∞'}%)\n`;
  }
  if (r.fatFraction)
    text += `  fat fraction ${r.fatFraction.percent.toFixed(2)} ± ${r.fatFraction.sd.toFixed(2)} %\n`;
  return text;
}

/** The text summary of a classify answer: file, probability of the positive class, decision, status, notes. */
export function classifyText(r: ClassifyFileResult): string {
  let text =
    r.probability === null
      ? `${r.file}: ${statusText(r)}\n`
      : `${r.file}: P(${r.positiveClass}) = ${r.probability.toFixed(3)} -> ${r.predicted}  ${statusText(r)}\n`;
  for (const n of r.notes) text += `  note: ${n}\n`;
  return text;
}
