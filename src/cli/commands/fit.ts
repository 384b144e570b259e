import type { Command } from 'commander';
import type { AnalysisJobOutput } from '../../analysis/batch.js';
import type { FitRequest } from '../../analysis/fit-request.js';
import {
  ANALYSIS_KINDS,
  BASELINES,
  ECC_MODES,
  FAT_MODELS,
  LINE_MODELS,
  LINESHAPE_MODES,
  NOISE_SOURCES,
  PRESETS,
  WATER_LINE_CHOICES,
  WATER_SUPPRESSION_MODES,
} from '../../analysis/options.js';
import { SEQUENCE_KINDS } from '../../core/acquisition.js';
import { UsageError } from '../../core/errors.js';
import { withOutputDir } from '../../io/atomic.js';
import { orList, parseChoice, parseNumber, parseRange } from '../options.js';

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
    .option(
      '--preset <name>',
      `${PRESETS.join(' | ')} (window, model and scaling defaults)`,
      parseChoice('--preset', PRESETS),
    )
    .option('--ppm <lo,hi>', 'fit window in ppm (liver default 0.5,5.7; others 0.2,4.2)', parseRange('--ppm'))
    .option(
      '--baseline <kind>',
      `${BASELINES.join(' | ')} (broad Gaussian lines at 0..6 ppm: the built-in cohorts' baseline, for simulated spectra)`,
      parseChoice('--baseline', BASELINES),
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
    .option('--model <name>', LINE_MODELS.join(' | '), parseChoice('--model', LINE_MODELS))
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
      `${SEQUENCE_KINDS.join(' | ')}: the sequence when the header does not say (or to override it)`,
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
      `${WATER_SUPPRESSION_MODES.join(' | ')}: water-suppressed data get the metabolite fit, unsuppressed the water–fat fit (default auto: header, then spectrum)`,
      parseChoice('--water-suppression', WATER_SUPPRESSION_MODES),
    )
    .option(
      '--fat-model <name>',
      `${FAT_MODELS.join(' | ')}: Hamilton fat at the liver composition, or chain length and double bonds fitted`,
      parseChoice('--fat-model', FAT_MODELS),
    )
    .option(
      '--analysis <kind>',
      `${ANALYSIS_KINDS.join(' | ')}: force the analysis (the same as --water-suppression on | off)`,
      parseChoice('--analysis', ANALYSIS_KINDS),
    )
    .option(
      '--water-lines <n>',
      `water–fat fit: ${WATER_LINE_CHOICES.join(' | ')} water lines (auto, the default: the second is kept when it lowers the residual by 20 %)`,
      (v: string) => {
        if (!(WATER_LINE_CHOICES as readonly string[]).includes(v)) {
          throw new UsageError(`--water-lines: '${v}' is not ${orList(WATER_LINE_CHOICES)}`);
        }
        return v;
      },
    )
    .option(
      '--lineshape <model>',
      `water–fat fit: ${LINESHAPE_MODES.join(' | ')} — the water line as every line's lineshape (reference deconvolution; the default), Voigt lines, or the reference kept only when it lowers a Voigt residual above 1.5× the noise by 20 %`,
      parseChoice('--lineshape', LINESHAPE_MODES),
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
      `water–fat fit: ${ECC_MODES.join(' | ')} — eddy-current correction from the spectrum's own water line, kept only when it lowers the fit residual (default auto)`,
      parseChoice('--ecc', ECC_MODES),
    )
    .option('--series', 'the input files are one multi-echo series: T2-corrected PDFF from a joint fit')
    .option('--reference <name>', 'component or sum for ratios (default Cr+PCr, else L13)')
    .option('--add-lipids', 'append simulated lipid components (Lip09, Lip13a/b, Lip20)')
    .option(
      '--water-conc <mM>',
      'water concentration before relaxation (overrides the preset)',
      parseNumber('--water-conc', { min: 0 }),
    )
    .option(
      '--noise <source>',
      `noise for the CRLB: ${NOISE_SOURCES.join(' | ')}`,
      parseChoice('--noise', NOISE_SOURCES),
    )
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
    .action(async (files: string[], opts: FitRequest & { jobs?: number }) => {
      await runFitCommand(files, opts);
    });
}

async function runFitCommand(files: string[], opts: FitRequest & { jobs?: number }): Promise<void> {
  // The fitter, readers and report code load here, not at start-up (batch mode runs them in workers).
  const { fitFailures, runFitRequest } = await import('../../analysis/fit-request.js');
  const { jobs, results } = await runFitRequest(files, opts, !opts.json);
  const ok = results.filter((r): r is AnalysisJobOutput => 'files' in r);
  const batch = jobs.length > 1;
  if (opts.out && (ok.length > 0 || batch)) {
    const { writeAnalysisOutputs } = await import('../../analysis/write-outputs.js');
    await withOutputDir(opts.out, (dir) => writeAnalysisOutputs(dir, results, files, batch));
  }
  if (opts.json) {
    const { toJson } = await import('../../io/json.js');
    const summaries = results.map((r) => ('files' in r ? r.summary : { file: r.file, error: r.error }));
    process.stdout.write(`${toJson(batch ? summaries : summaries[0])}\n`);
  } else {
    const { analysisSummaryLine } = await import('../../report/status-line.js');
    for (const r of ok) process.stderr.write(`fit: ${r.file}: ${analysisSummaryLine(r.summary)}\n`);
  }
  const { earlier, error } = fitFailures(results);
  for (const message of earlier) process.stderr.write(`livermrs: ${message}\n`);
  if (error) throw error;
}
