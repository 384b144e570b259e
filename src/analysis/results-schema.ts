import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { toJson } from '../io/json.js';

/**
 * The schemas of results.json, one per kind: a metabolite fit, a water–fat fit of one spectrum, a water–fat
 * series (written by `livermrs fit`), a quantification and a classification (`livermrs quantify` and
 * `classify`). Each describes the file as JSON holds it (docs/formats.md): a number the analysis could not give
 * as a finite value (a CRLB % of a component fitted at zero, an SD a network does not predict) is written as
 * null, so measured numbers accept null. resultsJsonText validates every file before it is written;
 * readResultsJson reads one back, typed, or names the file and the field that is wrong.
 *
 * Version: RESULTS_SCHEMA_VERSION, kept here and not in the files. A `schemaVersion` field would change the bytes
 * of every results.json written so far (and the files of a run before and after a change must compare equal,
 * scripts/output-snapshot.mjs); the kind is told by the `kind` field (fit) or by the fields themselves (quantify:
 * `unit` and `components`; classify: `positiveClass`). The schemas are strict (an unknown field is an error, as
 * a missing one is), so any change of fields raises the version; say what changed in docs/formats.md.
 */
export const RESULTS_SCHEMA_VERSION = 1;

/** A measured number: JSON null where the value was not finite (io/json.ts toJson). */
const num = z.number().nullable();
const status = z.enum(['ok', 'doubtful', 'failed']);
const valueSd = z.strictObject({ value: num, sd: num });
const resultStatus = z.strictObject({ status, reasons: z.array(z.string()) });

const suppression = z.strictObject({
  suppressed: z.boolean(),
  source: z.enum(['option', 'header', 'spectrum']),
  headerKey: z.string().optional(),
  waterShare: num.optional(),
  ambiguous: z.boolean().optional(),
  analysis: z.enum(['metabolites', 'water-fat']).optional(),
  evidence: z.string().optional(),
  /** The spectrum's routing features (fit/water-fat/routing-features.ts). */
  features: z
    .strictObject({
      waterSnr: num,
      fatSnr: num,
      waterToMetabolite: num,
      metaboliteDetected: z.boolean(),
      phaseDifferenceDeg: num.optional(),
      fatToWater: num,
      noiseSd: num,
      waterFatMisfit: num.optional(),
      /** Metabolite lines the water–fat fit leaves at 2.9–4.0 ppm, in noise SDs (metabolite-pattern.ts). */
      metabolitePattern: num.optional(),
    })
    .optional(),
});

const parameter = z.strictObject({ name: z.string(), value: num, sd: num, unit: z.string() });

const quality = z.strictObject({
  residualSd: num,
  noiseSd: num.optional(),
  crlbNoiseSd: num,
  crlbNoiseSource: z.enum(['residual', 'region']),
  residualToNoise: num.optional(),
  snr: num,
  fwhmHz: num,
  fwhmPpm: num,
  iterations: z.number(),
  evaluations: z.number(),
  converged: z.boolean(),
  seconds: z.number(),
});

const component = z.strictObject({
  name: z.string(),
  group: z.string(),
  amplitude: num,
  crlb: num,
  crlbPercent: num,
  protons: z.number().optional(),
});

const settings = z.strictObject({
  model: z.enum(['voigt', 'lorentzian']),
  ppmRange: z.tuple([z.number(), z.number()]),
  points: z.number(),
  dwellTime: z.number(),
  spectrometerFrequency: z.number(),
  ppmReference: z.number(),
  zeroFill: z.number(),
  baseline: z.strictObject({
    kind: z.string(),
    functions: z.number(),
    effectiveDimension: num,
    lambda: num,
  }),
  residualWaterLines: z.number(),
  basisResampling: z.string(),
  basisSequence: z.string().optional(),
  basisEchoTime: z.number().optional(),
});

/** Optional plain numbers by name (the water scaling's constants). */
function optionalNumbers<K extends string>(keys: readonly K[]): Record<K, z.ZodOptional<z.ZodNumber>> {
  return Object.fromEntries(keys.map((k) => [k, z.number().optional()])) as Record<
    K,
    z.ZodOptional<z.ZodNumber>
  >;
}

/** fit/quantify.ts ScalingOptions and the factor it gave. */
const scaling = z.strictObject({
  waterConcentration: z.number(),
  unit: z.string(),
  ...optionalNumbers([
    'waterProtons',
    'basisScale',
    'echoTime',
    'repetitionTime',
    'waterT1',
    'waterT2',
    'metaboliteT1',
    'metaboliteT2',
    'lipidT1',
    'lipidT2',
    'waterAttenuation',
    'metaboliteRelaxationCorrection',
  ]),
  note: z.string().optional(),
  factor: num,
});

export const metaboliteResultsSchema = z.strictObject({
  file: z.string(),
  kind: z.literal('metabolites'),
  analysis: z.string(),
  waterSuppression: suppression.nullable(),
  basis: z.strictObject({ sequence: z.string().nullable(), echoTime: z.number().nullable() }),
  status,
  statusReasons: z.array(z.string()),
  waterReference: z.string().nullable(),
  settings,
  quality,
  warnings: z.array(z.string()),
  parameters: z.array(parameter),
  linewidthsHz: z.record(z.string(), num),
  components: z.array(component),
  combined: z.array(component.extend({ members: z.array(z.string()) })),
  quantification: z.strictObject({
    reference: z.string().nullable(),
    unit: z.string().nullable(),
    rows: z.array(
      z.strictObject({
        name: z.string(),
        amplitude: num,
        crlb: num,
        crlbPercent: num,
        ratio: num.optional(),
        ratioSd: num.optional(),
        concentration: num.optional(),
        concentrationSd: num.optional(),
      }),
    ),
    water: z
      .strictObject({
        area: num,
        firstPoint: num,
        fwhmHz: num,
        ppm: num,
        warnings: z.array(z.string()),
        attenuation: num,
      })
      .nullable(),
    fatFraction: z
      .strictObject({ percent: num, sd: num, fatSignal: num, waterSignal: num, lipids: z.array(z.string()) })
      .nullable(),
    scaling: scaling.nullable(),
  }),
  correlation: z.strictObject({ names: z.array(z.string()), matrix: z.array(z.array(num)) }),
});

const referencing = z.strictObject({
  shiftPpm: num,
  confidence: num,
  explained: num,
  water: num,
  fat: num,
  peakSnr: num,
  widthHz: num,
  found: z.boolean(),
  reason: z.string().optional(),
});

const composition = z.strictObject({ chainLength: num, doubleBonds: num, midb: num });

const eddyCurrents = z.strictObject({
  mode: z.enum(['auto', 'off']),
  applied: z.boolean(),
  model: z.enum(['water line', 'water line and broad poles']).optional(),
  phaseRmsRad: num.optional(),
  residualToNoise: z.strictObject({ without: num.optional(), with: num.optional() }),
  note: z.string(),
});

/** One echo's water–fat fit (the whole result of a single spectrum shares these fields). */
const echoFields = {
  referencing,
  fatModel: z.enum(['fixed', 'chain']),
  composition0: composition,
  lineshape: z.strictObject({
    model: z.enum(['voigt', 'reference']),
    iterations: z.number().optional(),
    bandHz: num.optional(),
    reliableMs: num.optional(),
    residualToNoise: z.strictObject({ voigt: num.optional(), reference: num.optional() }).optional(),
    note: z.string().optional(),
  }),
  water: z.strictObject({ value: num, sd: num, fwhmHz: num, ppm: num }).nullable().optional(),
  fat: z.strictObject({ value: num, sd: num, fwhmHz: num }).nullable().optional(),
  fatPeaks: z
    .array(z.strictObject({ ppm: z.number(), label: z.string(), area: num, sd: num }))
    .nullable()
    .optional(),
  signalFatFraction: valueSd.nullable().optional(),
  pdff: z
    .strictObject({ value: num, sd: num, waterFactor: num, fatFactor: num, correction: z.string() })
    .nullable()
    .optional(),
  composition: z
    .strictObject({
      chainLength: valueSd,
      doubleBonds: valueSd,
      midb: valueSd,
      unsaturation: valueSd,
      polyunsaturation: valueSd,
    })
    .nullable()
    .optional(),
  baselineShare: num.optional(),
  /** Non-fat lines fitted to the residual with the water–fat fit held (fit/water-fat/non-fat-lines.ts). */
  nonFatLines: z
    .strictObject({
      kept: z.boolean(),
      residualToNoise: z.strictObject({ without: num.optional(), with: num.optional() }),
      shiftPpm: num.optional(),
      extraWidthHz: num.optional(),
      lines: z.array(z.strictObject({ name: z.string(), ppm: num, area: num, sd: num, toWater: num })),
      sidebands: z
        .strictObject({
          offsetHz: num,
          lines: z.array(z.strictObject({ ppm: num, area: num, sd: num, toWater: num })),
        })
        .optional(),
      note: z.string(),
    })
    .optional(),
  quality: quality.nullable(),
  parameters: z.array(parameter).nullable(),
  warnings: z.array(z.string()),
};

const echo = z.strictObject({ status: resultStatus, ...echoFields });

export const waterFatResultsSchema = z.strictObject({
  file: z.string(),
  kind: z.literal('water-fat'),
  analysis: z.string(),
  status,
  ...echoFields,
  statusReasons: z.array(z.string()),
  waterSuppression: suppression,
  relaxation: z.string(),
  waterLines: z.strictObject({
    mode: z.union([z.literal('auto'), z.literal(1), z.literal(2)]),
    used: z.union([z.literal(1), z.literal(2)]),
    residualToNoise: z.strictObject({ one: num.optional(), two: num.optional() }),
    note: z.string(),
  }),
  notes: z.array(z.string()),
  eddyCurrentCorrection: eddyCurrents,
  /** The file's preprocessing record (NIfTI-MRS ProcessingApplied entries) and the eddy-current note. */
  preprocessing: z.array(z.unknown()),
});

export const waterFatSeriesResultsSchema = z.strictObject({
  file: z.string(),
  kind: z.literal('water-fat-series'),
  analysis: z.string(),
  notes: z.array(z.string()),
  status,
  statusReasons: z.array(z.string()),
  waterSuppression: suppression,
  echoTimes: z.array(z.number()),
  pdff: z.strictObject({ value: num, sd: num, correction: z.string() }).nullable(),
  waterT2: valueSd.nullable(),
  fatT2: valueSd.nullable(),
  waterT1: valueSd.nullable(),
  fatT1: valueSd.nullable(),
  water0: valueSd.nullable(),
  fat0: valueSd.nullable(),
  echoes: z.array(echo),
  eddyCurrentCorrection: z.array(eddyCurrents).nullable(),
});

/** What was done to a network's input (networks/results.ts InputRecord). */
const inputRecord = z.strictObject({
  referenceDeconvolution: z
    .strictObject({
      lorentzHz: num,
      gaussHz: num,
      waterFwhmHz: num,
      nonVoigt: num,
      maxPhaseRad: num,
      envelopeMs: num,
      components: z.number(),
      reference: z.string(),
    })
    .optional(),
  canonical: z.strictObject({ shiftHz: num, phaseDeg: num }).nullable().optional(),
  guard: z.strictObject({ t2: num, q: num, distance: num, snr: num, sdFactor: num }).optional(),
});

export const quantifyResultsSchema = z.strictObject({
  file: z.string(),
  model: z.string(),
  status,
  statusReasons: z.array(z.string()),
  notes: z.array(z.string()),
  unit: z.string(),
  components: z.array(
    z.strictObject({
      name: z.string(),
      amplitude: num,
      sd: num,
      sdPercent: num,
      concentration: num.optional(),
      concentrationSd: num.optional(),
    }),
  ),
  fatFraction: z.strictObject({ percent: num, sd: num }).nullable(),
  warnings: z.array(z.string()),
  input: inputRecord.optional(),
});

export const classifyResultsSchema = z.strictObject({
  file: z.string(),
  model: z.string(),
  status,
  statusReasons: z.array(z.string()),
  probability: num,
  positiveClass: z.string(),
  predicted: z.string().nullable(),
  threshold: z.number(),
  notes: z.array(z.string()),
  input: inputRecord.optional(),
});

export const RESULTS_SCHEMAS = {
  metabolites: metaboliteResultsSchema,
  'water-fat': waterFatResultsSchema,
  'water-fat-series': waterFatSeriesResultsSchema,
  quantify: quantifyResultsSchema,
  classify: classifyResultsSchema,
} as const;

export type ResultsKind = keyof typeof RESULTS_SCHEMAS;
/** The object a writer hands over (numbers may still be non-finite: toJson writes them as null). */
export type ResultsInput<K extends ResultsKind> = z.input<(typeof RESULTS_SCHEMAS)[K]>;
/** A results.json as read back. */
export type ResultsJson<K extends ResultsKind = ResultsKind> = {
  [k in K]: { kind: k; results: z.output<(typeof RESULTS_SCHEMAS)[k]> };
}[K];

/** `a.b[2].c`, the field a zod issue points at. */
function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  return issue.message;
}

/**
 * The text of a results.json of this kind (toJson, two-space indent, newline at the end), after checking the
 * object as JSON holds it against the kind's schema: a writer that drifts from the format fails here, naming the
 * field, instead of writing a file its readers cannot take.
 */
export function resultsJsonText<K extends ResultsKind>(kind: K, value: ResultsInput<K>): string {
  const text = `${toJson(value)}\n`;
  const r = RESULTS_SCHEMAS[kind].safeParse(JSON.parse(text));
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `results.json (${kind}) does not match its schema (version ${RESULTS_SCHEMA_VERSION}): ${fieldOf(issue.path)}: ${issueText(issue)}`,
    );
  }
  return text;
}

/** The kind of a parsed results.json: its `kind` field, or for quantify and classify the fields they alone have. */
function kindOf(json: unknown, file: string): ResultsKind {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError('not a JSON object', { file, expected: 'a livermrs results.json' });
  }
  const o = json as Record<string, unknown>;
  if ('kind' in o) {
    if (o.kind === 'metabolites' || o.kind === 'water-fat' || o.kind === 'water-fat-series') return o.kind;
    throw new InputError(`kind ${JSON.stringify(o.kind)}`, {
      file,
      field: 'kind',
      expected: "'metabolites', 'water-fat' or 'water-fat-series'",
    });
  }
  if ('positiveClass' in o) return 'classify';
  if ('unit' in o || 'components' in o) return 'quantify';
  throw new InputError('neither a fit (no kind field) nor a quantify or classify result', {
    file,
    field: 'kind',
    expected: 'a livermrs results.json (fit, quantify or classify)',
  });
}

/** Checks a parsed results.json (from `file`) against the schema of its kind. */
export function parseResultsJson(json: unknown, file: string): ResultsJson {
  const kind = kindOf(json, file);
  const r = RESULTS_SCHEMAS[kind].safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(issueText(issue), {
      file,
      field: fieldOf(issue.path),
      expected: `a ${kind} results.json (schema version ${RESULTS_SCHEMA_VERSION}, docs/formats.md)`,
    });
  }
  return { kind, results: r.data } as ResultsJson;
}

/** Reads a results.json written by `livermrs fit`, `quantify` or `classify`: its kind and its contents, typed. */
export function readResultsJson(path: string): ResultsJson {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('cannot read the file', { file: path }, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON (${(err as Error).message})`, {
      file: path,
      expected: 'a livermrs results.json',
    });
  }
  return parseResultsJson(json, path);
}
