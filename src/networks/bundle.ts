import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import type { OutputDir } from '../io/atomic.js';
import type { Network } from '../nn/engine.js';
import type { CcnnModel } from './ccnn.js';
import type { GuardModel } from './guard.js';
import {
  bundleFiles,
  type ClassifyModelMetadata,
  type ContractOf,
  type ModelMetadata,
  type ModelTask,
  parseContract,
  type QuantifyModelMetadata,
  MAX_ENSEMBLE_MEMBERS,
  memberPrefix,
} from './contract.js';
import type { InputPipeline, ModelProtocol } from './input.js';
import { componentGroup } from './interpret.js';
import type { QcnnModel } from './qcnn.js';

/** The livermrs side file (<stem>.training.json): protocol and provenance. */
export interface TrainingRecord {
  format: 'livermrs-training';
  version: 1;
  task: ModelTask;
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

export function quantifyContract(m: QcnnModel, name: string): QuantifyModelMetadata {
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
    groups: Object.fromEntries(m.components.map((c) => [c, componentGroup(c)])),
    heads: { mean: 'mean', logvar: 'logvar' },
    targets: {
      unit: AMPLITUDE_UNIT,
      scale: [...m.targets.scale],
      offset: [...m.targets.offset],
      scaleByInputNorm: true,
    },
  };
}

export function classifyContract(m: CcnnModel, name: string): ClassifyModelMetadata {
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

/**
 * Writes a trained network as the four files of contract.ts bundleFiles (<stem>.onnx, .json, .training.json,
 * .lmnn) into `out` (a staged output directory), for `livermrs quantify` / `classify`, the web app and other
 * tools. Stems: `qcnn` (task quantify) and `ccnn` (task classify).
 */
export function writeBundle(
  out: OutputDir,
  net: Network,
  model: QcnnModel | CcnnModel,
  opts: { name: string; command?: string; prefix?: string; guard?: GuardModel },
): string[] {
  const task = model.kind === 'qcnn' ? 'quantify' : 'classify';
  const files = bundleFiles(task, opts.prefix);
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
  out.write(files.onnx, net.toOnnx({ metadata }));
  out.write(files.contract, `${JSON.stringify(contract, null, 2)}\n`);
  out.write(files.training, `${JSON.stringify(record, null, 2)}\n`);
  out.write(files.network, net.toBytes(metadata));
  if (opts.guard) out.write(files.guard, `${JSON.stringify(opts.guard)}\n`);
  return [files.onnx, files.contract, files.training, files.network, ...(opts.guard ? [files.guard] : [])];
}

export interface LoadedBundle<C extends ModelMetadata = ModelMetadata> {
  dir: string;
  onnx: string;
  contract: C;
  /** Absent for bundles made by other tools: then the protocol is not checked. */
  record?: TrainingRecord;
  /** The input guard (guard.ts), for models trained with one (<stem>.guard.json). */
  guard?: GuardModel;
}

/** Reads <dir>/<stem>.json (+ .training.json) and checks it against the contract's schema (contract.ts). */
export function readBundle<T extends ModelTask>(
  dir: string,
  task: T,
  prefix = '',
): LoadedBundle<ContractOf<T>> {
  const files = bundleFiles(task, prefix);
  const onnx = join(dir, files.onnx);
  const jsonFile = join(dir, files.contract);
  for (const f of [onnx, jsonFile]) {
    if (!existsSync(f)) {
      throw new InputError('model file not found', {
        file: f,
        expected: `a models directory with ${files.onnx} and ${files.contract} (livermrs train --kind ${files.stem} --out DIR)`,
      });
    }
  }
  // What passes the schema here runs in the browser too.
  const contract = parseContract(readJson(jsonFile), jsonFile, task);
  const recordFile = join(dir, files.training);
  const record = existsSync(recordFile) ? (readJson(recordFile) as TrainingRecord) : undefined;
  const guardFile = join(dir, files.guard);
  const guard = existsSync(guardFile) ? readGuard(guardFile, contract.preprocessing) : undefined;
  return { dir, onnx, contract, record, ...(guard ? { guard } : {}) };
}

/** The model and the further members of its deep ensemble beside it (member2-qcnn.*, …; contract.ts). */
export function readEnsemble<T extends ModelTask>(dir: string, task: T): LoadedBundle<ContractOf<T>>[] {
  const members = [readBundle(dir, task)];
  for (let k = 2; k <= MAX_ENSEMBLE_MEMBERS; k++) {
    if (!existsSync(join(dir, bundleFiles(task, memberPrefix(k)).contract))) break;
    members.push(readBundle(dir, task, memberPrefix(k)));
  }
  return members;
}

function readGuard(file: string, prep: { points: number; channels: string[] }): GuardModel {
  const g = readJson(file) as GuardModel;
  const length = prep.points * prep.channels.length;
  if (g?.format !== 'livermrs-guard' || g.length !== length || g.mean?.length !== length) {
    throw new InputError('not the guard of this model', {
      file,
      field: 'format/length',
      expected: `a livermrs-guard for ${length} input values`,
    });
  }
  return g;
}

/** The name a model goes by in results and reports: its contract's, else its ONNX file's. */
export function modelName(bundle: LoadedBundle): string {
  return bundle.contract.name ?? basename(bundle.onnx);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, { file }, { cause: err });
  }
}

/** `<package>/models`, the shipped models (found from src/networks or dist/src/networks). */
export function defaultModelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'models');
    const has = (task: ModelTask) => existsSync(join(candidate, bundleFiles(task).contract));
    if (has('quantify') || has('classify')) return candidate;
    dir = dirname(dir);
  }
  throw new InputError('no shipped models found', {
    file: 'models/',
    expected: 'the package models directory, or --model DIR (make one with livermrs train)',
  });
}
