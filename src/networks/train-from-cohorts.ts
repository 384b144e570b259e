import { LIVER_DEFAULTS, type RealismLevel } from '../core/acquisition.js';
import { UsageError } from '../core/errors.js';
import { loadCohort, loadCohortBasis } from '../simulate/cohort-files.js';
import { trainingRealism } from '../simulate/lineshape-files.js';
import { DEFAULT_CANONICAL_FRAME } from '../spectra/canonical.js';
import { architecture } from './architectures.js';
import { type CcnnModel, trainCcnn } from './ccnn.js';
import { cohortGrid, cohortProtocol, combineCohorts } from './cohorts.js';
import { calibrateGuard } from './guard-calibration.js';
import { inputPipeline } from './input.js';
import { userLineshapes } from './lineshapes.js';
import { predictQcnn, type QcnnModel, trainQcnn } from './qcnn.js';
import type { CANONICAL_FRAMES, NetworkKind, QCNN_LAYOUTS } from './train-options.js';

/** A network to train on spectra simulated from cohorts (`livermrs train`; defaults in train-options.ts). */
export interface TrainRequest {
  /** Built-in cohort names or YAML files (one protocol). */
  cohorts: string[];
  kind: NetworkKind;
  /** Groups to use (ccnn: negative, positive); default every group of the cohort(s). */
  groups?: string[];
  spectra: number;
  epochs: number;
  validation: number;
  seed: number;
  architecture: string;
  layout: (typeof QCNN_LAYOUTS)[number];
  members: number;
  /** libtorch threads. */
  threads: number;
  /** Simulation worker threads. */
  simThreads: number;
  realism: RealismLevel;
  canonical: (typeof CANONICAL_FRAMES)[number];
  /** Water-unsuppressed files whose water lines join the training lineshapes. */
  lineshapes?: string[];
  /** Model name shown by tools (default: kind, cohort and protocol). */
  name?: string;
}

/** A trained network with what its bundle records (networks/bundle.ts writeBundle). */
export interface TrainedNetwork {
  trained: Awaited<ReturnType<typeof trainQcnn>> | Awaited<ReturnType<typeof trainCcnn>>;
  name: string;
  guard: Awaited<ReturnType<typeof calibrateGuard>>;
}

/**
 * Trains a qCNN or cCNN on spectra simulated on the fly from the cohorts' priors, then calibrates its input guard
 * on spectra simulated like the training spectra. `say` receives one line per epoch and step.
 */
export async function trainFromCohorts(
  r: TrainRequest,
  say: (line: string) => void,
): Promise<TrainedNetwork> {
  const loaded = r.cohorts.map((c) => loadCohort(c));
  const cohort =
    loaded.length === 1
      ? loaded[0].cohort
      : combineCohorts(loaded, loaded.map((l) => l.cohort.name).join('+'));
  const all = Object.keys(cohort.groups);
  const groups = r.groups ?? all;
  for (const g of groups) {
    if (!all.includes(g))
      throw new UsageError(`--groups: '${g}' is not a group of the cohort (${all.join(', ')})`);
  }
  if (r.kind === 'ccnn' && groups.length !== 2) {
    throw new UsageError(
      `a cCNN needs exactly two groups (negative,positive); the cohort has ${groups.join(', ')}`,
    );
  }
  const basis = loadCohortBasis(loaded[0]);
  const extra = r.lineshapes ? userLineshapes(r.lineshapes) : [];
  const source = {
    cohort,
    basis,
    groups,
    pipeline: inputPipeline(
      cohortGrid(cohort),
      undefined,
      r.canonical === 'none' ? null : DEFAULT_CANONICAL_FRAME,
    ),
    threads: r.simThreads,
    realism: trainingRealism(r.realism, extra),
  };
  const common = {
    source,
    protocol: cohortProtocol(cohort),
    architecture: architecture(r.architecture),
    seed: r.seed,
    spectra: r.spectra,
    epochs: r.epochs,
    validation: r.validation,
    threads: r.threads,
    onEpoch: (e: { epoch: number; trainLoss: number; validationLoss?: number; seconds: number }) =>
      say(
        `epoch ${e.epoch + 1}/${r.epochs}: train loss ${e.trainLoss.toFixed(4)}, validation ${e.validationLoss?.toFixed(4)} (${e.seconds.toFixed(0)} s)`,
      ),
  };
  const trained =
    r.kind === 'qcnn'
      ? await trainQcnn({ ...common, layout: r.layout })
      : await trainCcnn({ ...common, members: r.members });
  const name =
    r.name ??
    `${r.kind === 'qcnn' ? 'qCNN' : 'cCNN'} ${cohort.name} (${cohort.protocol.spectrometerFrequency} MHz, ${cohort.protocol.sequence ?? LIVER_DEFAULTS.sequence.toUpperCase()} TE ${cohort.protocol.echoTime ?? '?'} ms)`;
  say('calibrating the input guard on 4000 spectra simulated like the training spectra');
  const model: QcnnModel | CcnnModel = trained.model;
  const guard = await calibrateGuard({
    source,
    seed: r.seed * 7 + 5,
    ...(model.kind === 'qcnn' ? { predict: (b) => predictQcnn(trained.net, model, b) } : {}),
  });
  return { trained, name, guard };
}

/** The summary `livermrs train --json` prints. */
export function trainSummary(t: TrainedNetwork, out: string, kind: NetworkKind, files: string[]) {
  const { trained } = t;
  return {
    out,
    kind,
    files,
    seconds: Number(trained.seconds.toFixed(1)),
    epochs: trained.history.length,
    parameters: trained.net.parameterCount,
    ...(trained.model.kind === 'ccnn'
      ? { calibration: trained.model.calibration }
      : { varianceScale: trained.model.varianceScale }),
  };
}
