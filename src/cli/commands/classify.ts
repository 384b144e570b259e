import type { Command } from 'commander';
import { withOutputDir } from '../../io/atomic.js';
import type { NetworkReportOptions } from '../../report/from-network.js';
import type { ClassifyFileResult } from '../../networks/results.js';
import { printJson } from '../options.js';
import { outputFolders } from '../../io/output-names.js';
import {
  type ModelInputOptions,
  modelInputOptions,
  exitIfFailed,
  modelInputs,
  writeBatchSummary,
  SHIPPED_MODEL_WARNING,
  statusText,
} from './quantify.js';

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
      const { classifyWithBundle } = await import('../../networks/onnx-inference.js');
      const { classifyReport } = await import('../../report/from-network.js');
      const { writeReportInto } = await import('../../report/write.js');
      const { toJson } = await import('../json.js');
      const { bundle, model, fids, prepared, checks } = await modelInputs(files, opts, 'classify');
      const probs = await classifyWithBundle(bundle, prepared, opts.threads);
      const [neg, pos] = bundle.contract.classes;
      const threshold = bundle.contract.threshold ?? 0.5;
      const { inputRecord } = await import('../../networks/results.js');
      const input = (i: number) => inputRecord(prepared[i], checks[i]);
      const out: ClassifyFileResult[] = files.map((file, i) => {
        const failed = checks[i].status === 'failed';
        return {
          file,
          model,
          status: checks[i].status,
          statusReasons: checks[i].reasons,
          probability: failed ? null : probs[i],
          positiveClass: pos,
          predicted: failed ? null : probs[i] >= threshold ? pos : neg,
          threshold,
          notes: prepared[i].notes,
          ...(input(i) ? { input: input(i) } : {}),
        };
      });
      if (opts.out) {
        const report: NetworkReportOptions = {
          window: bundle.contract.preprocessing.ppmRange,
          modelWarnings: opts.model ? [] : [SHIPPED_MODEL_WARNING.classify],
        };
        const stems = outputFolders(files);
        await withOutputDir(opts.out, async (dir) => {
          for (const [i, r] of out.entries()) {
            dir.write(`${stems[i]}/results.json`, `${toJson(r)}\n`);
            await writeReportInto(dir, classifyReport(r, fids[i], neg, report), { subdir: stems[i] });
          }
          if (files.length > 1) {
            const { classifyNumbers } = await import('../../report/batch-summary.js');
            await writeBatchSummary(dir, 'classify', out, stems, classifyNumbers);
          }
        });
      }
      if (opts.json) printJson(out.length === 1 ? out[0] : out);
      else {
        for (const r of out) {
          process.stdout.write(
            r.probability === null
              ? `${r.file}: ${statusText(r)}\n`
              : `${r.file}: P(${pos}) = ${r.probability.toFixed(3)} -> ${r.predicted}  ${statusText(r)}\n`,
          );
          for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
        }
      }
      exitIfFailed('classify', out, opts.allowFailed);
    });
}
