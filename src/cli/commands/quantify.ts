import type { Command } from 'commander';
import { LivermrsError } from '../../core/errors.js';
import { type OutputDir, withOutputDir } from '../../io/atomic.js';
import { LIVER_DEFAULTS, toMs } from '../../core/acquisition.js';
import type { ReadMrsOptions } from '../../io/read.js';
import type { NetworkReportOptions } from '../../report/from-network.js';
import { parseNumber, printJson } from '../options.js';
import { outputFolders } from '../../io/output-names.js';

interface QuantifyOptions extends ModelInputOptions {
  water?: string;
  tr?: number;
  out?: string;
  json?: boolean;
}

/** `livermrs quantify`: qCNN amplitudes with predicted SDs (ONNX, no libtorch needed). */
export function register(program: Command): void {
  const cmd = program
    .command('quantify')
    .description(
      'Quantify the 15 metabolites and 5 lipid resonances of liver spectra with the qCNN (ONNX model; amplitudes with ' +
        'predicted SDs, and mmol/kg plus fat fraction when a water reference is given). The file must match the ' +
        "model's protocol (field within 5%, echo time); other spectral widths and point counts are resampled.",
    )
    .argument('<files...>', 'spectra (NIfTI-MRS, Siemens, Philips, GE, jMRUI, LCModel .RAW)');
  modelInputOptions(cmd, 'qcnn')
    .option(
      '--tr <ms>',
      `repetition time (water scaling; default ${toMs(LIVER_DEFAULTS.repetitionTime)})`,
      parseNumber('--tr', { min: 0 }),
    )
    .option(
      '--out <dir>',
      'write results.json, concentrations.csv and report.html (+ figures/*.svg|png) per file into DIR/<name>/',
    )
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  livermrs quantify liver.nii.gz
  livermrs quantify liver.nii.gz --water liver_ref.nii.gz --out out/q --json
  livermrs quantify liver.RAW --sw 2000 --frequency 127.76 --te 30 --model my-models`,
    )
    .action(async (files: string[], opts: QuantifyOptions) => {
      // onnxruntime-node, the readers and the report code load here, not at start-up.
      const { quantifyWithBundle } = await import('../../networks/onnx-inference.js');
      const { fitWaterReference } = await import('../../fit/water-reference.js');
      const { readSingleFid } = await import('../../networks/read-spectrum.js');
      const { inputRecord, qcnnQuantification, quantificationCsv } = await import(
        '../../networks/results.js'
      );
      const { quantifyReport } = await import('../../report/from-network.js');
      const { writeReportInto } = await import('../../report/write.js');
      const { toJson } = await import('../json.js');
      const { bundle, model, read, fids, prepared, checks } = await modelInputs(files, opts, 'quantify');
      const results = (await quantifyWithBundle(bundle, prepared, opts.threads)).map((r, i) => ({
        ...r,
        sd: r.sd.map((x) => x * checks[i].sdFactor),
      }));
      const water = opts.water ? fitWaterReference(readSingleFid(opts.water, read)) : undefined;
      const out = results.map((r, i) =>
        qcnnQuantification(r, fids[i], {
          file: files[i],
          model,
          unit: bundle.contract.targets.unit,
          notes: prepared[i].notes,
          water,
          repetitionTime: opts.tr !== undefined ? opts.tr / 1000 : undefined,
          check: checks[i],
          input: inputRecord(prepared[i], checks[i]),
        }),
      );
      if (opts.out) {
        const report: NetworkReportOptions = {
          window: bundle.contract.preprocessing.ppmRange,
          modelWarnings: opts.model ? [] : [SHIPPED_MODEL_WARNING.quantify],
          meta: opts.water ? [['water reference', opts.water]] : [],
        };
        const stems = outputFolders(files);
        await withOutputDir(opts.out, async (dir) => {
          for (const [i, r] of out.entries()) {
            dir.write(`${stems[i]}/results.json`, `${toJson(r)}\n`);
            dir.write(`${stems[i]}/concentrations.csv`, quantificationCsv(r));
            await writeReportInto(dir, quantifyReport(r, fids[i], report), { subdir: stems[i] });
          }
          if (files.length > 1) {
            const { quantifyNumbers } = await import('../../report/batch-summary.js');
            await writeBatchSummary(dir, 'quantify', out, stems, quantifyNumbers);
          }
        });
      }
      if (opts.json) printJson(out.length === 1 ? out[0] : out);
      else {
        for (const r of out) {
          process.stdout.write(`${r.file}  (${r.model}; ${r.unit})  ${statusText(r)}\n`);
          for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
          for (const c of r.components) {
            const value = c.concentration ?? c.amplitude;
            const sd = c.concentrationSd ?? c.sd;
            process.stdout.write(
              `  ${c.name.padEnd(6)} ${value.toPrecision(4).padStart(10)} ± ${sd.toPrecision(3).padStart(8)}  (${Number.isFinite(c.sdPercent) ? c.sdPercent.toFixed(0) : '∞'}%)\n`,
            );
          }
          if (r.fatFraction)
            process.stdout.write(
              `  fat fraction ${r.fatFraction.percent.toFixed(2)} ± ${r.fatFraction.sd.toFixed(2)} %\n`,
            );
        }
      }
      exitIfFailed('quantify', out, opts.allowFailed);
    });
}

/**
 * Said in every report made with the shipped models: they are trained on the built-in cohorts, whose priors are
 * illustrative literature trends, not patient data (docs/simulation.md, built-in cohorts).
 */
export const SHIPPED_MODEL_WARNING = {
  quantify:
    'The shipped qCNN is trained on simulated spectra drawn from ILLUSTRATIVE cohort priors, not on patient data: ' +
    'its estimates are pulled toward those priors. Train a model for your protocol and population with livermrs train.',
  classify:
    'The shipped cCNN is trained on simulated spectra drawn from ILLUSTRATIVE cohort priors, not on patient data: ' +
    'this probability is not a diagnosis. Train your own model from your patients with livermrs study --manifest ' +
    'or livermrs train.',
} as const;

/** Options shared by quantify and classify: the models directory, header values a file may lack, threads. */
export interface ModelInputOptions {
  model?: string;
  water?: string;
  /** false with --no-deconvolve. */
  deconvolve?: boolean;
  force?: boolean;
  allowFailed?: boolean;
  sw?: number;
  frequency?: number;
  te?: number;
  threads: number;
}

export function modelInputOptions(cmd: Command, stem: 'qcnn' | 'ccnn'): Command {
  return cmd
    .option(
      '--model <dir>',
      `models directory with ${stem}.onnx + ${stem}.json (default: the shipped models)`,
    )
    .option(
      '--sw <Hz>',
      'spectral width, for files that do not store it (.RAW)',
      parseNumber('--sw', { min: 1 }),
    )
    .option(
      '--frequency <MHz>',
      'spectrometer frequency, for files that do not store it',
      parseNumber('--frequency', { min: 1 }),
    )
    .option('--te <ms>', 'echo time, for files that do not store it', parseNumber('--te', { min: 0 }))
    .option(
      '--water <file>',
      stem === 'qcnn'
        ? "unsuppressed water reference of the same voxel (one file for every spectrum): mmol/kg and fat fraction, and its water line's lineshape removed from the spectra before the network"
        : "unsuppressed water reference of the same voxel (one file for every spectrum): its water line's lineshape is removed from the spectra before the network",
    )
    .option(
      '--no-deconvolve',
      'with --water: keep the lineshape of the spectra as measured (no reference deconvolution)',
    )
    .option(
      '--force',
      "answer also for spectra outside the model's training range (SNR, linewidth); the status says doubtful",
    )
    .option(
      '--allow-failed',
      'exit 0 even when an answer is failed (default: exit 1 after writing every answer)',
    )
    .option('--threads <k>', 'onnxruntime threads', parseNumber('--threads', { min: 1, integer: true }), 1);
}

/**
 * Exit code 1 (as documented: failure) when any answer is `failed`, after every answer was printed and
 * written; `--allow-failed` keeps exit 0 for batch scripts that read the statuses themselves.
 */
export function exitIfFailed(
  task: 'quantify' | 'classify',
  results: readonly { file: string; status: string; statusReasons: string[] }[],
  allowFailed = false,
): void {
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0 || allowFailed) return;
  const first = failed[0];
  throw new LivermrsError(
    `${task}: ${failed.length} of ${results.length} answer${results.length === 1 ? '' : 's'} failed (${first.file}: ${first.statusReasons.join('; ') || 'no reason given'}${failed.length > 1 ? '; …' : ''}); --allow-failed exits 0`,
  );
}

/**
 * What quantify and classify do first: the model bundle (the --model directory or the shipped models), each
 * file read as one FID (header values from the options where a file lacks them) and prepared as its input.
 */
export async function modelInputs<T extends 'quantify' | 'classify'>(
  files: string[],
  opts: ModelInputOptions,
  task: T,
) {
  const { defaultModelsDir, modelName, readBundle } = await import('../../networks/bundle.js');
  const { prepareForBundle } = await import('../../networks/onnx-inference.js');
  const { readSingleFid } = await import('../../networks/read-spectrum.js');
  const bundle = readBundle(opts.model ?? defaultModelsDir(), task);
  const read = readOptions(opts);
  const fids = files.map((f) => readSingleFid(f, read));
  // Reference deconvolution (preproc/reference-deconvolution.ts) with the voxel's water reference.
  const water =
    opts.water && opts.deconvolve !== false
      ? { fid: readSingleFid(opts.water, read), source: opts.water }
      : undefined;
  const prepared = fids.map((fid, i) => prepareForBundle(fid, bundle, files[i], water));
  // Inside what the network was trained for? The model's guard (or its cohorts' SNR/linewidth range).
  const { checkInput } = await import('../../networks/input-check.js');
  const checks = fids.map((fid, i) => checkInput(bundle, fid, prepared[i], opts.force));
  return { bundle, model: modelName(bundle), read, fids, prepared, checks };
}

/** A batch's summary.csv and summary report.html (src/report/batch-summary.ts) in the output folder. */
export async function writeBatchSummary<R extends { file: string; status: string; statusReasons: string[] }>(
  dir: OutputDir,
  command: 'quantify' | 'classify',
  results: readonly R[],
  folders: readonly string[],
  numbers: (r: R) => [string, number | string][],
): Promise<void> {
  const { batchSummaryCsv, batchSummaryReport } = await import('../../report/batch-summary.js');
  const { writeReportInto } = await import('../../report/write.js');
  const entries = results.map((r, i) => ({
    input: r.file,
    folder: folders[i],
    status: r.status,
    reasons: r.statusReasons,
    numbers: numbers(r),
  }));
  dir.write('summary.csv', batchSummaryCsv(entries));
  await writeReportInto(dir, batchSummaryReport(command, entries), { svg: false, png: false });
}

/** STATUS (reasons), for the one-line summaries. */
export function statusText(r: { status: string; statusReasons: string[] }): string {
  return `${r.status.toUpperCase()}${r.statusReasons.length ? ` (${r.statusReasons.join('; ')})` : ''}`;
}

export function readOptions(o: ModelInputOptions): ReadMrsOptions {
  return {
    dwellTime: o.sw ? 1 / o.sw : undefined,
    spectrometerFrequency: o.frequency,
    echoTime: o.te !== undefined ? o.te / 1000 : undefined,
  };
}
