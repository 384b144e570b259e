import { diagnosticMessages } from '../fit/diagnostics.js';
import type { SeriesResult } from '../fit/water-fat/series.js';
import type { ValueSd, WaterFatResult } from '../fit/water-fat/water-fat-fit.js';
import { fitSpectrumInput } from './from-fit.js';
import { formatValueSd } from './round.js';
import { statusLine } from './status-line.js';
import type { ReportSection } from './types.js';

/**
 * Report sections of a water–fat analysis: the status first (with its reasons), then the fat fraction, the
 * referencing shift, water and every fat peak, and the fitted spectrum. A failed result shows no numbers.
 */
/** Value ± SD rounded to the SD's precision (round.ts); `_digits` is kept for the call sites' intent. */
const pm = (v: ValueSd | undefined, _digits = 2, unit = '') =>
  v ? formatValueSd(v.value, v.sd, unit) : 'n/a';

/** The fat region of the zoomed view: the methylene, methyl, allylic and α-carboxyl peaks (0.9–2.8 ppm). */
export const FAT_REGION_PPM: [number, number] = [0.5, 3];

export function waterFatSection(
  r: WaterFatResult,
  title: string,
  heading = 'Water–fat fit',
  eddyCurrents?: string,
): ReportSection {
  const blocks: ReportSection['blocks'] = [{ kind: 'text', text: statusLine(r.status) }];
  const ref = r.referencing;
  if (r.status.status === 'failed' || !r.fit) {
    blocks.push({
      kind: 'keyValue',
      title: 'Referencing',
      entries: [
        ['peak SNR', ref.peakSnr.toFixed(1)],
        ['water–fat pattern explained', `${(100 * ref.explained).toFixed(0)}%`],
      ],
    });
    return { heading, blocks };
  }
  const entries: [string, string][] = [
    ['fat fraction (signal, at this TE)', pm(r.signalFatFraction, 2, ' %')],
    ['PDFF (relaxation-corrected)', pm(r.pdff, 2, ' %')],
    ['relaxation correction', r.pdff?.correction ?? 'n/a'],
    ['referencing shift applied', `${ref.shiftPpm.toFixed(3)} ppm (confidence ${ref.confidence.toFixed(2)})`],
    ...(eddyCurrents ? [['eddy currents', eddyCurrents] as [string, string]] : []),
    ['water', `${pm(r.water, 4)} (FWHM ${r.water?.fwhmHz.toFixed(1)} Hz, ${r.water?.ppm.toFixed(2)} ppm)`],
    ['fat', `${pm(r.fat, 4)} (FWHM ${r.fat?.fwhmHz.toFixed(1)} Hz)`],
    ['fat model', `${r.fatModel} (Hamilton 2011 triglyceride, 10 resonances)`],
    ['baseline share', `${(100 * (r.baselineShare ?? 0)).toFixed(1)}%`],
    // Signal that is neither water nor fat, fitted to the residual with the water–fat fit held (not fat).
    ...(r.nonFatLines ? [['non-fat lines', r.nonFatLines.note] as [string, string]] : []),
  ];
  if (r.composition) {
    entries.push(
      ['chain length', pm(r.composition.chainLength)],
      ['double bonds per triglyceride', pm(r.composition.doubleBonds)],
      ['methylene-interrupted double bonds', pm(r.composition.midb)],
    );
  }
  blocks.push({ kind: 'keyValue', title: 'Water and fat', entries });
  // The full range beside the fat region: at full scale water dwarfs fat peaks of a few percent.
  const full = fitSpectrumInput(r.fit, title);
  blocks.push({
    kind: 'spectra',
    id: 'water-fat-overview',
    inputs: [
      { ...full, components: undefined, title: `${title}: full range` },
      {
        ...full,
        components: undefined,
        ppmRange: FAT_REGION_PPM,
        title: `${title}: fat region ${FAT_REGION_PPM[0]}–${FAT_REGION_PPM[1]} ppm`,
      },
    ],
  });
  blocks.push({ kind: 'spectrum', input: full });
  blocks.push({
    kind: 'concentrations',
    input: {
      title: 'Fat resonances (Hamilton 2011)',
      unit: 'signal at the echo (a.u.)',
      uncertaintyLabel: 'CRLB',
      rows: (r.fatPeaks ?? []).map((p) => ({
        name: `${p.ppm.toFixed(2)} ppm ${p.label}`,
        value: p.area,
        sd: p.sd,
        sdPercent: p.area > 0 ? (100 * p.sd) / p.area : Number.POSITIVE_INFINITY,
        group: 'fat',
      })),
      warnings: diagnosticMessages(r.fit.warnings),
    },
  });
  return { heading, blocks };
}

export function seriesSection(s: SeriesResult): ReportSection {
  const blocks: ReportSection['blocks'] = [{ kind: 'text', text: statusLine(s.status) }];
  if (s.status.status !== 'failed') {
    blocks.push({
      kind: 'keyValue',
      title: `Multi-echo fit (${s.echoTimes.length} echoes)`,
      entries: [
        ['PDFF (T2-corrected)', pm(s.pdff, 2, ' %')],
        ['correction', s.pdff?.correction ?? 'n/a'],
        ['water T2', s.waterT2 ? formatValueSd(1000 * s.waterT2.value, 1000 * s.waterT2.sd, ' ms') : 'n/a'],
        ['fat T2', s.fatT2 ? formatValueSd(1000 * s.fatT2.value, 1000 * s.fatT2.sd, ' ms') : 'n/a'],
        ...(s.waterT1 && s.fatT1
          ? ([
              ['water T1', formatValueSd(1000 * s.waterT1.value, 1000 * s.waterT1.sd, ' ms')],
              ['fat T1', formatValueSd(1000 * s.fatT1.value, 1000 * s.fatT1.sd, ' ms')],
            ] as [string, string][])
          : []),
        ...s.echoTimes.map(
          (te, i) =>
            [`signal FF at TE ${(1000 * te).toFixed(0)} ms`, pm(s.signalFatFraction[i], 2, ' %')] as [
              string,
              string,
            ],
        ),
      ],
    });
  }
  return { heading: 'T2-corrected PDFF', blocks };
}
