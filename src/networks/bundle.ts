import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { OutputDir } from '../io/atomic.js';
import type { Network } from '../nn/engine.js';
import type { CcnnModel } from './ccnn.js';
import type { InputPipeline, ModelPreprocessing, ModelProtocol } from './input.js';
import type { QcnnModel } from './qcnn.js';
import { parseModelMetadata } from '../web/model-bundle.js';

/**
 * A trained network as files, for `livermrs quantify` / `classify`, the web app and other tools:
 *
 *   <stem>.onnx           the graph (input `input` [batch, 2, points]; outputs `mean`+`logvar` or `logit`)
 *   <stem>.json           the web app's model contract (docs/web.md): preprocessing, components/classes, heads,
 *                         target scaling; nothing else (its schema is strict)
 *   <stem>.training.json  what livermrs adds: the acquisition protocol the model is for (checked against every
 *                         input file), the simulator's preprocessing, training settings and seeds, calibration
 *   <stem>.lmnn           the libtorch network with all of the above as metadata (to fine-tune or inspect)
 *
 * Stems: `qcnn` (task quantify) and `ccnn` (task classify).
 */
export const BUNDLE_STEMS = { quantify: 'qcnn', classify: 'ccnn' } as const;

export interface QuantifyContract {
  format: 'livermrs-model';
  version: 1;
  task: 'quantify';
  name: string;
  description: string;
  input: { name: string };
  preprocessing: ModelPreprocessing;
  components: string[];
  groups: Record<string, string>;
  heads: { mean: string; logvar: string };
  targets: { unit: string; scale: number[]; offset: number[]; scaleByInputNorm: boolean };
}

export interface ClassifyContract {
  format: 'livermrs-model';
  version: 1;
  task: 'classify';
  name: string;
  description: string;
  input: { name: string };
  preprocessing: ModelPreprocessing;
  classes: [string, string];
  heads: { logit: string };
  threshold: number;
}

/** The livermrs side file: protocol and provenance. */
export interface TrainingRecord {
  format: 'livermrs-training';
  version: 1;
  task: 'quantify' | 'classify';
  protocol: ModelProtocol;
  pipeline: InputPipeline;
  model: QcnnModel | CcnnModel;
  /** How to make it again. */
  command?: string;
  created: string;
}

const AMPLITUDE_UNIT = 'basis units (mmol/kg when the spectrum is scaled to its water reference)';

/** Said in the description of every model trained on priors that are illustrative, not from patients. */
export const ILLUSTRATIVE_NOTE =
  ' Trained on ILLUSTRATIVE cohort priors (literature trends, not patient data): not for clinical decisions.';

function illustrativeNote(training: Record<string, unknown>): string {
  return training.illustrative === true ? ILLUSTRATIVE_NOTE : '';
}

export function quantifyContract(m: QcnnModel, name: string): QuantifyContract {
  const lipid = (c: string) => /^L\d\d$/.test(c);
  return {
    format: 'livermrs-model',
    version: 1,
    task: 'quantify',
    name,
    description: `qCNN: ${m.components.length} amplitudes with predicted SDs; trained on cohort ${String(
      m.training.cohort,
    )}, ${String(m.training.spectra)} simulated spectra (livermrs train).${illustrativeNote(m.training)}`,
    input: { name: 'input' },
    preprocessing: m.pipeline.model,
    components: [...m.components],
    groups: Object.fromEntries(m.components.map((c) => [c, lipid(c) ? 'lipid' : 'metabolite'])),
    heads: { mean: 'mean', logvar: 'logvar' },
    targets: {
      unit: AMPLITUDE_UNIT,
      scale: [...m.targets.scale],
      offset: [...m.targets.offset],
      scaleByInputNorm: true,
    },
  };
}

export function classifyContract(m: CcnnModel, name: string): ClassifyContract {
  return {
    format: 'livermrs-model',
    version: 1,
    task: 'classify',
    name,
    description: `cCNN: probability of ${m.classes[1]} (vs ${m.classes[0]}) for a class prior of ${
      m.trainingPrior
    }; ${m.members > 1 ? `ensemble of ${m.members} networks, ` : ''}temperature-calibrated (T = ${m.temperature.toFixed(
      3,
    )}); trained on cohort ${String(m.training.cohort)} (livermrs train).${illustrativeNote(m.training)}`,
    input: { name: 'input' },
    preprocessing: m.pipeline.model,
    classes: [m.classes[0], m.classes[1]],
    heads: { logit: 'logit' },
    threshold: 0.5,
  };
}

/** Writes <stem>.onnx, .json, .training.json and .lmnn into `out` (a staged output directory). */
export function writeBundle(
  out: OutputDir,
  net: Network,
  model: QcnnModel | CcnnModel,
  opts: { name: string; command?: string; prefix?: string },
): string[] {
  const task = model.kind === 'qcnn' ? 'quantify' : 'classify';
  const stem = `${opts.prefix ?? ''}${BUNDLE_STEMS[task]}`;
  const contract =
    model.kind === 'qcnn' ? quantifyContract(model, opts.name) : classifyContract(model, opts.name);
  const record: TrainingRecord = {
    format: 'livermrs-training',
    version: 1,
    task,
    protocol: model.protocol,
    pipeline: model.pipeline,
    model,
    ...(opts.command ? { command: opts.command } : {}),
    created: new Date().toISOString(),
  };
  const metadata = { contract, training: record } as unknown as Record<string, unknown>;
  net.metadata = metadata;
  out.write(`${stem}.onnx`, net.toOnnx({ metadata }));
  out.write(`${stem}.json`, `${JSON.stringify(contract, null, 2)}\n`);
  out.write(`${stem}.training.json`, `${JSON.stringify(record, null, 2)}\n`);
  out.write(`${stem}.lmnn`, net.toBytes(metadata));
  return ['onnx', 'json', 'training.json', 'lmnn'].map((e) => `${stem}.${e}`);
}

export interface LoadedBundle<C> {
  dir: string;
  onnx: string;
  contract: C;
  /** Absent for bundles made by other tools: then the protocol is not checked. */
  record?: TrainingRecord;
}

/** Reads <dir>/<stem>.json (+ .training.json) and checks the fields this package relies on. */
export function readBundle<T extends 'quantify' | 'classify'>(
  dir: string,
  task: T,
): LoadedBundle<T extends 'quantify' ? QuantifyContract : ClassifyContract> {
  const stem = BUNDLE_STEMS[task];
  const onnx = join(dir, `${stem}.onnx`);
  const jsonFile = join(dir, `${stem}.json`);
  for (const f of [onnx, jsonFile]) {
    if (!existsSync(f)) {
      throw new InputError('model file not found', {
        file: f,
        expected: `a models directory with ${stem}.onnx and ${stem}.json (livermrs train --kind ${stem} --out DIR)`,
      });
    }
  }
  // The web app's schema (src/web/model-bundle.ts) is the contract: what passes it runs in the browser too.
  const contract = parseModelMetadata(readJson(jsonFile), jsonFile);
  if (contract.task !== task) {
    throw new InputError(`task '${contract.task}'`, { file: jsonFile, field: 'task', expected: `'${task}'` });
  }
  const recordFile = join(dir, `${stem}.training.json`);
  const record = existsSync(recordFile) ? (readJson(recordFile) as TrainingRecord) : undefined;
  return { dir, onnx, contract: contract as never, record };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file }, { cause: err });
  }
}
