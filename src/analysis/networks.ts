import { LivermrsError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import { fitWaterReference } from '../fit/water-reference.js';
import type { OutputDir } from '../io/atomic.js';
import { msToSeconds } from '../io/header-values.js';
import { inputName } from '../io/mrs-file.js';
import { resultsJsonText } from './results-schema.js';
import { outputFolders } from '../io/output-names.js';
import {
  defaultModelsDir,
  type LoadedBundle,
  modelName,
  readBundle,
  readEnsemble,
} from '../networks/bundle.js';
import { ensembleInputs, quantifyWithEnsemble } from '../networks/ensemble-run.js';
import type { ClassifyModelMetadata, QuantifyModelMetadata } from '../networks/contract.js';
import { checkInput, type InputCheck } from '../networks/input-check.js';
import type { NetworkInput, WaterReferenceInput } from '../networks/input.js';
import { classifyWithBundle, prepareForBundle } from '../networks/onnx-inference.js';
import { readSingleFid } from '../networks/read-spectrum.js';
import {
  type ClassifyFileResult,
  inputRecord,
  qcnnQuantification,
  type QuantifyFileResult,
  quantificationCsv,
} from '../networks/results.js';
import {
  batchSummaryCsv,
  batchSummaryReport,
  classifyNumbers,
  quantifyNumbers,
} from '../report/batch-summary.js';
import { classifyReport, type NetworkReportOptions, quantifyReport } from '../report/from-network.js';
import { writeReportInto } from '../report/write.js';
import { type AnalysisInput, type HeaderValues, readOptionsOf } from './input.js';

/**
 * `livermrs quantify` and `classify` as library calls: the model bundle (a models directory or the shipped
 * models), each input read once as one FID (header values from the options where a file lacks them), prepared
 * for the network, checked against what the network was trained for (networks/input-check.ts), and answered
 * with its status. Inference runs with onnxruntime-node.
 */
export interface NetworkAnalysisOptions extends Omit<HeaderValues, 'tr' | 'force'> {
  /** Models directory with qcnn|ccnn.onnx + .json (default: the shipped models). */
  model?: string;
  /**
   * Unsuppressed water reference of the same voxel (one for every spectrum): its water line's lineshape is
   * removed from the spectra before the network (preproc/reference-deconvolution.ts); quantify also scales to
   * mmol/kg and gives the fat fraction with it.
   */
  water?: AnalysisInput;
  /** false: keep the spectra's lineshape as measured (no reference deconvolution with `water`). */
  deconvolve?: boolean;
  /** Answer also for spectra outside the model's training range; the status says doubtful. */
  force?: boolean;
  /** onnxruntime threads (default 1). */
  threads?: number;
}

export interface QuantifyFileOptions extends NetworkAnalysisOptions {
  /** Unsuppressed water reference (applies to every spectrum): mmol/kg and the fat fraction. */
  water?: AnalysisInput;
  /** Repetition time (ms) for the water scaling. */
  tr?: number;
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

/** The answers of one quantify or classify call, with what their reports need. */
export interface NetworkAnalyses<R> {
  results: R[];
  /** The spectra as read (for the reports' figures). */
  fids: Fid[];
  /** How the reports show them: the model's window, the shipped-model warning, extra header rows. */
  report: NetworkReportOptions;
}

export interface ClassifyAnalyses extends NetworkAnalyses<ClassifyFileResult> {
  negativeClass: string;
}

async function modelInputs<C extends QuantifyModelMetadata | ClassifyModelMetadata>(
  inputs: AnalysisInput[],
  o: NetworkAnalysisOptions,
  bundle: LoadedBundle<C>,
): Promise<{
  fids: Fid[];
  waterFid?: Fid;
  water?: WaterReferenceInput;
  prepared: NetworkInput[];
  checks: InputCheck[];
}> {
  const read = readOptionsOf(o);
  const fids = inputs.map((f) => readSingleFid(f, read));
  const waterFid = o.water ? readSingleFid(o.water, read) : undefined;
  // Reference deconvolution (preproc/reference-deconvolution.ts) with the voxel's water reference.
  const water =
    o.water && waterFid && o.deconvolve !== false ? { fid: waterFid, source: inputName(o.water) } : undefined;
  const prepared = prepareFor(fids, inputs, bundle, water);
  // Inside what the network was trained for? The model's guard (or its cohorts' SNR/linewidth range).
  const checks = fids.map((fid, i) => checkInput(bundle, fid, prepared[i], o.force));
  return { fids, waterFid, water, prepared, checks };
}

/** Each input prepared for one network (networks/input.ts), with the water reference when one is used. */
function prepareFor(
  fids: Fid[],
  inputs: AnalysisInput[],
  bundle: LoadedBundle,
  water: WaterReferenceInput | undefined,
): NetworkInput[] {
  return fids.map((fid, i) => prepareForBundle(fid, bundle, inputName(inputs[i]), water));
}

/** qCNN amplitudes with predicted SDs (widened by the input guard), and mmol/kg with a water reference. */
export async function quantifyFiles(
  inputs: AnalysisInput[],
  o: QuantifyFileOptions = {},
): Promise<NetworkAnalyses<QuantifyFileResult>> {
  // The qCNN and the further members of its deep ensemble, when there are any (networks/ensemble.ts).
  const members = readEnsemble(o.model ?? defaultModelsDir(), 'quantify');
  const bundle = members[0];
  const model =
    modelName(bundle) + (members.length > 1 ? ` (deep ensemble of ${members.length} networks)` : '');
  const {
    fids,
    waterFid,
    water: reference,
    prepared,
    checks: firstChecks,
  } = await modelInputs(inputs, o, bundle);
  const runs = ensembleInputs(
    members,
    fids,
    { prepared, checks: firstChecks },
    (m) => prepareFor(fids, inputs, m, reference),
    o.force,
  );
  const combined = await quantifyWithEnsemble(members, runs, o.threads ?? 1);
  const answers = combined.map((c) => c.answer);
  const checks = combined.map((c) => c.check);
  const water = waterFid ? fitWaterReference(waterFid) : undefined;
  const results = answers.map((r, i) =>
    qcnnQuantification(r, fids[i], {
      file: inputName(inputs[i]),
      model,
      unit: bundle.contract.targets.unit,
      notes: prepared[i].notes,
      water,
      repetitionTime: msToSeconds(o.tr),
      check: checks[i],
      input: inputRecord(prepared[i], checks[i]),
    }),
  );
  const report: NetworkReportOptions = {
    window: bundle.contract.preprocessing.ppmRange,
    modelWarnings: o.model ? [] : [SHIPPED_MODEL_WARNING.quantify],
    meta: o.water ? [['water reference', inputName(o.water)]] : [],
  };
  return { results, fids, report };
}

/** One spectrum's quantification (quantifyFiles with one input). */
export async function quantifyFile(
  input: AnalysisInput,
  o: QuantifyFileOptions = {},
): Promise<QuantifyFileResult> {
  return (await quantifyFiles([input], o)).results[0];
}

/** cCNN probability of the positive class; no probability for an input outside the training range (unless force). */
export async function classifyFiles(
  inputs: AnalysisInput[],
  o: NetworkAnalysisOptions = {},
): Promise<ClassifyAnalyses> {
  const bundle = readBundle(o.model ?? defaultModelsDir(), 'classify');
  const model = modelName(bundle);
  const { fids, prepared, checks } = await modelInputs(inputs, o, bundle);
  const probs = await classifyWithBundle(bundle, prepared, o.threads ?? 1);
  const [neg, pos] = bundle.contract.classes;
  const threshold = bundle.contract.threshold ?? 0.5;
  const input = (i: number) => inputRecord(prepared[i], checks[i]);
  const results: ClassifyFileResult[] = inputs.map((f, i) => {
    const failed = checks[i].status === 'failed';
    return {
      file: inputName(f),
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
  const report: NetworkReportOptions = {
    window: bundle.contract.preprocessing.ppmRange,
    modelWarnings: o.model ? [] : [SHIPPED_MODEL_WARNING.classify],
  };
  return { results, fids, report, negativeClass: neg };
}

/** One spectrum's classification (classifyFiles with one input). */
export async function classifyFile(
  input: AnalysisInput,
  o: NetworkAnalysisOptions = {},
): Promise<ClassifyFileResult> {
  return (await classifyFiles([input], o)).results[0];
}

/**
 * Writes quantify's outputs into an output folder being staged (io/atomic.ts): per input DIR/<name>/results.json,
 * concentrations.csv, report.html and figures; for several inputs summary.csv and a summary report.
 */
export async function writeQuantifyOutputs(
  dir: OutputDir,
  a: NetworkAnalyses<QuantifyFileResult>,
): Promise<void> {
  const stems = outputFolders(a.results.map((r) => r.file));
  for (const [i, r] of a.results.entries()) {
    dir.write(`${stems[i]}/results.json`, resultsJsonText('quantify', r));
    dir.write(`${stems[i]}/concentrations.csv`, quantificationCsv(r));
    await writeReportInto(dir, quantifyReport(r, a.fids[i], a.report), { subdir: stems[i] });
  }
  if (a.results.length > 1) await writeBatchSummary(dir, 'quantify', a.results, stems, quantifyNumbers);
}

/** Writes classify's outputs: per input DIR/<name>/results.json, report.html and figures; a summary for several. */
export async function writeClassifyOutputs(dir: OutputDir, a: ClassifyAnalyses): Promise<void> {
  const stems = outputFolders(a.results.map((r) => r.file));
  for (const [i, r] of a.results.entries()) {
    dir.write(`${stems[i]}/results.json`, resultsJsonText('classify', r));
    await writeReportInto(dir, classifyReport(r, a.fids[i], a.negativeClass, a.report), { subdir: stems[i] });
  }
  if (a.results.length > 1) await writeBatchSummary(dir, 'classify', a.results, stems, classifyNumbers);
}

/** A batch's summary.csv and summary report.html (src/report/batch-summary.ts) in the output folder. */
async function writeBatchSummary<R extends { file: string; status: string; statusReasons: string[] }>(
  dir: OutputDir,
  command: 'quantify' | 'classify',
  results: readonly R[],
  folders: readonly string[],
  numbers: (r: R) => [string, number | string][],
): Promise<void> {
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

/**
 * The error of a quantify or classify run when any answer is `failed` (exit code 1 as documented: failure),
 * raised after every answer was printed and written; undefined when none failed or `allowFailed` (batch scripts
 * that read the statuses themselves).
 */
export function failedAnswersError(
  task: 'quantify' | 'classify',
  results: readonly { file: string; status: string; statusReasons: string[] }[],
  allowFailed = false,
): LivermrsError | undefined {
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length === 0 || allowFailed) return undefined;
  const first = failed[0];
  return new LivermrsError(
    `${task}: ${failed.length} of ${results.length} answer${results.length === 1 ? '' : 's'} failed (${first.file}: ${first.statusReasons.join('; ') || 'no reason given'}${failed.length > 1 ? '; …' : ''}); --allow-failed exits 0`,
  );
}
