import type { Command } from 'commander';
import type { FitResult } from '../../fit/fit.js';
import { liverScaling, quantify } from '../../fit/quantify.js';
import { fitWaterReference } from '../../fit/water-reference.js';
import { withOutputDir } from '../../io/atomic.js';
import type { ReadMrsOptions } from '../../io/read.js';
import { defaultLiverBasis } from '../../physics/index.js';
import { readBundle } from '../../study/model-bundle.js';
import { prepareForBundle, quantifyWithBundle } from '../../study/onnx-inference.js';
import { defaultModelsDir, readSingleFid } from '../../study/read-spectrum.js';
import { toJsonText } from '../../study/study-output.js';
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
    .option('--water <file>', 'unsuppressed water reference (one file: applies to every spectrum)')
    .option('--tr <ms>', 'repetition time (water scaling; default 1500)', parseNumber('--tr', { min: 0 }))
    .option('--out <dir>', 'write results.json and concentrations.csv per file into DIR/<name>/')
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
      const bundle = readBundle(opts.model ?? defaultModelsDir(), 'quantify');
      const read = readOptions(opts);
      const fids = files.map((f) => readSingleFid(f, read));
      const prepared = fids.map((fid, i) => prepareForBundle(fid, bundle, files[i]));
      const results = await quantifyWithBundle(bundle, prepared, opts.threads);
      const water = opts.water ? fitWaterReference(readSingleFid(opts.water, read)) : undefined;
      const protons = defaultLiverBasis().components ?? {};
      const out = results.map((r, i) => {
        const fid = fids[i];
        // The quantification module works on fit results: give it the qCNN's amplitudes and SDs.
        const asFit = {
          components: r.components.map((name, k) => ({
            name,
            group: /^L\d\d$/.test(name) ? 'lipid' : 'metabolite',
            amplitude: r.values[k],
            crlb: r.sd[k],
            crlbPercent: r.values[k] > 0 ? (100 * r.sd[k]) / r.values[k] : Number.POSITIVE_INFINITY,
            ...(protons[name]?.protons !== undefined ? { protons: protons[name].protons } : {}),
          })),
          combined: [],
          covariance: Float64Array.from({ length: r.components.length ** 2 }, (_, j) => {
            const a = Math.floor(j / r.components.length);
            return j % r.components.length === a ? r.sd[a] ** 2 : 0;
          }),
        } as unknown as FitResult;
        const q = quantify(asFit, {
          water,
          scaling: water
            ? liverScaling(
                fid.echoTime ?? 0.03,
                opts.tr !== undefined ? opts.tr / 1000 : (fid.repetitionTime ?? 1.5),
              )
            : undefined,
        });
        return {
          file: files[i],
          model: bundle.contract.name,
          notes: prepared[i].notes,
          unit: q.unit ?? bundle.contract.targets.unit,
          components: q.components.map((c) => ({
            name: c.name,
            amplitude: c.amplitude,
            sd: c.crlb,
            sdPercent: c.crlbPercent,
            ...(c.concentration !== undefined
              ? { concentration: c.concentration, concentrationSd: c.concentrationSd }
              : {}),
          })),
          fatFraction: q.fatFraction ? { percent: q.fatFraction.percent, sd: q.fatFraction.sd } : null,
          warnings: q.warnings,
        };
      });
      if (opts.out) {
        await withOutputDir(opts.out, (dir) => {
          for (const r of out) {
            const stem = (r.file.split('/').pop() ?? 'spectrum').replace(/(\.nii)?(\.gz)?$|\.[^.]+$/i, '');
            dir.write(`${stem}/results.json`, toJsonText(r));
            const lines = ['name,amplitude,sd,sd_percent,concentration,concentration_sd'];
            for (const c of r.components) {
              const v = c as { concentration?: number; concentrationSd?: number };
              lines.push(
                [c.name, c.amplitude, c.sd, c.sdPercent, v.concentration ?? '', v.concentrationSd ?? '']
                  .map((x) =>
                    typeof x === 'number' ? (Number.isFinite(x) ? Number(x.toPrecision(6)) : '') : x,
                  )
                  .join(','),
              );
            }
            dir.write(`${stem}/concentrations.csv`, `${lines.join('\n')}\n`);
          }
        });
      }
      if (opts.json) printJson(out.length === 1 ? out[0] : out);
      else {
        for (const r of out) {
          process.stdout.write(`${r.file}  (${r.model}; ${r.unit})\n`);
          for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
          for (const c of r.components) {
            const v = c as { concentration?: number; concentrationSd?: number };
            const value = v.concentration ?? c.amplitude;
            const sd = v.concentrationSd ?? c.sd;
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
    });
}

/** Options shared by quantify and classify: the models directory, header values a file may lack, threads. */
export interface ModelInputOptions {
  model?: string;
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
    .option('--threads <k>', 'onnxruntime threads', parseNumber('--threads', { min: 1, integer: true }), 1);
}

export function readOptions(o: ModelInputOptions): ReadMrsOptions {
  return {
    dwellTime: o.sw ? 1 / o.sw : undefined,
    spectrometerFrequency: o.frequency,
    echoTime: o.te !== undefined ? o.te / 1000 : undefined,
  };
}
