import type { Command } from 'commander';
import { withOutputDir } from '../../io/atomic.js';
import { printJson } from '../options.js';
import { type ModelInputOptions, modelInputOptions } from './quantify.js';

interface ClassifyOptions extends ModelInputOptions {
  out?: string;
  json?: boolean;
}

/** `livermrs classify`: cCNN probability of the positive group (LC-HCC) per spectrum (ONNX, no libtorch). */
export function register(program: Command): void {
  const cmd = program
    .command('classify')
    .description(
      "Probability that a liver spectrum comes from the cCNN's positive group (LC-HCC vs LC for the shipped model), " +
        'calibrated on simulated data, for a class prior of 0.5. The shipped model is trained on ILLUSTRATIVE ' +
        'priors: train your own from your patients with livermrs study --manifest or livermrs train.',
    )
    .argument('<files...>', 'spectra (NIfTI-MRS, Siemens, Philips, GE, jMRUI, LCModel .RAW)');
  modelInputOptions(cmd, 'ccnn')
    .option(
      '--out <dir>',
      'write results.json and report.html (+ figures/*.svg|png) per file into DIR/<name>/',
    )
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  livermrs classify liver.nii.gz
  livermrs classify patients/*.nii.gz --json
  livermrs classify liver.nii.gz --out out/c
  livermrs classify liver.nii.gz --model out/study/models`,
    )
    .action(async (files: string[], opts: ClassifyOptions) => {
      // onnxruntime-node, the readers and the report code load here, not at start-up.
      const { classifyFiles, failedAnswersError, writeClassifyOutputs } = await import(
        '../../analysis/networks.js'
      );
      const { classifyText } = await import('../../report/from-network.js');
      const analyses = await classifyFiles(files, opts);
      const out = analyses.results;
      if (opts.out) await withOutputDir(opts.out, (dir) => writeClassifyOutputs(dir, analyses));
      if (opts.json) printJson(out.length === 1 ? out[0] : out);
      else for (const r of out) process.stdout.write(classifyText(r));
      const failed = failedAnswersError('classify', out, opts.allowFailed);
      if (failed) throw failed;
    });
}
