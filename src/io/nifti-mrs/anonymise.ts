import { sequenceKindOf } from '../../core/acquisition.js';
import type { MrsData } from '../../core/mrs-data.js';

/**
 * `convert --anon`: a copy of a data set whose header identifies no one. Three layers, because a blacklist of
 * the standard's "anon" keys alone left the provenance (full source paths with subject folders, session dates
 * and DICOM UIDs holding the scanner serial) and vendors' free text in place:
 *
 * 1. Only keys known to hold acquisition parameters are kept (KEPT_KEYS, the dimension keys dim_N*, livermrs'
 *    own records); every other key — the NIfTI-MRS standard's "anon" keys (definitions.json v0.11: patient
 *    name/ID/birth date, institution, device serial, model name, original file), dates, UIDs, free text
 *    (ProtocolName), vendor and user-defined objects (coil names, sequence binary paths) — is dropped.
 *    A ProtocolName that named the sequence kind leaves it as SequenceName.
 * 2. ProcessingApplied keeps Program, Version and Method; its Time is dropped and its Details are cleaned:
 *    paths reduced to file names, then identifiers stripped (scrubText).
 * 3. Every identifying value of the source header (and of the water reference's) is removed wherever it still
 *    appears in a kept string (e.g. a patient name inside a file name).
 * The samples are not touched.
 */
export const KEPT_KEYS: ReadonlySet<string> = new Set([
  'SpectrometerFrequency',
  'ResonantNucleus',
  'SpecFreqChemShift',
  'PpmReference',
  'EchoTime',
  'RepetitionTime',
  'InversionTime',
  'MixingTime',
  'ExcitationFlipAngle',
  'TxOffset',
  'SpectralWidth',
  'WaterSuppressed',
  'WaterSuppressionType',
  'SequenceTriggered',
  'SequenceName',
  'NumberOfAverages',
  'Manufacturer',
  'SoftwareVersions',
  'PatientPosition',
  'TxCoil',
  'ConversionMethod',
  'ProcessingApplied',
  'livermrs_simulation',
  'livermrs_network',
]);

/** Header keys whose values identify a person, a site, a device or a session (searched and removed). */
const IDENTIFYING_KEY =
  /patient|institution|serial|uid|date|time|physician|operator|station|accession|study|series|originalfile|modelname|^private_|name$|id$|address/i;
/** Keys matching IDENTIFYING_KEY that are acquisition parameters, not identifiers. */
const NOT_IDENTIFYING = new Set([
  'EchoTime',
  'RepetitionTime',
  'InversionTime',
  'MixingTime',
  'SequenceName',
  'PatientPosition',
]);

/** `[removed]`: what replaces an identifier inside kept text. */
export const REMOVED = '[removed]';

/**
 * Identifiers inside free text: paths (to their file name), DICOM UIDs (digits with three or more dots, whose
 * tail is often the scanner serial and a timestamp), dates (YYYYMMDD, YYYY-MM-DD, DD.MM.YYYY), clock times and
 * runs of five or more digits not after a decimal point (serial numbers, patient IDs, measurement IDs).
 */
export function scrubText(text: string): string {
  return (
    text
      // A path (a token holding / or \, not a fraction like 15/16) becomes its last component.
      .replace(/[^\s'",;()[\]{}]*[\\/][^\s'",;()[\]{}]*/g, (token) =>
        /^\d+\/\d+$/.test(token) ? token : (token.split(/[\\/]/).pop() ?? ''),
      )
      .replace(/\d+(?:\.\d+){3,}/g, REMOVED)
      .replace(
        /\b(?:19|20)\d{2}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])(?:[T _-]?\d{2}:?\d{2}(?::?\d{2}(?:\.\d+)?)?)?/g,
        REMOVED,
      )
      .replace(/\b(?:0[1-9]|[12]\d|3[01])[./](?:0[1-9]|1[0-2])[./](?:19|20)\d{2}\b/g, REMOVED)
      .replace(/\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b/g, REMOVED)
      .replace(/(?<![.\d])\d{5,}/g, REMOVED)
  );
}

/** Every identifying string value of a header (with the file names of its source), for the final sweep. */
export function identifyingValues(mrs: MrsData): string[] {
  const out = new Set<string>();
  const visit = (key: string, v: unknown, identifying: boolean) => {
    if (typeof v === 'string' || typeof v === 'number') {
      const s = String(v).trim();
      // Short values ("M", "O", "45") would match anywhere and identify no one on their own.
      if (identifying && s.length >= 4) out.add(s);
      return;
    }
    if (Array.isArray(v)) for (const x of v) visit(key, x, identifying);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(k, x, identifying || isIdentifyingKey(k));
    }
  };
  for (const [k, v] of Object.entries(mrs.extension)) {
    // The original file name is kept in the provenance, scrubbed (scrubText), not removed.
    if (k === 'ProcessingApplied' || k === 'OriginalFile') continue;
    visit(k, v, isIdentifyingKey(k));
  }
  if (mrs.reference) for (const v of identifyingValues(mrs.reference)) out.add(v);
  return [...out];
}

function isIdentifyingKey(k: string): boolean {
  return IDENTIFYING_KEY.test(k) && !NOT_IDENTIFYING.has(k);
}

function keep(k: string): boolean {
  return KEPT_KEYS.has(k) || /^dim_[5-7](_info|_header)?$/.test(k);
}

/** A copy of the data set without identifying metadata (the samples shared, not copied). */
export function anonymise(mrs: MrsData, also: readonly MrsData[] = []): MrsData {
  const values = [...identifyingValues(mrs), ...also.flatMap(identifyingValues)]
    // Longest first, so that a name is removed before a shorter value inside it.
    .sort((a, b) => b.length - a.length);
  // The source paths themselves (spaces and all), reduced to their scrubbed file names before anything else.
  const sources = (m: MrsData): MrsData[] => [m, ...(m.reference ? sources(m.reference) : [])];
  const paths = [...sources(mrs), ...also.flatMap(sources)]
    .map((m) => m.source.file)
    .filter((f) => /[\\/]/.test(f))
    .sort((a, b) => b.length - a.length);
  const details = (text: string) => {
    let t = text;
    for (const f of paths) t = t.split(f).join(f.split(/[\\/]/).pop() ?? '');
    return scrubText(sweep(t));
  };
  const sweep = (s: string) => {
    let t = s;
    for (const v of values) if (t.includes(v)) t = t.split(v).join(REMOVED);
    return t;
  };
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return sweep(v);
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x)]));
    }
    return v;
  };
  const one = (m: MrsData): MrsData => {
    const ext: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m.extension)) {
      if (keep(k)) ext[k] = structuredClone(v);
    }
    if (ext.SequenceName === undefined) {
      const kind = sequenceKindOf(
        typeof m.extension.ProtocolName === 'string' ? m.extension.ProtocolName : undefined,
      );
      if (kind) ext.SequenceName = kind.toUpperCase();
    }
    if (Array.isArray(ext.ProcessingApplied)) {
      ext.ProcessingApplied = ext.ProcessingApplied.map((step) => {
        if (!step || typeof step !== 'object') return step;
        const { Time: _t, Details, ...rest } = step as Record<string, unknown>;
        return { ...rest, ...(typeof Details === 'string' ? { Details: details(Details) } : {}) };
      });
    }
    return {
      ...m,
      extension: clean(ext) as Record<string, unknown>,
      source: { ...m.source, file: 'anonymised' },
      reference: m.reference ? one(m.reference) : undefined,
    };
  };
  return one(mrs);
}
