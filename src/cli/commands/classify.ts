import type { Command } from 'commander';
import { readBundle } from '../../study/model-bundle.js';
import { classifyWithBundle, prepareForBundle } from '../../study/onnx-inference.js';
import { defaultModelsDir, readSingleFid } from '../../study/read-spectrum.js';
import { printJson } from '../options.js';
import { type ModelInputOptions, modelInputOptions, readOptions } from './quantify.js';

interface ClassifyOptions extends ModelInputOptions {
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
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  livermrs classify liver.nii.gz
  livermrs classify patients/*.nii.gz --json
  livermrs classify liver.nii.gz --model out/study/models`,
    )
    .action(async (files: string[], opts: ClassifyOptions) => {
      const bundle = readBundle(opts.model ?? defaultModelsDir(), 'classify');
      const read = readOptions(opts);
      const prepared = files.map((f) => prepareForBundle(readSingleFid(f, read), bundle, f));
      const probs = await classifyWithBundle(bundle, prepared, opts.threads);
      const [neg, pos] = bundle.contract.classes;
      const threshold = bundle.contract.threshold ?? 0.5;
      const out = files.map((file, i) => ({
        file,
        model: bundle.contract.name,
        probability: probs[i],
        positiveClass: pos,
        predicted: probs[i] >= threshold ? pos : neg,
        threshold,
        notes: prepared[i].notes,
      }));
      if (opts.json) printJson(out.length === 1 ? out[0] : out);
      else {
        for (const r of out) {
          process.stdout.write(`${r.file}: P(${pos}) = ${r.probability.toFixed(3)} -> ${r.predicted}\n`);
          for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
        }
      }
    });
}
