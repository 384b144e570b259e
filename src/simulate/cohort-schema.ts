import { isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { cholesky } from './cohort-checks.js';
import { type DistributionSpec, lognormalFromMoments } from './distributions.js';
import { DEFAULT_MODEL_SETTINGS, type ModelSettings } from './signal-model.js';
import { LIVER_DEFAULTS } from '../core/acquisition.js';

/**
 * Cohort files (YAML): per patient group, the distribution of every component amplitude and every nuisance
 * parameter, plus the acquisition protocol and the basis. Format reference: docs/simulation.md.
 * `parseCohort` checks shapes, types and ranges and reports the field and YAML line of the first problem;
 * `checkCohortComponents` (cohort-checks.ts) checks component names against a basis.
 */

// ---- distributions -------------------------------------------------------------------------------------

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = z.number().positive('must be > 0').refine(Number.isFinite, 'must be a finite number');

const fixedSchema = z.object({ dist: z.literal('fixed'), value: finite }).strict();
const normalSchema = z.object({ dist: z.literal('normal'), mean: finite, sd: positive }).strict();
const truncSchema = z
  .object({
    dist: z.literal('truncnormal'),
    mean: finite,
    sd: positive,
    min: finite.optional(),
    max: finite.optional(),
  })
  .strict()
  .refine((d) => d.min === undefined || d.max === undefined || d.min < d.max, 'min must be below max');
const lognormalSchema = z.union([
  z.object({ dist: z.literal('lognormal'), mu: finite, sigma: positive }).strict(),
  z.object({ dist: z.literal('lognormal'), mean: positive, sd: positive }).strict(),
]);
const uniformSchema = z
  .object({ dist: z.literal('uniform'), min: finite, max: finite })
  .strict()
  .refine((d) => d.min < d.max, 'min must be below max');

const FAMILIES = ['fixed', 'normal', 'truncnormal', 'lognormal', 'uniform'] as const;

/** A number (a fixed value) or `{dist: ..., ...}`. */
export const distributionSchema = z
  .union([finite, z.looseObject({ dist: z.string() })])
  .transform((v, ctx) => {
    if (typeof v === 'number') return { dist: 'fixed', value: v } as DistributionSpec;
    const schemas = {
      fixed: fixedSchema,
      normal: normalSchema,
      truncnormal: truncSchema,
      lognormal: lognormalSchema,
      uniform: uniformSchema,
    } as const;
    const family = v.dist as (typeof FAMILIES)[number];
    if (!FAMILIES.includes(family)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown distribution '${v.dist}' (expected one of ${FAMILIES.join(', ')})`,
        path: ['dist'],
      });
      return z.NEVER;
    }
    const r = schemas[family].safeParse(v);
    if (!r.success) {
      for (const issue of r.error.issues)
        ctx.addIssue({ ...issue, code: 'custom', message: describeIssue(issue, family) } as never);
      return z.NEVER;
    }
    const d = r.data as Record<string, unknown>;
    if (family === 'lognormal' && 'mean' in d) {
      const { mu, sigma } = lognormalFromMoments(d.mean as number, d.sd as number);
      return { dist: 'lognormal', mu, sigma } as DistributionSpec;
    }
    return d as DistributionSpec;
  });

function describeIssue(issue: z.core.$ZodIssue, family: string): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')} for a ${family} distribution (${familyFields(family)})`;
  }
  if (issue.code === 'invalid_union')
    return `a lognormal distribution needs either mu and sigma (of ln x) or mean and sd`;
  if (issue.code === 'invalid_type' && issue.path.length)
    return `${issue.message.replace(/^Invalid input: /, '')} (${familyFields(family)})`;
  return issue.message;
}

function familyFields(family: string): string {
  return (
    {
      fixed: 'fields: value',
      normal: 'fields: mean, sd',
      truncnormal: 'fields: mean, sd, min, max',
      lognormal: 'fields: mu, sigma or mean, sd',
      uniform: 'fields: min, max',
    } as Record<string, string>
  )[family];
}

/** Distributions for quantities that cannot be negative (amplitudes, widths, SNR). */
export const nonNegative = distributionSchema.superRefine((d, ctx) => {
  if (lowerBound(d) < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `can produce negative values (expected a distribution on [0, ∞): lognormal, or truncnormal/uniform with min >= 0, or a fixed value >= 0)`,
    });
  }
});

export const strictlyPositive = distributionSchema.superRefine((d, ctx) => {
  if (lowerBound(d) <= 0 && d.dist !== 'lognormal') {
    ctx.addIssue({
      code: 'custom',
      message: `can produce values <= 0 (expected lognormal, or truncnormal/uniform with min > 0, or a fixed value > 0)`,
    });
  }
});

function lowerBound(d: DistributionSpec): number {
  switch (d.dist) {
    case 'fixed':
      return d.value;
    case 'normal':
      return Number.NEGATIVE_INFINITY;
    case 'truncnormal':
      return d.min ?? Number.NEGATIVE_INFINITY;
    case 'lognormal':
      return 0;
    case 'uniform':
      return d.min;
  }
}

// ---- cohort --------------------------------------------------------------------------------------------

const protocolSchema = z
  .object({
    spectrometerFrequency: positive.describe('MHz'),
    spectralWidth: positive.describe('Hz'),
    points: z.number().int('must be an integer').min(16, 'must be at least 16'),
    echoTime: positive.optional().describe('ms'),
    sequence: z.string().optional(),
    ppmReference: finite.default(LIVER_DEFAULTS.ppmReference),
  })
  .strict();

const basisSchema = z.union([
  z.literal('default'),
  z.object({ file: z.string().min(1), format: z.enum(['lcmodel']).optional() }).strict(),
]);

const modelSchema = z
  .object({
    snrPeak: z
      .object({ ppm: finite, halfWidthPpm: positive })
      .strict()
      .default(DEFAULT_MODEL_SETTINGS.snrPeak),
    baseline: z
      .object({ knotsPpm: z.array(finite), fwhmPpm: positive })
      .strict()
      .default(DEFAULT_MODEL_SETTINGS.baseline),
    waterPpm: finite.default(DEFAULT_MODEL_SETTINGS.waterPpm),
  })
  .strict()
  .default(DEFAULT_MODEL_SETTINGS);

const correlationSchema = z
  .object({ components: z.array(z.string()).min(2), matrix: z.array(z.array(finite)) })
  .strict();

const zero = { dist: 'fixed', value: 0 } as const;

const nuisanceSchema = z
  .object({
    lorentzianWidth: z
      .record(z.string(), nonNegative)
      .refine((r) => Object.keys(r).length > 0, 'give at least one width (e.g. all: ...)'),
    gaussianWidth: nonNegative.default(zero),
    shift: distributionSchema.default(zero),
    phase0: distributionSchema.default(zero),
    phase1: distributionSchema.default(zero),
    snr: strictlyPositive,
    water: z
      .object({
        amplitude: nonNegative.default(zero),
        offset: distributionSchema.default(zero),
        width: nonNegative.default({ dist: 'fixed', value: 20 }),
        phase: distributionSchema.default(zero),
      })
      .strict()
      .default({ amplitude: zero, offset: zero, width: { dist: 'fixed', value: 20 }, phase: zero }),
    baseline: z
      .object({ amplitude: nonNegative.default(zero) })
      .strict()
      .default({ amplitude: zero }),
  })
  .strict();

const groupSchema = z
  .object({
    description: z.string().optional(),
    amplitudes: z.record(z.string(), nonNegative),
    correlation: correlationSchema.optional(),
    nuisance: nuisanceSchema,
  })
  .strict();

const cohortSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    illustrative: z.boolean().optional(),
    references: z.array(z.string()).optional(),
    protocol: protocolSchema,
    basis: basisSchema.default('default'),
    model: modelSchema,
    groups: z
      .record(z.string(), groupSchema)
      .refine((g) => Object.keys(g).length > 0, 'give at least one group'),
  })
  .strict();

export type Cohort = z.output<typeof cohortSchema>;
export type CohortGroup = Cohort['groups'][string];
export type CohortNuisance = CohortGroup['nuisance'];
export type CohortProtocol = Cohort['protocol'];

export { checkCohortComponents, cholesky, WIDTH_CLASSES } from './cohort-checks.js';

/**
 * Parses and validates a cohort file. Groups may name another group of the same file in `extends:` to start
 * from a copy of it (its fields are deep-merged; a distribution or a list replaces the inherited one whole).
 */
export function parseCohort(text: string, file = '<cohort>'): Cohort {
  const cohort = parseYamlWith(cohortSchema, text, file, {
    what: 'a cohort',
    expected: 'a YAML mapping with name, protocol and groups',
    prepare: (raw) => expandExtends(raw, file),
  });
  for (const [name, group] of Object.entries(cohort.groups)) checkCorrelation(group, `groups.${name}`, file);
  return cohort;
}

/**
 * A YAML mapping checked by a zod schema; the first problem is an InputError naming the file, the field and its
 * line. `prepare` rewrites the raw mapping before the check (e.g. expands `extends`).
 */
export function parseYamlWith<T>(
  schema: z.ZodType<T>,
  text: string,
  file: string,
  o: { what: string; expected: string; prepare?: (raw: Record<string, unknown>) => Record<string, unknown> },
): T {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    throw new InputError(`malformed YAML: ${e.message.split('\n')[0]}`, { file, field: `line ${line}` });
  }
  const raw = doc.toJS() as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError(`not ${o.what}`, { file, expected: o.expected });
  }
  const expanded = o.prepare ? o.prepare(raw as Record<string, unknown>) : raw;
  const result = schema.safeParse(expanded);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.map(String);
    throw new InputError(issueMessage(issue, valueAt(expanded, issue.path as PropertyKey[])), {
      file,
      field: `${path.join('.') || '(top level)'}${lineOf(doc, lineCounter, issue.path as (string | number)[])}`,
    });
  }
  return result.data;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function issueMessage(issue: z.core.$ZodIssue, got: unknown): string {
  if (issue.code === 'invalid_type') {
    return `expected ${issue.expected}${got === undefined ? ', missing' : `, got ${JSON.stringify(got)}`}`;
  }
  if (issue.code === 'unrecognized_keys')
    return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_union') return 'not one of the accepted forms (see docs/simulation.md)';
  if (issue.code === 'invalid_value')
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

/** ` (line N)` for the deepest node of `path` that exists in the document. */
function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: (string | number)[]): string {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return ` (line ${lc.linePos(node.range[0]).line})`;
  }
  return '';
}

function expandExtends(raw: Record<string, unknown>, file: string): Record<string, unknown> {
  const groups = raw.groups;
  if (!groups || typeof groups !== 'object' || Array.isArray(groups)) return raw;
  const src = groups as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  const resolve = (name: string, seen: string[]): Record<string, unknown> => {
    const g = src[name];
    if (!g || typeof g !== 'object') return g;
    const base = g.extends;
    if (base === undefined) return g;
    if (typeof base !== 'string' || !(base in src)) {
      throw new InputError(`extends an unknown group ${JSON.stringify(base)}`, {
        file,
        field: `groups.${name}.extends`,
        expected: `one of ${Object.keys(src).join(', ')}`,
      });
    }
    if (seen.includes(base)) {
      throw new InputError('circular extends', { file, field: `groups.${name}.extends` });
    }
    const { extends: _ignored, ...own } = g;
    return deepMerge(resolve(base, [...seen, name]), own);
  };
  for (const name of Object.keys(src)) out[name] = resolve(name, []);
  return { ...raw, groups: out };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const mergeable = (x: unknown) =>
      x !== null && typeof x === 'object' && !Array.isArray(x) && !('dist' in (x as object));
    out[k] =
      mergeable(b) && mergeable(v)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function checkCorrelation(group: CohortGroup, where: string, file: string): void {
  const c = group.correlation;
  if (!c) return;
  const field = `${where}.correlation`;
  const n = c.components.length;
  const seen = new Set<string>();
  for (const name of c.components) {
    if (!(name in group.amplitudes)) {
      throw new InputError(`'${name}' has no amplitude distribution`, {
        file,
        field: `${field}.components`,
        expected: 'names of components listed under amplitudes',
      });
    }
    if (seen.has(name))
      throw new InputError(`'${name}' listed twice`, { file, field: `${field}.components` });
    seen.add(name);
  }
  const m = c.matrix;
  if (m.length !== n || m.some((row) => row.length !== n)) {
    throw new InputError('wrong shape', { file, field: `${field}.matrix`, expected: `a ${n}×${n} matrix` });
  }
  for (let i = 0; i < n; i++) {
    if (Math.abs(m[i][i] - 1) > 1e-9) {
      throw new InputError(`diagonal element ${i + 1} is ${m[i][i]}`, {
        file,
        field: `${field}.matrix`,
        expected: '1',
      });
    }
    for (let j = 0; j < i; j++) {
      if (Math.abs(m[i][j] - m[j][i]) > 1e-9 || Math.abs(m[i][j]) > 1) {
        throw new InputError(
          `element (${i + 1},${j + 1}) is ${m[i][j]} and (${j + 1},${i + 1}) is ${m[j][i]}`,
          {
            file,
            field: `${field}.matrix`,
            expected: 'a symmetric matrix with entries in [-1, 1]',
          },
        );
      }
    }
  }
  if (!cholesky(m)) {
    throw new InputError('not positive definite', {
      file,
      field: `${field}.matrix`,
      expected: 'a valid correlation matrix',
    });
  }
}

/** Serialises a cohort as YAML (numbers at full precision, so a written cohort reads back identically). */
export function formatCohort(cohort: Cohort, header?: string): string {
  const body = stringify(cohort, { lineWidth: 0, flowCollectionPadding: false, collectionStyle: 'any' });
  const lines = header ? header.split('\n').map((l) => (l ? `# ${l}` : '#')) : [];
  return `${lines.join('\n')}${lines.length ? '\n' : ''}${body}`;
}

/** The model settings of a cohort, in the shape SignalModel takes. */
export function modelSettingsOf(cohort: Cohort): ModelSettings {
  return cohort.model;
}
