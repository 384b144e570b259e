import type { Command } from 'commander';
import { withOutputDir } from '../../io/atomic.js';
import { LIVER_DEFAULTS, toMs } from '../../core/acquisition.js';
import { parseNumber, printJson } from '../options.js';

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
      const { failedAnswersError, quantifyFiles, writeQuantifyOutputs } = await import(
        '../../analysis/networks.js'
      );
      const { quantifyText } = await import('../../report/from-network.js');
      const analyses = await quantifyFiles(files, opts);
      const out = analyses.results;
      if (opts.out) await withOutputDir(opts.out, (dir) => writeQuantifyOutputs(dir, analyses));
      if (opts.json) printJson(out.length === 1 ? out[0] : out);
      else for (const r of out) process.stdout.write(quantifyText(r));
      const failed = failedAnswersError('quantify', out, opts.allowFailed);
      if (failed) throw failed;
    });
}

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
