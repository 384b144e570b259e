import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { parseSequenceKind, type SequenceKind } from '../core/acquisition.js';
import { InputError } from '../core/errors.js';
import { parseCsv } from '../io/csv.js';
import type { StudyDesign } from './virtual-study.js';
import { clopperPearson } from './small-sample.js';

/**
 * `livermrs study --manifest FILE`: the study protocol on real spectra. The manifest is a CSV with columns
 * `file`, `group`, `role` (`prior` or `test`) and optionally `water` (an unsuppressed water reference) and, for
 * formats that do not store them (LCModel .RAW), `sw` (Hz), `frequency` (MHz), `te` (ms) and `sequence`; paths
 * are relative to the manifest. There must be exactly two groups, each with at least MIN_PRIOR prior and
 * MIN_TEST test spectra.
 *
 * Every problem is collected before anything runs and reported together (ManifestError, exit 2), one line per
 * finding naming the manifest line and the file as written there. The spectra themselves are checked by
 * manifest-spectra.ts.
 */
export const MANIFEST_COLUMNS = [
  'file',
  'group',
  'role',
  'water',
  'sw',
  'frequency',
  'te',
  'sequence',
] as const;
export const MIN_PRIOR = 3;
export const MIN_TEST = 1;
/** Fewer test spectra than this in a group: legal but weak (a warning with the width of the interval). */
export const FEW_TEST = 5;

/** Acquisition values a format may not store: per row (columns) or for the whole manifest (options). */
export interface AcquisitionHints {
  /** Spectral width, Hz. */
  sw?: number;
  /** Spectrometer frequency, MHz. */
  frequency?: number;
  /** Echo time, ms. */
  te?: number;
  sequence?: SequenceKind;
}

export interface ManifestEntry extends AcquisitionHints {
  /** Absolute path. */
  file: string;
  /** The path as written in the manifest (what messages and outputs show). */
  written: string;
  group: string;
  role: 'prior' | 'test';
  water?: string;
  /** 1-based line in the manifest. */
  line: number;
}

export interface Manifest {
  file: string;
  entries: ManifestEntry[];
  /** [negative, positive]. */
  groups: [string, string];
  /** Legal but weak designs (kept in metrics.json and the report). */
  warnings: string[];
}

export interface ManifestOptions extends AcquisitionHints {
  /** The positive group (default: the second group listed). */
  positive?: string;
}

/** Every problem of a manifest, one finding per line; exit code 2 like every input error. */
export class ManifestError extends InputError {
  readonly findings: string[];
  constructor(file: string, findings: string[]) {
    super(
      `${findings.length} problem${findings.length === 1 ? '' : 's'}, nothing was run:\n  ${findings.join('\n  ')}`,
      { file },
    );
    this.findings = findings;
  }
}

/** `line 4 (data/p3.nii.gz)`: where a finding is. */
export function rowLabel(e: Pick<ManifestEntry, 'line' | 'written'>): string {
  return `line ${e.line} (${e.written})`;
}

const positiveNumber = (v: string) => {
  const x = Number(v);
  return v !== '' && Number.isFinite(x) && x > 0 ? x : undefined;
};

/** Parses and checks a manifest's text (not yet the spectra); throws ManifestError with every finding. */
export function parseManifest(text: string, file: string, options: ManifestOptions = {}): Manifest {
  const table = parseCsv(text, file);
  const findings: string[] = [];
  const header = table.header.map((h) => h.trim().toLowerCase());
  header.forEach((h, j) => {
    if (!(MANIFEST_COLUMNS as readonly string[]).includes(h)) {
      findings.push(`line 1: unknown column '${table.header[j]}' (expected ${MANIFEST_COLUMNS.join(', ')})`);
    }
  });
  const col = (name: string) => header.indexOf(name);
  for (const required of ['file', 'group', 'role']) {
    if (col(required) < 0) findings.push(`line 1: no column '${required}' (expected file, group, role)`);
  }
  if (findings.some((f) => f.includes('no column'))) throw new ManifestError(file, findings);
  const base = dirname(file);
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const cell = (r: string[], name: string) => (col(name) >= 0 ? (r[col(name)] ?? '').trim() : '');
  const entries: ManifestEntry[] = [];
  table.rows.forEach((r, k) => {
    const line = k + 2;
    const written = cell(r, 'file');
    const at = `line ${line}${written ? ` (${written})` : ''}`;
    const group = cell(r, 'group');
    const role = cell(r, 'role').toLowerCase();
    let ok = true;
    const bad = (msg: string) => {
      findings.push(`${at}: ${msg}`);
      ok = false;
    };
    if (!written) bad('empty file name');
    if (!group) bad('empty group');
    if (role !== 'prior' && role !== 'test') bad(`role '${cell(r, 'role')}' (expected 'prior' or 'test')`);
    const path = resolvePath(written);
    if (written && !existsSync(path)) bad(`file not found: ${path}`);
    const w = cell(r, 'water');
    if (w && !existsSync(resolvePath(w))) bad(`water reference not found: ${resolvePath(w)}`);
    const hints: AcquisitionHints = {};
    for (const [name, unit] of [
      ['sw', 'Hz'],
      ['frequency', 'MHz'],
      ['te', 'ms'],
    ] as const) {
      const v = cell(r, name);
      if (!v) continue;
      const x = positiveNumber(v);
      if (x === undefined) bad(`${name} '${v}' (expected a positive number in ${unit})`);
      else hints[name] = x;
    }
    const seq = cell(r, 'sequence');
    if (seq) {
      try {
        hints.sequence = parseSequenceKind(seq, 'sequence');
      } catch {
        bad(`sequence '${seq}' (expected press, steam, slaser or fid)`);
      }
    }
    if (!ok) return;
    entries.push({
      file: path,
      written,
      group,
      role: role as 'prior' | 'test',
      line,
      ...withDefaults(hints, options),
      ...(w ? { water: resolvePath(w) } : {}),
    });
  });
  if (table.rows.length === 0) findings.push('no spectra listed (expected one row per spectrum)');
  const groups = groupsOf(entries, table.rows.length, findings, options.positive);
  if (findings.length) throw new ManifestError(file, findings);
  return { file, entries, groups: groups as [string, string], warnings: manifestWarnings(entries, groups) };
}

function withDefaults(row: AcquisitionHints, whole: AcquisitionHints): AcquisitionHints {
  const out: AcquisitionHints = {};
  for (const k of ['sw', 'frequency', 'te', 'sequence'] as const) {
    const v = row[k] ?? whole[k];
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The two groups [negative, positive] with their counts checked; findings for every problem. */
function groupsOf(entries: ManifestEntry[], rows: number, findings: string[], positive?: string): string[] {
  // Only when every row was read are counts meaningful (a bad row would be miscounted).
  if (entries.length !== rows || rows === 0) return [];
  const linesOf = (g: string, role: string) =>
    entries.filter((e) => e.group === g && e.role === role).map((e) => e.line);
  const named = [...new Set(entries.map((e) => e.group))];
  const withPrior = named.filter((g) => linesOf(g, 'prior').length > 0);
  for (const g of named) {
    if (!withPrior.includes(g)) {
      findings.push(
        `group '${g}' is named in test rows (line ${linesOf(g, 'test').join(', ')}) but has no prior spectra (expected every test group among the prior groups: ${withPrior.join(', ') || 'none'})`,
      );
    }
  }
  if (withPrior.length !== 2) {
    findings.push(
      `${withPrior.length} group(s) with prior spectra: ${withPrior.join(', ')} (expected exactly two groups, e.g. LC and LC-HCC)`,
    );
    return [];
  }
  const pos = positive ?? withPrior[1];
  if (!withPrior.includes(pos)) {
    findings.push(`positive group '${pos}' is not in the manifest (expected ${withPrior.join(' or ')})`);
    return [];
  }
  const ordered = [withPrior.find((g) => g !== pos) as string, pos];
  for (const g of ordered) {
    const prior = linesOf(g, 'prior');
    const test = linesOf(g, 'test');
    if (prior.length < MIN_PRIOR) {
      findings.push(
        `group '${g}' has ${prior.length} prior spectra (line ${prior.join(', ')}; expected at least ${MIN_PRIOR} per group)`,
      );
    }
    if (test.length < MIN_TEST) {
      findings.push(`group '${g}' has no test spectra (expected at least ${MIN_TEST} per group)`);
    }
  }
  const withWater = entries.filter((e) => e.water).length;
  if (withWater > 0 && withWater < entries.length) {
    const missing = entries.filter((e) => !e.water).map((e) => e.line);
    findings.push(
      `${withWater} of ${entries.length} rows have a water reference, lines ${missing.join(', ')} none (expected a water reference for every spectrum or for none: amplitudes must share one scale)`,
    );
  }
  return ordered;
}

/**
 * What is legal but weak: a group with fewer than FEW_TEST test spectra measures its sensitivity (or
 * specificity) in steps of 1/n, and even all n right leaves an exact 95 % interval of (0.025^(1/n), 1).
 */
function manifestWarnings(entries: ManifestEntry[], groups: string[]): string[] {
  const out: string[] = [];
  groups.forEach((g, label) => {
    const n = entries.filter((e) => e.group === g && e.role === 'test').length;
    if (n >= FEW_TEST) return;
    const [lo, hi] = clopperPearson(n, n);
    const what = label === 1 ? 'sensitivity' : 'specificity';
    out.push(
      `group '${g}' has ${n} test spectr${n === 1 ? 'um' : 'a'} (fewer than ${FEW_TEST}): its ${what} comes in steps of 1/${n} and its 95 % CI is wide: even ${n}/${n} right gives ${lo.toFixed(3)}–${hi.toFixed(3)} (Clopper–Pearson, ${(hi - lo).toFixed(3)} wide)`,
    );
  });
  return out;
}

/** The manifest's study design (counts per group and role). */
export function manifestDesign(m: Manifest): StudyDesign {
  const count = (g: string, role: string) => m.entries.filter((e) => e.group === g && e.role === role).length;
  return {
    groups: m.groups,
    prior: [count(m.groups[0], 'prior'), count(m.groups[1], 'prior')],
    test: [count(m.groups[0], 'test'), count(m.groups[1], 'test')],
  };
}

/** The manifest's file name for messages. */
export function manifestName(m: Pick<Manifest, 'file'>): string {
  return basename(m.file);
}
