import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { InputError } from '../core/errors.js';
import {
  attenuation,
  LIVER_RELAXATION_3T,
  LIVER_WATER_CONTENT,
  PURE_WATER_MMOL_PER_KG,
} from '../fit/quantify.js';
import { fitWaterReference } from '../fit/water-reference.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { parseCsv } from '../io/csv.js';
import { readSingleFid } from '../networks/read-spectrum.js';
import type { Patient, StudyDesign } from './virtual-study.js';
import { LIVER_DEFAULTS, toMs } from '../core/acquisition.js';

/**
 * `livermrs study --manifest FILE`: the study protocol on real spectra. The manifest is a CSV with columns
 * `file`, `group`, `role` (`prior` or `test`) and optionally `water` (an unsuppressed water reference); paths are
 * relative to the manifest. There must be exactly two groups, each with at least 3 prior and 1 test spectra.
 */
export interface ManifestEntry {
  file: string;
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
}

/** Parses and checks a manifest; `positive` names the positive group (default: the second group listed). */
export function parseManifest(text: string, file: string, positive?: string): Manifest {
  const table = parseCsv(text, file);
  const col = (name: string, required: boolean) => {
    const j = table.header.findIndex((h) => h.toLowerCase() === name);
    if (j < 0 && required) {
      throw new InputError(`no column '${name}'`, {
        file,
        field: 'line 1',
        expected: 'a header with file, group, role (and optionally water)',
      });
    }
    return j;
  };
  const jf = col('file', true);
  const jg = col('group', true);
  const jr = col('role', true);
  const jw = col('water', false);
  const base = dirname(file);
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const entries: ManifestEntry[] = table.rows.map((r, k) => {
    const line = k + 2;
    const where = (column: string) => `line ${line}, column ${column}`;
    const f = r[jf].trim();
    const group = r[jg].trim();
    const role = r[jr].trim().toLowerCase();
    if (!f) throw new InputError('empty file name', { file, field: where('file') });
    if (!group) throw new InputError('empty group', { file, field: where('group') });
    if (role !== 'prior' && role !== 'test') {
      throw new InputError(`role '${r[jr]}'`, { file, field: where('role'), expected: "'prior' or 'test'" });
    }
    const path = resolvePath(f);
    if (!existsSync(path)) throw new InputError(`file not found: ${path}`, { file, field: where('file') });
    const w = jw >= 0 ? r[jw].trim() : '';
    if (w && !existsSync(resolvePath(w))) {
      throw new InputError(`file not found: ${resolvePath(w)}`, { file, field: where('water') });
    }
    return { file: path, group, role, line, ...(w ? { water: resolvePath(w) } : {}) };
  });
  if (entries.length === 0)
    throw new InputError('no spectra listed', { file, expected: 'one row per spectrum' });
  const groups = [...new Set(entries.map((e) => e.group))];
  if (groups.length !== 2) {
    throw new InputError(`${groups.length} group(s): ${groups.join(', ')}`, {
      file,
      field: 'group',
      expected: 'exactly two groups (e.g. LC and LC-HCC)',
    });
  }
  const pos = positive ?? groups[1];
  if (!groups.includes(pos)) {
    throw new InputError(`positive group '${pos}' is not in the manifest`, {
      file,
      field: 'group',
      expected: groups.join(' or '),
    });
  }
  const ordered: [string, string] = [groups.find((g) => g !== pos) as string, pos];
  for (const g of ordered) {
    const prior = entries.filter((e) => e.group === g && e.role === 'prior').length;
    const test = entries.filter((e) => e.group === g && e.role === 'test').length;
    if (prior < 3 || test < 1) {
      throw new InputError(`group '${g}' has ${prior} prior and ${test} test spectra`, {
        file,
        field: 'role',
        expected: 'at least 3 prior and 1 test spectra per group',
      });
    }
  }
  const withWater = entries.filter((e) => e.water).length;
  if (withWater > 0 && withWater < entries.length) {
    throw new InputError(`${withWater} of ${entries.length} rows have a water reference`, {
      file,
      field: 'water',
      expected: 'a water reference for every spectrum or for none (amplitudes must share one scale)',
    });
  }
  return { file, entries, groups: ordered };
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

export interface ManifestPatients {
  patients: Patient[];
  /** The template cohort with the data's protocol (field, spectral width, points, echo time, reference). */
  template: Cohort;
  notes: string[];
}

/**
 * Reads every spectrum, checks that they share one protocol, and scales each to its water reference when given
 * (FID × 2·[H2O]·R_W / W with the liver defaults of src/fit/quantify.ts, so amplitudes are in mmol/kg of water-
 * referenced signal); patients keep the manifest order within each group.
 */
export function loadManifestPatients(m: Manifest, template: Cohort): ManifestPatients {
  const notes: string[] = [];
  const fids = m.entries.map((e) => readSingleFid(e.file));
  const ref = fids[0];
  fids.forEach((f, i) => {
    const e = m.entries[i];
    const same =
      f.points === ref.points &&
      Math.abs(f.dwellTime / ref.dwellTime - 1) < 1e-6 &&
      Math.abs(f.spectrometerFrequency / ref.spectrometerFrequency - 1) < 1e-4 &&
      f.ppmReference === ref.ppmReference &&
      (f.echoTime === undefined || ref.echoTime === undefined || Math.abs(f.echoTime - ref.echoTime) < 1e-4);
    if (!same) {
      throw new InputError(
        `protocol differs from ${m.entries[0].file}'s (${f.points} points, ${(1 / f.dwellTime).toFixed(0)} Hz, ${f.spectrometerFrequency} MHz, TE ${f.echoTime})`,
        { file: e.file, expected: 'one protocol for every spectrum of a study' },
      );
    }
  });
  if (m.entries[0].water) {
    fids.forEach((f, i) => {
      const w = fitWaterReference(readSingleFid(m.entries[i].water as string));
      const te = f.echoTime ?? LIVER_DEFAULTS.echoTime;
      const tr = f.repetitionTime ?? LIVER_DEFAULTS.repetitionTime;
      const scale =
        (2 *
          PURE_WATER_MMOL_PER_KG *
          LIVER_WATER_CONTENT *
          attenuation(te, tr, LIVER_RELAXATION_3T.waterT1, LIVER_RELAXATION_3T.waterT2)) /
        w.area;
      for (let j = 0; j < f.data.length; j++) f.data[j] *= scale;
    });
    notes.push('each spectrum scaled to its water reference (liver water 0.71 g/g, water T1/T2 809/34 ms)');
  } else {
    notes.push(
      'no water references: amplitudes are in the scanner units of the files (they must share one scale)',
    );
  }
  const protocol = {
    ...template.protocol,
    spectrometerFrequency: ref.spectrometerFrequency,
    spectralWidth: 1 / ref.dwellTime,
    points: ref.points,
    ppmReference: ref.ppmReference,
    ...(ref.echoTime !== undefined ? { echoTime: ref.echoTime * 1000 } : {}),
  };
  if (ref.echoTime === undefined) {
    notes.push(
      `the files do not state the echo time: assumed ${template.protocol.echoTime ?? toMs(LIVER_DEFAULTS.echoTime)} ms`,
    );
  }
  const patients: Patient[] = [];
  m.groups.forEach((g, label) => {
    for (const role of ['prior', 'test'] as const) {
      m.entries.forEach((e, i) => {
        if (e.group !== g || e.role !== role) return;
        patients.push({ id: e.file, group: g, label, role, fid: fids[i] });
      });
    }
  });
  return { patients, template: { ...structuredClone(template), protocol, basis: 'default' }, notes };
}
