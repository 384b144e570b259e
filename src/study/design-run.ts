import { UsageError } from '../core/errors.js';
import { loadCohort, loadCohortBasis } from '../simulate/cohort-files.js';
import {
  DESIGN_DEFAULTS,
  DESIGN_METHODS,
  type DesignMethod,
  type StudyDesignResult,
  studyDesign,
} from './design.js';
import { writeDesign } from './design-report.js';

/**
 * `livermrs study --design` from names and files: the truth (a built-in cohort or a priors file written by
 * `livermrs priors`) and the template are loaded, the design run (study/design.ts) and its outputs written.
 */
export interface DesignRunOptions {
  /** Truth cohort: built-in name or cohort file (e.g. a site's priors from `livermrs priors`). */
  truth: string;
  /** Cohort for what the prior patients cannot give (as the study's --template). */
  template: string;
  /** Prior patients per group: a list or comma-separated text ('10,20,40,80'); true or undefined: the defaults. */
  sizes?: string | boolean | readonly number[];
  /** Method keys (comma-separated or a list); default DEFAULT_DESIGN_METHODS. */
  methods?: string | readonly string[];
  repeats?: number;
  testPerGroup?: number;
  seed?: number;
  /** Output directory (design.json, design.csv, design.html); none: nothing written. */
  out?: string;
  /** The command line, recorded in the outputs. */
  command?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface DesignRun {
  result: StudyDesignResult;
  files: string[];
}

/** Prior patients per group from `--design 10,20,40` (a clear error on anything else). */
export function parseDesignSizes(sizes: DesignRunOptions['sizes']): number[] {
  if (sizes === undefined || sizes === true || sizes === false) return [...DESIGN_DEFAULTS.sizes];
  const list = typeof sizes === 'string' ? sizes.split(',').map((s) => s.trim()) : sizes.map(String);
  const values = list.map(Number);
  if (values.length === 0 || values.some((n) => !(Number.isInteger(n) && n >= 3)))
    throw new UsageError(
      `--design: '${list.join(',')}' is not a list of prior patients per group, each a whole number ≥ 3 (e.g. 10,20,40,80)`,
    );
  return [...new Set(values)].sort((a, b) => a - b);
}

function parseMethods(methods: DesignRunOptions['methods']): DesignMethod[] | undefined {
  if (methods === undefined) return undefined;
  const list = typeof methods === 'string' ? methods.split(',').map((s) => s.trim()) : [...methods];
  const unknown = list.filter((m) => !(m in DESIGN_METHODS));
  if (unknown.length || list.length === 0)
    throw new UsageError(
      `--design-methods: unknown ${unknown.join(', ') || '(empty)'}; known: ${Object.keys(DESIGN_METHODS).join(', ')}`,
    );
  return list as DesignMethod[];
}

export async function runDesign(o: DesignRunOptions): Promise<DesignRun> {
  const sizes = parseDesignSizes(o.sizes);
  const methods = parseMethods(o.methods);
  const truth = loadCohort(o.truth);
  const template = loadCohort(o.template);
  const t0 = performance.now();
  o.log?.(
    `design: ${truth.file}, n = ${sizes.join(', ')} per group, ${o.repeats ?? DESIGN_DEFAULTS.repeats} studies each`,
  );
  const result = studyDesign(
    { cohort: truth.cohort, basis: loadCohortBasis(truth), source: o.truth },
    {
      template: template.cohort,
      sizes,
      methods,
      repeats: o.repeats,
      testPerGroup: o.testPerGroup,
      seed: o.seed,
      onSize: (n, i, count) =>
        o.log?.(
          `design: n = ${n} done (${i + 1}/${count}, ${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        ),
    },
  );
  const files = o.out ? await writeDesign(o.out, result, { command: o.command }) : [];
  return { result, files };
}
