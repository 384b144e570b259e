import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { BasisSet } from '../core/basis.js';
import { InputError, LivermrsError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import type { FitOptions, FitResult } from '../fit/fit.js';
import { Fitter } from '../fit/fit.js';
import { LIVER_FIT_OPTIONS } from '../fit/liver-options.js';
import {
  ISMRM2016_SCALING,
  liverScaling,
  type Quantification,
  quantify,
  type ScalingOptions,
} from '../fit/quantify.js';
import { appendSimulatedComponents, LIPIDS_BRAIN } from '../fit/simulated-components.js';
import { fitWaterReference } from '../fit/water-reference.js';
import { readLcmBasis } from '../io/lcmodel/basis.js';
import { readLcmRaw } from '../io/lcmodel/raw.js';
import { readBytes, readMrsFile } from '../io/mrs-file.js';
import { detectFormat } from '../io/read.js';
import { LIVERMRS_VERSION } from '../core/version.js';
import { formatCsv, roundedCell } from '../io/csv.js';
import {
  acquisitionOf,
  applyTimingOption,
  LIVER_DEFAULTS,
  type SequenceKind,
  toMs,
} from '../core/acquisition.js';
import {
  decideWaterSuppression,
  ambiguityReason,
  decisionText,
  intactWaterReason,
  type SuppressionDecision,
  type WaterSuppressionMode,
} from '../fit/water-fat/detect.js';
import { referenceWaterFat } from '../fit/water-fat/referencing.js';
import type { EccMode } from '../fit/water-fat/self-ecc.js';
import type { RelaxationChoice } from '../fit/water-fat/relaxation.js';
import type { FatModelKind } from '../fit/water-fat/water-fat-fit.js';
import { fitStatus } from '../fit/status.js';
import { analysableFids } from '../preproc/analysable.js';
import type { WorkerTask } from '../parallel/pool.js';
import { toJson } from './json.js';
import { runWaterFatJob } from './water-fat-job.js';

export { toJson } from './json.js';

/**
 * One fit as the CLI runs it (in the main thread or a worker): read the spectrum, the water reference and the
 * basis, fit, quantify, and return the output files as text. Files are written by the caller (atomically).
 */
export type Preset = 'liver' | 'ismrm2016' | 'generic';

export interface FitJobOptions {
  basis?: string;
  preset: Preset;
  ppm?: [number, number];
  baseline?: 'spline' | 'poly' | 'gaussian';
  baselineEd?: number;
  baselineOrder?: number;
  model?: 'voigt' | 'lorentzian';
  sw?: number;
  frequency?: number;
  te?: number;
  tr?: number;
  reference?: string;
  addLipids?: boolean;
  waterConcentration?: number;
  noise?: 'residual' | 'region';
  /** Sequence when the header does not say (or to override it). */
  sequence?: SequenceKind;
  waterSuppression?: WaterSuppressionMode;
  fatModel?: FatModelKind;
  waterLines?: 1 | 2;
  /** Water-unsuppressed spectra: eddy-current correction from the spectrum's own water line (default auto). */
  ecc?: EccMode;
  /** Accept --te/--tr that contradict the file's header. */
  force?: boolean;
  /** Water–fat fit: relaxation for the single-TE PDFF (tissue table and/or the user's values). */
  relaxation?: RelaxationChoice;
  /** Simulate the liver basis with real RF pulses: a pulse-set file or 'default' (docs/physics-shaped.md). */
  pulses?: string;
  /** Positions per slice direction with `pulses` (default 64). */
  grid?: number;
}

export interface FitJob {
  file: string;
  /** Several files that are one multi-echo series (fitted jointly); `file` is then a label. */
  series?: string[];
  water?: string;
  options: FitJobOptions;
  /** false: no output files (only the summary), for `fit --json` without --out. Default true. */
  render?: boolean;
}

export interface FitJobOutput {
  file: string;
  files: Record<string, string>;
  summary: Record<string, unknown>;
}

const cache = new Map<string, { basis: BasisSet; fitter?: Fitter; key?: string }>();

/**
 * Reads a spectrum through the io layer (readMrsFile: every format it knows, detected from the content), passing
 * what a format may not store (--sw, --frequency, --te). LCModel .RAW/.H2O files that readMrs does not (yet)
 * detect are read by the LCModel .RAW reader directly.
 */
export function readSpectrum(path: string, o: FitJobOptions): Fid {
  const fids = readSpectra(path, o);
  if (fids.length !== 1) {
    throw new InputError(`holds ${fids.length} echoes`, { file: path, expected: 'one spectrum' });
  }
  return fids[0];
}

/** A failed job of a batch: its message and exit code, so one bad file does not stop the others. */
export interface FitJobFailure {
  file: string;
  error: string;
  code: number;
}

/** The task of a batch-fit worker thread: runs FitJobs, answering with the outputs or the failure. */
export function createTask(): WorkerTask<FitJob, FitJobOutput | FitJobFailure> {
  return {
    run: async (job) => {
      try {
        return await runFitJob(job);
      } catch (err) {
        const code = err instanceof LivermrsError ? err.exitCode : 1;
        const error =
          err instanceof LivermrsError ? err.message : `internal error: ${(err as Error)?.message ?? err}`;
        return { file: job.file, error, code };
      }
    },
  };
}

/** One spectrum, or every echo of a multi-echo NIfTI-MRS file (a dimension whose header lists EchoTime). */
const ms = (v: number | undefined) => (v === undefined ? undefined : v / 1000);

export function readSpectra(path: string, o: FitJobOptions): Fid[] {
  const readOptions = {
    dwellTime: o.sw ? 1 / o.sw : undefined,
    spectrometerFrequency: o.frequency,
    echoTime: o.te !== undefined ? o.te / 1000 : undefined,
  };
  const ext = extname(path).toLowerCase();
  const bytes = readBytes(path);
  let fids: Fid[];
  if ((ext === '.raw' || ext === '.h2o') && !detectFormat(bytes, path)) {
    fids = [readLcmRaw(new TextDecoder('latin1').decode(bytes), path, readOptions)];
  } else {
    const mrs = readMrsFile(path, readOptions);
    fids = analysableFids(mrs);
  }
  for (const fid of fids) {
    if (fids.length === 1) applyTimingOption(fid, 'echoTime', ms(o.te), o.force, path);
    applyTimingOption(fid, 'repetitionTime', ms(o.tr), o.force, path);
  }
  return fids;
}

async function loadBasis(o: FitJobOptions, fid: Fid): Promise<{ basis: BasisSet; warnings: string[] }> {
  const warnings: string[] = [];
  let basis: BasisSet;
  if (o.basis) {
    let text: string;
    try {
      text = readFileSync(o.basis, 'latin1');
    } catch (err) {
      throw new InputError('cannot read basis file', { file: o.basis }, { cause: err });
    }
    basis = readLcmBasis(text, o.basis);
  } else {
    const acq = acquisitionOf(fid);
    const sequence = o.sequence ?? acq.sequence;
    if (sequence === undefined) {
      throw new InputError(
        `the sequence is unknown (header SequenceName: ${acq.sequenceName ? `'${acq.sequenceName}'` : 'absent'})`,
        {
          file: String(fid.meta?.file ?? ''),
          field: 'sequence',
          expected: 'give --sequence press|steam|slaser (or --basis FILE)',
        },
      );
    }
    if (fid.echoTime === undefined) {
      warnings.push(
        `echo time unknown (give --te): the liver basis is simulated for ${sequence.toUpperCase()} TE ${toMs(LIVER_DEFAULTS.echoTime)} ms`,
      );
    }
    // The spin-physics engine (and its YAML/zod spin-system files) loads only when the liver basis is simulated.
    const { liverBasis } = await import('../fit/liver.js');
    // Shaped pulses: the slow engine (seconds per basis), so its line lists are kept on disk (io/line-store.ts).
    const shaped = o.pulses
      ? {
          pulses: (await import('./pulse-file.js')).readPulseSetOption(o.pulses, o.grid),
          store: (await import('../io/line-store.js')).defaultLineStore(),
        }
      : {};
    const timing = { sequence, echoTime: fid.echoTime, mixingTime: acq.mixingTime };
    if (o.pulses && isMainThread && availableParallelism() > 1) {
      // One fit in the main thread: the shaped systems over worker threads by slice position, into the process
      // cache that liverBasis reads (batch fits already run one file per core).
      const { liverProtocol } = await import('../fit/liver.js');
      const { simulateLineListsAsync } = await import('../physics/basis.js');
      const pool = new (await import('./shaped-pool.js')).ShapedPool();
      try {
        await simulateLineListsAsync(liverProtocol(fid, timing), undefined, shaped, pool.solve);
      } finally {
        await pool.close();
      }
    }
    basis = liverBasis(fid, timing, undefined, shaped);
  }
  if (o.addLipids) basis = appendSimulatedComponents(basis, LIPIDS_BRAIN);
  return { basis, warnings };
}

export function fitOptionsFor(o: FitJobOptions): FitOptions {
  const base: FitOptions = o.preset === 'liver' ? { ...LIVER_FIT_OPTIONS } : { ppmRange: [0.2, 4.2] };
  if (o.ppm) base.ppmRange = o.ppm;
  if (o.model) base.model = o.model;
  if (o.baseline || o.baselineEd !== undefined || o.baselineOrder !== undefined) {
    base.baseline = {
      ...(base.baseline ?? {}),
      ...(o.baseline ? { kind: o.baseline } : {}),
      ...(o.baselineEd !== undefined ? { edPerPpm: o.baselineEd } : {}),
      ...(o.baselineOrder !== undefined ? { order: o.baselineOrder } : {}),
    };
  }
  if (o.noise) base.noise = o.noise;
  return base;
}

function scalingFor(o: FitJobOptions, fid: Fid): ScalingOptions {
  let s: ScalingOptions;
  if (o.preset === 'ismrm2016') s = { ...ISMRM2016_SCALING };
  else
    s = liverScaling(
      fid.echoTime ?? LIVER_DEFAULTS.echoTime,
      fid.repetitionTime ?? LIVER_DEFAULTS.repetitionTime,
    );
  if (o.waterConcentration !== undefined) s.waterConcentration = o.waterConcentration;
  return s;
}

export async function runFitJob(job: FitJob): Promise<FitJobOutput> {
  const o = job.options;
  const fids = job.series ? job.series.flatMap((f) => readSpectra(f, o)) : readSpectra(job.file, o);
  // A water reference that cannot be read is an input error whichever analysis follows.
  if (job.water) readBytes(job.water);
  let suppression: SuppressionDecision | undefined;
  if (o.preset === 'liver' && !o.basis) {
    // Body spectra: water and fat together are analysed by the water–fat model (fat fraction, PDFF). The
    // decision: option, header, then the spectrum's evidence (fit/water-fat/detect.ts).
    const ref = referenceWaterFat(fids[0]);
    const acq = acquisitionOf(fids[0]);
    suppression = decideWaterSuppression(
      o.waterSuppression ?? 'auto',
      acq.waterSuppressed,
      ref,
      fids[0],
      acq.sources?.waterSuppressed,
    );
    if (!suppression.suppressed || !ref.found || fids.length > 1) {
      const out = await runWaterFatJob(
        job.file,
        fids,
        {
          fatModel: o.fatModel,
          waterLines: o.waterLines,
          suppression,
          referencing: ref,
          ecc: o.ecc,
          relaxation: o.relaxation,
          waterReference: job.water,
        },
        job.render !== false,
      );
      return { file: job.file, ...out };
    }
  }
  if (fids.length > 1) {
    throw new InputError(`holds ${fids.length} echoes`, {
      file: job.file,
      expected: 'one spectrum for a metabolite fit (multi-echo series are fitted as water–fat series)',
    });
  }
  const fid = fids[0];
  const key = JSON.stringify([o, fid.points, fid.dwellTime, fid.spectrometerFrequency, fid.ppmReference]);
  let entry = cache.get(key);
  const prepWarnings: string[] = [];
  if (!entry) {
    const { basis, warnings } = await loadBasis(o, fid);
    prepWarnings.push(...warnings);
    entry = { basis, fitter: new Fitter(basis, fid, fitOptionsFor(o)) };
    cache.set(key, entry);
  }
  const fitter = entry.fitter as Fitter;
  const result = fitter.fit(fid);
  result.settings.basisSequence = entry.basis.sequence;
  result.settings.basisEchoTime = entry.basis.echoTime;
  result.warnings.unshift(...prepWarnings);
  const water = job.water ? fitWaterReference(readSpectrum(job.water, o)) : undefined;
  const reference = o.reference ?? defaultReference(result);
  const q = quantify(result, { reference, water, scaling: water ? scalingFor(o, fid) : undefined });
  // A metabolite fit of a spectrum whose water line is intact is never ok, whatever decided the analysis.
  const intact = intactWaterReason(fid, suppression);
  const route: Routing = { decision: suppression, doubts: intact ? [intact] : [] };
  const files = job.render === false ? {} : await renderOutputs(job, result, q, route, fid);
  return { file: job.file, files, summary: summarise(job, result, q, route) };
}

/** How the analysis was chosen (undefined with --basis or another preset: the user asked for this fit). */
interface Routing {
  decision?: SuppressionDecision;
  doubts: string[];
}

function routedStatus(
  r: FitResult,
  route: Routing,
): { status: 'ok' | 'doubtful' | 'failed'; reasons: string[] } {
  const st = fitStatus(r).build();
  if (route.doubts.length === 0 && !route.decision?.ambiguous) return st;
  const reasons = [...st.reasons, ...route.doubts];
  if (route.decision?.ambiguous) reasons.push(ambiguityReason(route.decision));
  return { status: st.status === 'failed' ? 'failed' : 'doubtful', reasons };
}

function defaultReference(r: FitResult): string | undefined {
  const names = [...r.components.map((c) => c.name), ...r.combined.map((c) => c.name)];
  for (const cand of ['Cr+PCr', 'L13', 'Cr', 'H2O']) if (names.includes(cand)) return cand;
  return undefined;
}

function summarise(job: FitJob, r: FitResult, q: Quantification, route: Routing): Record<string, unknown> {
  const n = r.components.length;
  const names = r.components.map((c) => c.name);
  const corr: number[][] = [];
  for (let i = 0; i < n; i++) corr.push(Array.from(r.correlation.subarray(i * n, (i + 1) * n)));
  const st = routedStatus(r, route);
  return {
    file: job.file,
    kind: 'metabolites',
    analysis: route.decision
      ? decisionText(route.decision)
      : 'metabolite fit (asked for: --basis or --preset)',
    waterSuppression: route.decision ?? null,
    basis: { sequence: r.settings.basisSequence ?? null, echoTime: r.settings.basisEchoTime ?? null },
    status: st.status,
    statusReasons: st.reasons,
    waterReference: job.water ?? null,
    settings: r.settings,
    quality: r.quality,
    warnings: [...r.warnings, ...q.warnings],
    parameters: r.parameters,
    linewidthsHz: r.linewidthsHz,
    components: r.components,
    combined: r.combined,
    quantification: {
      reference: q.reference ?? null,
      unit: q.unit ?? null,
      rows: q.components,
      water: q.water ?? null,
      fatFraction: q.fatFraction ?? null,
      scaling: q.scaling ?? null,
    },
    correlation: { names, matrix: corr },
  };
}

/** Fit results are written with 7 significant digits. */
const csvNumber = (v: number | undefined) => roundedCell(v, 7);

async function renderOutputs(
  job: FitJob,
  r: FitResult,
  q: Quantification,
  route: Routing,
  fid: Fid,
): Promise<Record<string, string>> {
  const { fitSection, fitSettingsEntries } = await import('../report/from-fit.js');
  const { acquisitionTable } = await import('../report/acquisition.js');
  const { buildReport } = await import('../report/html.js');
  const { statusLine } = await import('../report/status-line.js');
  const summary = summarise(job, r, q, route);
  const st = routedStatus(r, route);
  const failed = st.status === 'failed';
  const concHeader = [
    'name',
    'amplitude',
    'crlb',
    'crlb_percent',
    'ratio',
    'ratio_sd',
    'concentration',
    'concentration_sd',
    'unit',
    'status',
  ];
  const conc: string[][] = [];
  for (const c of failed ? [] : q.components) {
    conc.push([
      c.name,
      csvNumber(c.amplitude),
      csvNumber(c.crlb),
      csvNumber(c.crlbPercent),
      csvNumber(c.ratio),
      csvNumber(c.ratioSd),
      csvNumber(c.concentration),
      csvNumber(c.concentrationSd),
      c.concentration !== undefined ? (q.unit ?? '') : '',
      st.status,
    ]);
  }
  if (q.fatFraction) {
    const ff = q.fatFraction;
    conc.push([
      'fat fraction (%)',
      '',
      '',
      '',
      '',
      '',
      csvNumber(ff.percent),
      csvNumber(ff.sd),
      '%',
      st.status,
    ]);
  }
  // Reasons keep their historical form (commas as semicolons) so the cell stays unquoted.
  if (failed)
    conc.push([
      'status',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      `failed: ${st.reasons.join('; ').replace(/,/g, ';')}`,
    ]);
  conc.push(['analysis', '', '', '', '', '', '', '', String(summary.analysis), st.status]);
  const s = r.spectra;
  const compNames = r.components.map((c) => c.name);
  const head = [
    'ppm',
    'data_re',
    'data_im',
    'fit_re',
    'fit_im',
    'baseline_re',
    'baseline_im',
    'water_re',
    'water_im',
    'residual_re',
    'residual_im',
    ...compNames.map((n) => `${n}_re`),
  ];
  const rows: string[][] = [];
  for (let j = 0; j < s.ppm.length; j++) {
    const v = [
      s.ppm[j],
      s.data[2 * j],
      s.data[2 * j + 1],
      s.fit[2 * j],
      s.fit[2 * j + 1],
      s.baseline[2 * j],
      s.baseline[2 * j + 1],
      s.water[2 * j],
      s.water[2 * j + 1],
      s.residual[2 * j],
      s.residual[2 * j + 1],
      ...s.components.map((c) => c[2 * j]),
    ];
    rows.push(v.map((x) => csvNumber(x)));
  }
  const name = job.file.split('/').pop() ?? job.file;
  const report = buildReport({
    title: `livermrs fit: ${name}`,
    subtitle: `${job.file} — ${statusLine(st)}`,
    acquisition: acquisitionTable(fid),
    meta: [
      ['analysis', String(summary.analysis)],
      ['livermrs', LIVERMRS_VERSION],
      ...fitSettingsEntries(r),
      ...(job.water ? [['water reference', job.water] as [string, string]] : []),
    ],
    sections: [fitSection(r, 'NLLS fit', name, q)],
  });
  return {
    'results.json': `${toJson(summary)}\n`,
    'concentrations.csv': formatCsv(concHeader, conc),
    'spectra.csv': formatCsv(head, rows),
    'report.html': report.html,
    'fit.svg': report.figures[0].svg,
  };
}
