import { diagnosticMessages } from '../fit/diagnostics.js';
import type { WaterFatResult } from '../fit/water-fat/water-fat-fit.js';
import type { AnalysisResult } from './analyse-file.js';
import type { MetaboliteAnalysis } from './metabolite-fit.js';
import { type ResultsInput, resultsJsonText } from './results-schema.js';
import type { WaterFatAnalysis, WaterFatSeriesAnalysis } from './water-fat.js';

type FitResultsInput = ResultsInput<'metabolites' | 'water-fat' | 'water-fat-series'>;

/**
 * The object written as results.json and printed by `fit --json`, one shape per kind (metabolites, water-fat,
 * water-fat-series; docs/formats.md, schemas in results-schema.ts). Failed results carry no numbers.
 */
export function resultsJson(r: AnalysisResult): FitResultsInput {
  if (r.kind === 'metabolites') return metaboliteJson(r);
  if (r.kind === 'water-fat') return waterFatJson(r);
  return seriesJson(r);
}

/** The text of results.json, checked against the schema of its kind (results-schema.ts). */
export function resultsJsonFile(r: AnalysisResult): string {
  if (r.kind === 'metabolites') return resultsJsonText('metabolites', metaboliteJson(r));
  if (r.kind === 'water-fat') return resultsJsonText('water-fat', waterFatJson(r));
  return resultsJsonText('water-fat-series', seriesJson(r));
}

function metaboliteJson(a: MetaboliteAnalysis): ResultsInput<'metabolites'> {
  const r = a.fit;
  const q = a.quantification;
  const n = r.components.length;
  const names = r.components.map((c) => c.name);
  const corr: number[][] = [];
  for (let i = 0; i < n; i++) corr.push(Array.from(r.correlation.subarray(i * n, (i + 1) * n)));
  return {
    file: a.file,
    kind: 'metabolites',
    analysis: a.analysis,
    waterSuppression: a.waterSuppression ?? null,
    basis: { sequence: r.settings.basisSequence ?? null, echoTime: r.settings.basisEchoTime ?? null },
    status: a.status,
    statusReasons: a.statusReasons,
    waterReference: a.waterReference ?? null,
    settings: r.settings,
    quality: r.quality,
    warnings: diagnosticMessages([...r.warnings, ...q.warnings]),
    parameters: r.parameters,
    linewidthsHz: r.linewidthsHz,
    components: r.components,
    combined: r.combined,
    quantification: {
      reference: q.reference ?? null,
      unit: q.unit ?? null,
      rows: q.components,
      // The water reference's own warnings as sentences, in their place (they are diagnostics in memory).
      water: q.water ? { ...q.water, warnings: diagnosticMessages(q.water.warnings) } : null,
      fatFraction: q.fatFraction ?? null,
      scaling: q.scaling ?? null,
    },
    correlation: { names, matrix: corr },
  };
}

/** One echo's fit as results.json lists it (the fit's spectra left out; failed: numbers as null). */
function echoJson(r: WaterFatResult): ResultsInput<'water-fat-series'>['echoes'][number] {
  const { fit, ...rest } = r;
  const failed = r.status.status === 'failed';
  return {
    ...rest,
    ...(failed
      ? { water: null, fat: null, fatPeaks: null, signalFatFraction: null, pdff: null, composition: null }
      : {}),
    quality: fit?.quality ?? null,
    parameters: fit?.parameters ?? null,
    warnings: diagnosticMessages(fit?.warnings ?? []),
  };
}

function waterFatJson(a: WaterFatAnalysis): ResultsInput<'water-fat'> {
  return {
    file: a.file,
    kind: 'water-fat',
    analysis: a.analysis,
    ...echoJson(a.result),
    status: a.status,
    statusReasons: a.statusReasons,
    waterSuppression: a.waterSuppression,
    relaxation: a.relaxation,
    waterLines: a.waterLines,
    notes: a.notes,
    eddyCurrentCorrection: a.eddyCurrentCorrection,
    preprocessing: a.preprocessing,
  };
}

function seriesJson(a: WaterFatSeriesAnalysis): ResultsInput<'water-fat-series'> {
  const s = a.series;
  const ok = a.status !== 'failed';
  return {
    file: a.file,
    kind: 'water-fat-series',
    analysis: a.analysis,
    notes: a.notes,
    status: a.status,
    statusReasons: a.statusReasons,
    waterSuppression: a.waterSuppression,
    echoTimes: s.echoTimes,
    pdff: ok ? (s.pdff ?? null) : null,
    waterT2: ok ? (s.waterT2 ?? null) : null,
    fatT2: ok ? (s.fatT2 ?? null) : null,
    waterT1: ok ? (s.waterT1 ?? null) : null,
    fatT1: ok ? (s.fatT1 ?? null) : null,
    water0: ok ? (s.water0 ?? null) : null,
    fat0: ok ? (s.fat0 ?? null) : null,
    echoes: s.echoes.map(echoJson),
    eddyCurrentCorrection: s.eddyCurrents ?? null,
  };
}
