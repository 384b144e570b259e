import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LIVER_DEFAULTS, type SequenceKind, toMs } from '../core/acquisition.js';
import { LivermrsError } from '../core/errors.js';
import type { Fid } from '../core/fid.js';
import {
  attenuation,
  LIVER_RELAXATION_3T,
  LIVER_WATER_CONTENT,
  PURE_WATER_MMOL_PER_KG,
} from '../fit/quantify.js';
import { fitWaterReference } from '../fit/water-reference.js';
import { readSingleFid } from '../networks/read-spectrum.js';
import type { Cohort } from '../simulate/cohort-schema.js';
import { type Manifest, ManifestError, type ManifestEntry, rowLabel } from './manifest.js';
import type { Patient } from './virtual-study.js';

/**
 * The spectra of a manifest, read and checked before any work: every file readable as one spectrum, no file
 * (by content, not only by path) listed twice, every spectrum water-suppressed, and one protocol for all of them
 * (nucleus, sequence, TE, field, spectral width, points, ppm reference). A spectrum that differs is named with
 * the field in the file's units (ms, MHz, Hz) against what the other spectra have.
 */
export interface ManifestSpectra {
  fids: Fid[];
  /** Water references in entry order (when the manifest has them). */
  water?: Fid[];
}

const SEQUENCE_NAMES: Record<SequenceKind, string> = {
  press: 'PRESS',
  steam: 'STEAM',
  slaser: 'semi-LASER',
  fid: 'pulse-acquire',
};

interface ProtocolField {
  label: string;
  value(f: Fid): number | string | undefined;
  /** Text of a value in the file's units. */
  show(v: number | string): string;
  /** Relative tolerance of numeric values. */
  tolerance?: number;
}

const round = (v: number, digits: number) => String(Number(v.toFixed(digits)));

export const PROTOCOL_FIELDS: ProtocolField[] = [
  { label: 'nucleus', value: (f) => f.nucleus, show: String },
  {
    label: 'sequence',
    value: (f) => f.acquisition?.sequence,
    show: (v) => SEQUENCE_NAMES[v as SequenceKind] ?? String(v),
  },
  {
    label: 'TE',
    value: (f) => {
      const te = f.echoTime ?? f.acquisition?.echoTime;
      return te === undefined ? undefined : toMs(te);
    },
    show: (v) => `${round(v as number, 3)} ms`,
    tolerance: 1e-3,
  },
  {
    label: 'field',
    value: (f) => f.spectrometerFrequency,
    show: (v) => `${round(v as number, 4)} MHz`,
    tolerance: 1e-4,
  },
  {
    label: 'spectral width',
    value: (f) => 1 / f.dwellTime,
    show: (v) => `${round(v as number, 2)} Hz`,
    tolerance: 1e-5,
  },
  { label: 'points', value: (f) => f.points, show: (v) => String(v) },
  {
    label: 'ppm reference',
    value: (f) => f.ppmReference,
    show: (v) => `${round(v as number, 3)} ppm`,
    tolerance: 1e-6,
  },
];

function same(a: number | string, b: number | string, tolerance?: number): boolean {
  if (typeof a === 'number' && typeof b === 'number' && tolerance !== undefined) {
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b;
}

/**
 * Findings of fields whose value in one row differs from the most common value of the other rows (rows that
 * do not state a field are not compared on it).
 */
export function protocolFindings(entries: readonly ManifestEntry[], fids: readonly Fid[]): string[] {
  const findings: { line: number; text: string }[] = [];
  for (const field of PROTOCOL_FIELDS) {
    const values = fids.map((f) => field.value(f));
    const stated = values.filter((v): v is number | string => v !== undefined);
    if (stated.length < 2) continue;
    // The most common value (first listed on ties); values within the tolerance count as one.
    let mode = stated[0];
    let best = 0;
    for (const v of stated) {
      const n = stated.filter((w) => same(v, w, field.tolerance)).length;
      if (n > best) {
        best = n;
        mode = v;
      }
    }
    values.forEach((v, i) => {
      if (v === undefined || same(v, mode, field.tolerance)) return;
      const others = stated.length - 1;
      const rest =
        best === others
          ? `the other ${others} spectra have ${field.show(mode)}`
          : `most spectra (${best} of ${stated.length}) have ${field.show(mode)}`;
      findings.push({
        line: entries[i].line,
        text: `${rowLabel(entries[i])}: ${field.label} ${field.show(v)}, ${rest} (expected one protocol for every spectrum of a study)`,
      });
    });
  }
  return findings.sort((a, b) => a.line - b.line).map((f) => f.text);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function samplesHash(f: Fid): string {
  const d = f.data;
  return createHash('sha256')
    .update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))
    .digest('hex');
}

/** Reads one row's spectrum with its acquisition hints; header values win, a conflicting hint is a finding. */
function readRow(e: ManifestEntry, findings: string[]): Fid | undefined {
  let fid: Fid;
  try {
    fid = readSingleFid(e.file, {
      ...(e.sw ? { dwellTime: 1 / e.sw } : {}),
      ...(e.frequency ? { spectrometerFrequency: e.frequency } : {}),
    });
  } catch (err) {
    if (!(err instanceof LivermrsError)) throw err;
    const msg = err.message.startsWith(`${e.file}: `) ? err.message.slice(e.file.length + 2) : err.message;
    findings.push(`${rowLabel(e)}: ${msg}`);
    return undefined;
  }
  const conflict = (what: string, hint: string, header: string) =>
    findings.push(`${rowLabel(e)}: ${what} given as ${hint}, the file's header says ${header}`);
  if (e.te !== undefined) {
    const header = fid.echoTime ?? fid.acquisition?.echoTime;
    if (header === undefined) fid.echoTime = e.te / 1000;
    else if (Math.abs(toMs(header) - e.te) > 1e-3 * e.te) conflict('te', `${e.te} ms`, `${toMs(header)} ms`);
  }
  if (e.sequence !== undefined) {
    const header = fid.acquisition?.sequence;
    if (header === undefined) fid.acquisition = { ...fid.acquisition, sequence: e.sequence };
    else if (header !== e.sequence) {
      conflict('sequence', SEQUENCE_NAMES[e.sequence], SEQUENCE_NAMES[header]);
    }
  }
  if (e.sw !== undefined && Math.abs(1 / fid.dwellTime / e.sw - 1) > 1e-5) {
    conflict('sw', `${e.sw} Hz`, `${round(1 / fid.dwellTime, 2)} Hz`);
  }
  if (e.frequency !== undefined && Math.abs(fid.spectrometerFrequency / e.frequency - 1) > 1e-4) {
    conflict('frequency', `${e.frequency} MHz`, `${round(fid.spectrometerFrequency, 4)} MHz`);
  }
  return fid;
}

/** Reads and checks every spectrum (and water reference) of a manifest; throws ManifestError with all findings. */
export function readManifestSpectra(m: Manifest): ManifestSpectra {
  const findings: string[] = [];
  // The same data listed twice (a prior patient also tested, or a copy under another name).
  const byHash = new Map<string, ManifestEntry>();
  for (const e of m.entries) {
    const h = sha256(e.file);
    const first = byHash.get(h);
    if (first) {
      findings.push(
        `${rowLabel(e)}: ${first.file === e.file ? 'the same file' : 'identical content (SHA-256)'} as ${rowLabel(first)} (expected each spectrum once)`,
      );
    } else byHash.set(h, e);
  }
  const fids = m.entries.map((e) => readRow(e, findings));
  const bySamples = new Map<string, ManifestEntry>();
  fids.forEach((f, i) => {
    if (!f) return;
    const e = m.entries[i];
    const h = samplesHash(f);
    const first = bySamples.get(h);
    // Files that differ as bytes (another format, compression) but hold the same samples.
    if (first && sha256(first.file) !== sha256(e.file)) {
      findings.push(`${rowLabel(e)}: the same samples as ${rowLabel(first)} (expected each spectrum once)`);
    } else if (!first) bySamples.set(h, e);
    if (f.acquisition?.waterSuppressed === false) {
      findings.push(
        `${rowLabel(e)}: water-unsuppressed (header: water suppression off); the study analyses water-suppressed spectra (an unsuppressed reference belongs in the water column)`,
      );
    }
  });
  if (fids.every((f) => f)) findings.push(...protocolFindings(m.entries, fids as Fid[]));
  let water: Fid[] | undefined;
  if (m.entries[0]?.water) {
    water = [];
    for (const e of m.entries) {
      try {
        const w = readSingleFid(e.water as string);
        if (w.acquisition?.waterSuppressed === true) {
          findings.push(
            `${rowLabel(e)}: water reference ${e.water} is water-suppressed (header) (expected an unsuppressed reference)`,
          );
        }
        water.push(w);
      } catch (err) {
        if (!(err instanceof LivermrsError)) throw err;
        findings.push(`${rowLabel(e)}: water reference: ${err.message}`);
      }
    }
  }
  if (findings.length) throw new ManifestError(m.file, findings);
  return { fids: fids as Fid[], ...(water ? { water } : {}) };
}

export interface ManifestPatients {
  patients: Patient[];
  /** The template cohort with the data's protocol (field, spectral width, points, echo time, reference). */
  template: Cohort;
  notes: string[];
}

/**
 * The checked spectra as study patients, each scaled to its water reference when given (FID × 2·[H2O]·R_W / W
 * with the liver defaults of src/fit/quantify.ts, so amplitudes are in mmol/kg of water-referenced signal);
 * patients keep the manifest order within each group and are named by their path as written in the manifest.
 */
export function loadManifestPatients(
  m: Manifest,
  template: Cohort,
  spectra: ManifestSpectra,
): ManifestPatients {
  const notes: string[] = [];
  const fids = spectra.fids;
  const ref = fids[0];
  if (spectra.water) {
    fids.forEach((f, i) => {
      const w = fitWaterReference((spectra.water as Fid[])[i]);
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
  const te = ref.echoTime ?? ref.acquisition?.echoTime;
  const protocol = {
    ...template.protocol,
    spectrometerFrequency: ref.spectrometerFrequency,
    spectralWidth: 1 / ref.dwellTime,
    points: ref.points,
    ppmReference: ref.ppmReference,
    ...(te !== undefined ? { echoTime: toMs(te) } : {}),
    // The basis follows the files' sequence (a STEAM study is fitted with a STEAM basis).
    ...(ref.acquisition?.sequence ? { sequence: ref.acquisition.sequence.toUpperCase() } : {}),
  };
  if (te === undefined) {
    notes.push(
      `the files do not state the echo time: assumed ${template.protocol.echoTime ?? toMs(LIVER_DEFAULTS.echoTime)} ms`,
    );
  }
  const patients: Patient[] = [];
  m.groups.forEach((g, label) => {
    for (const role of ['prior', 'test'] as const) {
      m.entries.forEach((e, i) => {
        if (e.group !== g || e.role !== role) return;
        patients.push({ id: e.written, group: g, label, role, fid: fids[i] });
      });
    }
  });
  return { patients, template: { ...structuredClone(template), protocol, basis: 'default' }, notes };
}
