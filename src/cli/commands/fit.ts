import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { parseSequenceKind } from '../../core/acquisition.js';
import { formatValueSd } from '../../core/format.js';
import { LivermrsError, UsageError } from '../../core/errors.js';
import { withOutputDir } from '../../io/atomic.js';
import { msToSeconds } from '../../io/header-values.js';
import type { AnalysisJob, AnalysisJobFailure, AnalysisJobOutput } from '../../analysis/batch.js';
import type { AnalysisOptions, Preset } from '../../analysis/options.js';
import { parseNumber, parseRange } from '../options.js';
import { statusText } from './quantify.js';

interface FitCliOptions {
  water?: string;
  basis?: string;
  preset?: string;
  ppm?: [number, number];
  baseline?: string;
  baselineEd?: number;
  baselineOrder?: number;
  model?: string;
  sw?: number;
  frequency?: number;
  te?: number;
  tr?: number;
  reference?: string;
  addLipids?: boolean;
  waterConc?: number;
  noise?: string;
  out?: string;
  json?: boolean;
  jobs?: number;
  sequence?: string;
  waterSuppression?: string;
  fatModel?: string;
  waterLines?: string;
  lineshape?: string;
  ecc?: string;
  analysis?: string;
  tissue?: string;
  t2Water?: number;
  t2Fat?: number;
  t1Water?: number;
  t1Fat?: number;
  force?: boolean;
  series?: boolean;
  pulses?: string;
  grid?: number;
}

/** `livermrs fit`: linear-combination fitting with CRLB, water scaling and plots; batch over all cores. */
export function register(program: Command): void {
  program
    .command('fit')
    .description('fit spectra with a linear combination of basis spectra (NLLS, Cramér–Rao bounds)')
    .argument('<files...>', 'spectra: NIfTI-MRS, LCModel .RAW (needs --sw and --frequency)')
    .option('--water <file>', "unsuppressed water reference; 'auto' pairs each X.RAW with X.H2O")
    .option(
      '--basis <file>',
      'LCModel .BASIS file (default: the liver basis simulated for the data: field, grid, --te)',
    )
    .option('--preset <name>', 'liver | ismrm2016 | generic (window, model and scaling defaults)')
    .option('--ppm <lo,hi>', 'fit window in ppm (liver default 0.5,5.7; others 0.2,4.2)', parseRange('--ppm'))
    .option(
      '--baseline <kind>',
      "spline | poly | gaussian (broad Gaussian lines at 0..6 ppm: the built-in cohorts' baseline, for simulated spectra)",
    )
    .option(
      '--baseline-ed <n>',
      'spline smoothness: effective dimensions per ppm',
      parseNumber('--baseline-ed', { min: 0.01 }),
    )
    .option(
      '--baseline-order <n>',
      'polynomial order',
      parseNumber('--baseline-order', { min: 0, integer: true }),
    )
    .option('--model <name>', 'voigt | lorentzian')
    .option('--sw <hz>', 'spectral width (Hz) for .RAW input', parseNumber('--sw', { min: 1 }))
    .option(
      '--frequency <mhz>',
      'spectrometer frequency (MHz) for .RAW input',
      parseNumber('--frequency', { min: 1 }),
    )
    .option(
      '--te <ms>',
      'echo time (ms): relaxation corrections and the simulated liver basis',
      parseNumber('--te', { min: 0 }),
    )
    .option('--tr <ms>', 'repetition time (ms), for relaxation corrections', parseNumber('--tr', { min: 0 }))
    .option(
      '--sequence <name>',
      'press | steam | slaser | fid: the sequence when the header does not say (or to override it)',
    )
    .option(
      '--pulses <file>',
      "simulate the liver basis with real RF pulses and slice selection: a pulse-set JSON file or 'default' (docs/physics-shaped.md; cached on disk)",
    )
    .option(
      '--grid <n>',
      'positions per slice direction with --pulses (default 64)',
      parseNumber('--grid', { min: 1, max: 4096, integer: true }),
    )
    .option(
      '--water-suppression <mode>',
      'auto | on | off: water-suppressed data get the metabolite fit, unsuppressed the water–fat fit (default auto: header, then spectrum)',
    )
    .option(
      '--fat-model <name>',
      'fixed | chain: Hamilton fat at the liver composition, or chain length and double bonds fitted',
    )
    .option(
      '--analysis <kind>',
      'metabolites | water-fat: force the analysis (the same as --water-suppression on | off)',
    )
    .option(
      '--water-lines <n>',
      'water–fat fit: auto | 1 | 2 water lines (auto, the default: the second is kept when it lowers the residual by 20 %)',
    )
    .option(
      '--lineshape <model>',
      "water–fat fit: reference | voigt | auto — the water line as every line's lineshape (reference deconvolution; the default), Voigt lines, or the reference kept only when it lowers a Voigt residual above 1.5× the noise by 20 %",
    )
    .option(
      '--tissue <name>',
      'water–fat fit: liver | marrow | muscle | adipose | other — literature T1/T2 for the single-TE PDFF at 1.5 or 3 T (default liver)',
    )
    .option(
      '--t2-water <ms>',
      'water–fat fit: water T2 for the PDFF (ms)',
      parseNumber('--t2-water', { min: 0.1 }),
    )
    .option('--t2-fat <ms>', 'water–fat fit: fat T2 for the PDFF (ms)', parseNumber('--t2-fat', { min: 0.1 }))
    .option(
      '--t1-water <ms>',
      'water–fat fit: water T1 for the PDFF (ms; needs a TR)',
      parseNumber('--t1-water', { min: 1 }),
    )
    .option(
      '--t1-fat <ms>',
      'water–fat fit: fat T1 for the PDFF (ms; needs a TR)',
      parseNumber('--t1-fat', { min: 1 }),
    )
    .option('--force', 'accept --te/--tr that contradict the file header')
    .option(
      '--ecc <mode>',
      "water–fat fit: auto | off — eddy-current correction from the spectrum's own water line, kept only when it lowers the fit residual (default auto)",
    )
    .option('--series', 'the input files are one multi-echo series: T2-corrected PDFF from a joint fit')
    .option('--reference <name>', 'component or sum for ratios (default Cr+PCr, else L13)')
    .option('--add-lipids', 'append simulated lipid components (Lip09, Lip13a/b, Lip20)')
    .option(
      '--water-conc <mM>',
      'water concentration before relaxation (overrides the preset)',
      parseNumber('--water-conc', { min: 0 }),
    )
    .option('--noise <source>', 'noise for the CRLB: residual | region')
    .option('--out <dir>', 'output folder (one subfolder per input in batch mode)')
    .option('--json', 'print the results as JSON on stdout')
    .option(
      '--jobs <n>',
      'worker threads in batch mode (default: all cores)',
      parseNumber('--jobs', { min: 1, integer: true }),
    )
    .addHelpText(
      'after',
      `
Examples:
  livermrs fit liver.nii.gz --water liver_ref.nii.gz --out out/liver
  livermrs fit dataset1.RAW --water dataset1.H2O --basis press3T_30ms.BASIS --preset ismrm2016 \\
      --sw 4000 --frequency 123.2 --te 30 --out out/ds1
  livermrs fit scan.rda --pulses default --grid 32 --out out/scan-shaped
  livermrs fit sims/hcc/spectra/*.nii.gz --out out/sims   # livermrs simulate --per-file output: the cohort's fit model
  livermrs fit datasets/*.RAW --water auto --basis press3T_30ms.BASIS --preset ismrm2016 \\
      --sw 4000 --frequency 123.2 --out out/challenge --json

Outputs (per input): results.json (amplitudes, CRLB, ratios, concentrations, fat fraction, nonlinear
parameters, fit quality, warnings), concentrations.csv, spectra.csv (data, fit, baseline, water, residual and
components on the ppm axis, phase-corrected), fit.svg (spectrum, fit, residual, baseline, components) and report.html (self-contained: figure, concentration table with CRLB, nonlinear parameters).`,
    )
    .action(async (files: string[], opts: FitCliOptions) => {
      await runFitCommand(files, opts);
    });
}

function waterLines(v: string | undefined): 1 | 2 | undefined {
  if (v === undefined || v === 'auto') return undefined;
  if (v !== '1' && v !== '2') throw new UsageError(`--water-lines: '${v}' is not auto, 1 or 2`);
  return Number(v) as 1 | 2;
}

/** --analysis and --water-suppression say the same thing; both given must agree. */
function suppressionMode(o: FitCliOptions): 'auto' | 'on' | 'off' | undefined {
  const ws = choice('--water-suppression', o.waterSuppression, ['auto', 'on', 'off'] as const);
  const an = choice('--analysis', o.analysis, ['metabolites', 'water-fat'] as const);
  const fromAnalysis = an === undefined ? undefined : an === 'metabolites' ? 'on' : 'off';
  if (ws && fromAnalysis && ws !== fromAnalysis) {
    throw new UsageError(`--analysis ${an} contradicts --water-suppression ${ws}`);
  }
  return fromAnalysis ?? ws;
}

function choice<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new UsageError(`${name}: '${v}' is not one of ${allowed.join(', ')}`);
  return v as T;
}

async function runFitCommand(files: string[], opts: FitCliOptions): Promise<void> {
  const preset =
    choice('--preset', opts.preset, ['liver', 'ismrm2016', 'generic'] as const) ??
    (opts.basis ? 'generic' : 'liver');
  const jobOptions: AnalysisOptions = {
    basis: opts.basis,
    preset: preset as Preset,
    ppm: opts.ppm,
    baseline: choice('--baseline', opts.baseline, ['spline', 'poly', 'gaussian'] as const),
    baselineEd: opts.baselineEd,
    baselineOrder: opts.baselineOrder,
    model: choice('--model', opts.model, ['voigt', 'lorentzian'] as const),
    sw: opts.sw,
    frequency: opts.frequency,
    te: opts.te,
    tr: opts.tr,
    reference: opts.reference,
    addLipids: opts.addLipids,
    waterConcentration: opts.waterConc,
    noise: choice('--noise', opts.noise, ['residual', 'region'] as const),
    sequence: opts.sequence === undefined ? undefined : parseSequenceKind(opts.sequence),
    waterSuppression: suppressionMode(opts),
    fatModel: choice('--fat-model', opts.fatModel, ['fixed', 'chain'] as const),
    waterLines: waterLines(opts.waterLines),
    lineshape: choice('--lineshape', opts.lineshape, ['voigt', 'reference', 'auto'] as const),
    force: opts.force,
    relaxation: {
      tissue:
        opts.tissue === undefined
          ? undefined
          : (await import('../../fit/water-fat/relaxation.js')).parseTissue(opts.tissue),
      waterT2: msToSeconds(opts.t2Water),
      fatT2: msToSeconds(opts.t2Fat),
      waterT1: msToSeconds(opts.t1Water),
      fatT1: msToSeconds(opts.t1Fat),
    },
    ecc: choice('--ecc', opts.ecc, ['auto', 'off'] as const),
    pulses: opts.pulses,
    grid: opts.grid,
  };
  if (opts.pulses !== undefined && opts.basis !== undefined) {
    throw new UsageError('--pulses simulates the basis: it does not go with --basis');
  }
  if (opts.grid !== undefined && opts.pulses === undefined) {
    throw new UsageError('--grid needs --pulses (the ideal engine has no slices)');
  }
  if (!opts.out && !opts.json) throw new UsageError('fit: give --out DIR and/or --json');
  if (opts.water && opts.water !== 'auto' && files.length > 1) {
    throw new UsageError(
      '--water FILE works with one input; use --water auto to pair X.RAW with X.H2O in batch mode',
    );
  }
  const render = opts.out !== undefined;
  const { pairedWaterFile } = await import('../../analysis/input.js');
  const jobs: AnalysisJob[] = opts.series
    ? [{ file: files[0], series: files, options: jobOptions, render }]
    : files.map((file) => ({
        file,
        water: opts.water === 'auto' ? pairedWaterFile(file) : opts.water,
        options: jobOptions,
        render,
      }));
  // The fitter, readers and report code load here, not at start-up (batch mode runs them in workers).
  const { runAnalysisJob } = await import('../../analysis/batch.js');
  const { toJson } = await import('../../io/json.js');
  const results: (AnalysisJobOutput | AnalysisJobFailure)[] = [];
  if (jobs.length === 1) {
    // One fit in the main thread: with --pulses, the shaped systems over every core (a batch runs one file per core).
    const single = { ...jobs[0], options: { ...jobOptions, shapedThreads: availableParallelism() } };
    results.push(await runAnalysisJob(opts.pulses ? single : jobs[0]));
  } else {
    results.push(
      ...(await runBatch(jobs, opts.jobs ?? Math.min(availableParallelism(), jobs.length), !opts.json)),
    );
  }
  const ok = results.filter((r): r is AnalysisJobOutput => 'files' in r);
  const batch = jobs.length > 1;
  if (opts.out && (ok.length > 0 || batch)) {
    const out = opts.out;
    const { writeAnalysisOutputs } = await import('../../analysis/write-outputs.js');
    await withOutputDir(out, (dir) => writeAnalysisOutputs(dir, results, files, batch));
  }
  if (opts.json) {
    const summaries = results.map((r) => ('files' in r ? r.summary : { file: r.file, error: r.error }));
    process.stdout.write(`${toJson(jobs.length === 1 ? summaries[0] : summaries)}\n`);
  } else {
    for (const r of ok) process.stderr.write(`fit: ${r.file}: ${cliSummary(r.summary)}\n`);
  }
  const failed = results.filter((r): r is AnalysisJobFailure => 'error' in r);
  if (failed.length > 0) {
    for (const f of failed.slice(0, -1)) process.stderr.write(`livermrs: ${f.error}\n`);
    const last = failed[failed.length - 1];
    const err = new LivermrsError(last.error);
    Object.defineProperty(err, 'exitCode', { value: Math.max(...failed.map((f) => f.code)) });
    throw err;
  }
}

/** One line: the status first, then the headline number (fat fraction or the number of components). */
function cliSummary(s: Record<string, unknown>): string {
  const status = statusText({
    status: String(s.status ?? 'ok'),
    statusReasons: (s.statusReasons as string[] | undefined) ?? [],
  });
  const ff = (v: unknown) => {
    const x = v as { value: number; sd: number } | null | undefined;
    return x ? formatValueSd(x.value, x.sd, ' %') : undefined;
  };
  const analysis = typeof s.analysis === 'string' ? ` [${s.analysis}]` : '';
  if (s.kind === 'water-fat') {
    const ref = s.referencing as { shiftPpm: number } | undefined;
    const parts = [status];
    if (s.status !== 'failed') {
      parts.push(`PDFF ${ff(s.pdff) ?? 'n/a'}`, `signal FF ${ff(s.signalFatFraction) ?? 'n/a'}`);
      if (ref) parts.push(`referencing shift ${ref.shiftPpm.toFixed(3)} ppm`);
    }
    return parts.join(', ') + analysis;
  }
  if (s.kind === 'water-fat-series') {
    return (
      (s.status === 'failed' ? status : `${status}, T2-corrected PDFF ${ff(s.pdff) ?? 'n/a'}`) + analysis
    );
  }
  const w = ((s.warnings as string[] | undefined) ?? []).length;
  return `${status}${w ? `, ${w} warning${w > 1 ? 's' : ''}` : ''}${analysis}`;
}

/** Fits the jobs on worker threads, one job per thread at a time; results in job order. */
async function runBatch(
  jobs: AnalysisJob[],
  threads: number,
  showProgress: boolean,
): Promise<(AnalysisJobOutput | AnalysisJobFailure)[]> {
  const { runAnalysisJobs } = await import('../../analysis/batch.js');
  const { withProgress } = await import('../progress.js');
  // A bar on a terminal only (logs and pipes keep their one line per file).
  const bar = showProgress && jobs.length >= 4 && process.stderr.isTTY === true;
  return withProgress('fit', jobs.length, (p) => runAnalysisJobs(jobs, threads, () => p.tick()), {
    quiet: !bar,
    unit: 'files',
  });
}
