import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { BasisSet } from '../core/basis.js';
import { InputError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { fidCount, type MrsData, toFid } from '../core/mrs-data.js';
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
import { readBytes } from '../io/mrs-file.js';
import { detectFormat, readMrs } from '../io/read.js';
import { LIVERMRS_VERSION } from '../core/version.js';
import { roundedCell } from '../simulate/csv.js';

/**
 * One fit as the CLI runs it (in the main thread or a worker): read the spectrum, the water reference and the
 * basis, fit, quantify, and return the output files as text. Files are written by the caller (atomically).
 */
export type Preset = 'liver' | 'ismrm2016' | 'generic';

export interface FitJobOptions {
  basis?: string;
  preset: Preset;
  ppm?: [number, number];
  baseline?: 'spline' | 'poly';
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
}

export interface FitJob {
  file: string;
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
  const readOptions = {
    dwellTime: o.sw ? 1 / o.sw : undefined,
    spectrometerFrequency: o.frequency,
    echoTime: o.te !== undefined ? o.te / 1000 : undefined,
  };
  const ext = extname(path).toLowerCase();
  const bytes = readBytes(path);
  const fid =
    (ext === '.raw' || ext === '.h2o') && !detectFormat(bytes, path)
      ? readLcmRaw(new TextDecoder('latin1').decode(bytes), path, readOptions)
      : singleFid(readMrs(bytes, path, readOptions), path);
  if (o.te !== undefined) fid.echoTime = o.te / 1000;
  if (o.tr !== undefined) fid.repetitionTime = o.tr / 1000;
  return fid;
}

function singleFid(mrs: MrsData, path: string): Fid {
  const n = fidCount(mrs);
  if (n !== 1) {
    throw new InputError(`holds ${n} FIDs`, {
      file: path,
      expected: 'one (coil-combined, averaged) FID: combine and average the data first',
    });
  }
  return toFid(mrs, 0);
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
    if (fid.echoTime === undefined) {
      warnings.push(
        'echo time unknown (give --te): the liver basis is simulated for PRESS TE 30 ms (15 + 15)',
      );
    }
    // The spin-physics engine (and its YAML/zod spin-system files) loads only when the liver basis is simulated.
    const { liverBasis } = await import('../fit/liver.js');
    basis = liverBasis(fid, { echoTime: fid.echoTime });
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
  else s = liverScaling(fid.echoTime ?? 0.03, fid.repetitionTime ?? 1.5);
  if (o.waterConcentration !== undefined) s.waterConcentration = o.waterConcentration;
  return s;
}

export async function runFitJob(job: FitJob): Promise<FitJobOutput> {
  const o = job.options;
  const fid = readSpectrum(job.file, o);
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
  result.warnings.unshift(...prepWarnings);
  const water = job.water ? fitWaterReference(readSpectrum(job.water, o)) : undefined;
  const reference = o.reference ?? defaultReference(result);
  const q = quantify(result, { reference, water, scaling: water ? scalingFor(o, fid) : undefined });
  const files = job.render === false ? {} : await renderOutputs(job, result, q);
  return { file: job.file, files, summary: summarise(job, result, q) };
}

function defaultReference(r: FitResult): string | undefined {
  const names = [...r.components.map((c) => c.name), ...r.combined.map((c) => c.name)];
  for (const cand of ['Cr+PCr', 'L13', 'Cr', 'H2O']) if (names.includes(cand)) return cand;
  return undefined;
}

/** JSON with non-finite numbers as null and typed arrays as plain arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (v instanceof Float64Array || v instanceof Float32Array)
        return Array.from(v, (x) => (Number.isFinite(x) ? x : null));
      return v;
    },
    2,
  );
}

function summarise(job: FitJob, r: FitResult, q: Quantification): Record<string, unknown> {
  const n = r.components.length;
  const names = r.components.map((c) => c.name);
  const corr: number[][] = [];
  for (let i = 0; i < n; i++) corr.push(Array.from(r.correlation.subarray(i * n, (i + 1) * n)));
  return {
    file: job.file,
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

async function renderOutputs(job: FitJob, r: FitResult, q: Quantification): Promise<Record<string, string>> {
  const { fitSection } = await import('../report/from-fit.js');
  const { buildReport } = await import('../report/html.js');
  const summary = summarise(job, r, q);
  const conc = ['name,amplitude,crlb,crlb_percent,ratio,ratio_sd,concentration,concentration_sd,unit'];
  for (const c of q.components) {
    conc.push(
      [
        c.name,
        csvNumber(c.amplitude),
        csvNumber(c.crlb),
        csvNumber(c.crlbPercent),
        csvNumber(c.ratio),
        csvNumber(c.ratioSd),
        csvNumber(c.concentration),
        csvNumber(c.concentrationSd),
        c.concentration !== undefined ? (q.unit ?? '') : '',
      ].join(','),
    );
  }
  if (q.fatFraction)
    conc.push(`fat fraction (%),,,,,,${csvNumber(q.fatFraction.percent)},${csvNumber(q.fatFraction.sd)},%`);
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
  const rows = [head.join(',')];
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
    rows.push(v.map((x) => csvNumber(x)).join(','));
  }
  const name = job.file.split('/').pop() ?? job.file;
  const report = buildReport({
    title: `livermrs fit: ${name}`,
    subtitle: job.file,
    meta: [['livermrs', LIVERMRS_VERSION]],
    sections: [fitSection(r, 'NLLS fit', name)],
  });
  return {
    'results.json': `${toJson(summary)}\n`,
    'concentrations.csv': `${conc.join('\n')}\n`,
    'spectra.csv': `${rows.join('\n')}\n`,
    'report.html': report.html,
    'fit.svg': report.figures[0].svg,
  };
}
