import { z } from 'zod';
import { InputError } from '../core/errors.js';

/**
 * The model-bundle contract of the qCNN and cCNN: what `livermrs train` and `livermrs study` write, and what
 * `livermrs quantify`/`classify`, the web app and any other consumer of an exported network read. One zod
 * schema, so that what passes it in the CLI runs in the browser too.
 *
 * A models directory holds, per network, an ONNX file and a JSON metadata file of the same stem (MODEL_FILES):
 *   qcnn.onnx + qcnn.json   task 'quantify': per-component estimates, optionally a log-variance head
 *   ccnn.onnx + ccnn.json   task 'classify': a logit (one output: sigmoid) or two logits (softmax, class 1)
 * The ONNX graph takes one float32 input `[batch, channels, points]` (name in `input.name`, default 'input',
 * as src/nn's exporter writes it) and has one output per head, named as in `heads`. livermrs adds two files of
 * its own beside them (bundleFiles: the training record and the libtorch network, see bundle.ts).
 *
 * The JSON file says how a spectrum becomes the input tensor (`preprocessing`, implemented once in
 * networks/input.ts so training and inference agree) and how outputs become numbers (`targets`, implemented in
 * networks/interpret.ts). See docs/web.md for an example of each file.
 */
const preprocessingSchema = z.strictObject({
  /** Chemical-shift window [lo, hi] in ppm that the network sees. */
  ppmRange: z.tuple([z.number(), z.number()]).refine(([a, b]) => a < b, 'lo must be below hi'),
  /** Samples across the window: the spectrum is interpolated onto a uniform grid from hi down to lo ppm. */
  points: z.int().min(2),
  /** Input channels, in order. */
  channels: z.array(z.enum(['real', 'imag', 'magnitude'])).min(1),
  /** Divide the windowed spectrum by its largest magnitude ('max-magnitude'), its L2 norm ('l2'), or nothing. */
  normalisation: z.enum(['max-magnitude', 'l2', 'none']),
  /** Exponential line broadening (Hz) applied to the FID before the FFT. Default 0. */
  lineBroadeningHz: z.number().min(0).optional(),
  /**
   * Dwell time (s) of the grid the network was trained on. A spectrum sampled with another dwell time is
   * multiplied by dwell_data / dwellTime before the window is taken: the unnormalised FFT sums the samples, so a
   * peak of the same FID amplitude is 1/dwell times as high. Changes only the input normalisation factor, i.e.
   * estimates scaled by it (`targets.scaleByInputNorm`). Default: no scaling.
   */
  dwellTime: z.number().positive().optional(),
  /**
   * Canonical frame (spectra/canonical.ts) applied to the FID before the window: frequency and zero-order phase
   * referenced on the largest peak within ±searchPpm of peakPpm, moved to peakPpm with zero phase. Absent: none.
   */
  canonical: z
    .strictObject({
      method: z.literal('lipid-peak'),
      peakPpm: z.number(),
      searchPpm: z.number().positive(),
    })
    .optional(),
});

const targetsSchema = z.strictObject({
  /** Unit of the de-standardised estimates, e.g. 'mmol/kg' or 'a.u.'. */
  unit: z.string(),
  /** Per-output standardisation to undo: value = raw * scale[k] + offset[k] (defaults 1 and 0). */
  scale: z.array(z.number()).optional(),
  offset: z.array(z.number()).optional(),
  /** Multiply estimates (and SDs) by the input normalisation factor (networks trained on normalised spectra
   *  that predict amplitudes relative to the data scale). Default false. */
  scaleByInputNorm: z.boolean().optional(),
});

const inputSchema = z
  .strictObject({
    name: z.string().default('input'),
  })
  .default({ name: 'input' });

/** The fields of both tasks that describe the model and its input (they follow `task`). */
const described = {
  name: z.string().optional(),
  description: z.string().optional(),
  input: inputSchema,
  preprocessing: preprocessingSchema,
};
const FORMAT = { format: z.literal('livermrs-model'), version: z.literal(1) };

const quantifySchema = z.strictObject({
  ...FORMAT,
  task: z.literal('quantify'),
  ...described,
  /** Output index k is component components[k]. */
  components: z.array(z.string()).min(1),
  /** Optional display group per component ('metabolite', 'lipid'); default: L + two digits is a lipid. */
  groups: z.record(z.string(), z.string()).optional(),
  heads: z.strictObject({
    /** Output name of the estimates [batch, K]. */
    mean: z.string(),
    /** Output name of the log-variances [batch, K] (in standardised units), if the network has one. */
    logvar: z.string().optional(),
  }),
  targets: targetsSchema,
});

const classifySchema = z.strictObject({
  ...FORMAT,
  task: z.literal('classify'),
  ...described,
  /** [negative, positive] class labels, e.g. ['LC', 'LC-HCC']. */
  classes: z.tuple([z.string(), z.string()]),
  heads: z.strictObject({
    /** Output name of the logit(s): [batch, 1] (sigmoid) or [batch, 2] (softmax; index 1 is positive). */
    logit: z.string(),
  }),
  /** Decision threshold on the positive-class probability (default 0.5). */
  threshold: z.number().min(0).max(1).optional(),
});

export const modelMetadataSchema = z.discriminatedUnion('task', [quantifySchema, classifySchema]);

export type Preprocessing = z.infer<typeof preprocessingSchema>;
export type QuantifyModelMetadata = z.infer<typeof quantifySchema>;
export type ClassifyModelMetadata = z.infer<typeof classifySchema>;
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export type ModelTask = ModelMetadata['task'];
/** The contract of one task. */
export type ContractOf<T extends ModelTask> = Extract<ModelMetadata, { task: T }>;

/** Validates a metadata JSON value that must be the contract of `task`. */
export function parseContract<T extends ModelTask>(json: unknown, file: string, task: T): ContractOf<T> {
  const m = parseModelMetadata(json, file);
  if (!isTask(m, task))
    throw new InputError(`task '${m.task}'`, { file, field: 'task', expected: `'${task}'` });
  return m;
}

function isTask<T extends ModelTask>(c: ModelMetadata, task: T): c is ContractOf<T> {
  return c.task === task;
}

/** File stem of each task's network in a models directory. */
export const MODEL_FILES = { quantify: 'qcnn', classify: 'ccnn' } as const;

/**
 * The files of one network in a models directory:
 *   <stem>.onnx           the graph (input `input` [batch, channels, points]; outputs `mean`+`logvar` or `logit`)
 *   <stem>.json           this contract: preprocessing, components/classes, heads, target scaling; nothing else
 *                         (its schema is strict)
 *   <stem>.training.json  what livermrs adds: the acquisition protocol the model is for (checked against every
 *                         input file), the simulator's preprocessing, training settings and seeds, calibration
 *   <stem>.lmnn           the libtorch network with all of the above as metadata (to fine-tune or inspect)
 * Only the first two are needed to run a network; `prefix` comes before the stem.
 */
/**
 * Further members of a deep ensemble sit beside a model as member<k>-<stem>.* (k = 2, 3, …; networks/ensemble.ts):
 * `quantify` and the browser page load every member they find and combine their answers.
 */
export const MAX_ENSEMBLE_MEMBERS = 8;
export const memberPrefix = (k: number) => `member${k}-`;

export function bundleFiles(task: ModelTask, prefix = '') {
  const stem = `${prefix}${MODEL_FILES[task]}`;
  return {
    stem,
    onnx: `${stem}.onnx`,
    contract: `${stem}.json`,
    training: `${stem}.training.json`,
    network: `${stem}.lmnn`,
    guard: `${stem}.guard.json`,
  } as const;
}

/** Validates a metadata JSON value; errors name the file and the field. */
export function parseModelMetadata(json: unknown, file: string): ModelMetadata {
  const r = modelMetadataSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issue.message, {
      file,
      field: issue.path.join('.') || undefined,
      expected: 'livermrs model metadata (format "livermrs-model", version 1; see docs/web.md)',
    });
  }
  const m = r.data;
  if (m.task === 'quantify') {
    for (const key of ['scale', 'offset'] as const) {
      const v = m.targets[key];
      if (v && v.length !== m.components.length)
        throw new InputError(`has ${v.length} entries for ${m.components.length} components`, {
          file,
          field: `targets.${key}`,
        });
    }
  }
  return m;
}
