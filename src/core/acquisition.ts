import { InputError } from './errors.js';
import { DEFAULT_PPM_REFERENCE, type Fid } from './fid.js';
import type { MrsHeader, SpectralGrid } from './grid.js';

/**
 * The acquisition: what a spectrum was measured with. Every reader fills it (through the NIfTI-MRS header keys
 * it writes: SequenceName, EchoTime, MixingTime, RepetitionTime, WaterSuppressed, and the transient dimension),
 * and basis simulation, fitting, simulation and the networks all take it. Times in seconds, frequencies in MHz.
 *
 * `sequence` is undefined when the file does not say: a command that needs it (the metabolite basis) asks for
 * `--sequence` rather than assuming PRESS. `waterSuppressed` is undefined when the header does not say; the
 * water–fat analysis then decides from the spectrum itself (fit/water-fat/detect.ts).
 */
export type SequenceKind = 'press' | 'steam' | 'slaser' | 'fid';

export const SEQUENCE_KINDS: readonly SequenceKind[] = ['press', 'steam', 'slaser', 'fid'];

export interface Acquisition extends SpectralGrid {
  nucleus: string;
  sequence?: SequenceKind;
  /** The vendor's sequence name the kind was read from, e.g. '*svs_st', 'PROBE-P'. */
  sequenceName?: string;
  echoTime?: number;
  /** PRESS: first and second echo times when the header gives them. */
  te1?: number;
  te2?: number;
  /** STEAM mixing time. */
  mixingTime?: number;
  repetitionTime?: number;
  waterSuppressed?: boolean;
  /** Number of transients (averages) in the file or summed by the scanner. */
  transients?: number;
  /**
   * Where each value came from: 'header:<key>' (the file's own field, e.g. 'header:sPrepPulses.ucWaterSat = 32',
   * 'header:$SEQPAR ECHOT'), 'file-name:<rule>', 'option' (given by the user), 'default' (LIVER_DEFAULTS) or
   * 'spectrum' (measured on the data). A field without a source was not set.
   */
  sources?: Partial<Record<AcquisitionField, string>>;
}

/** The acquisition values whose source is recorded. */
export type AcquisitionField =
  | 'nucleus'
  | 'spectrometerFrequency'
  | 'sequence'
  | 'echoTime'
  | 'repetitionTime'
  | 'mixingTime'
  | 'waterSuppressed';

export const ACQUISITION_FIELDS: readonly AcquisitionField[] = [
  'nucleus',
  'spectrometerFrequency',
  'sequence',
  'echoTime',
  'repetitionTime',
  'mixingTime',
  'waterSuppressed',
];

/**
 * The liver defaults, each defined here once: 1H at 3 T (127.76 MHz), PRESS TE 30 ms (15 + 15 ms), STEAM TM 10 ms,
 * TR 1500 ms, 2000 Hz spectral width, 1024 points, receiver at 4.65 ppm. The built-in cohorts, the default basis
 * and the shipped models are for this protocol, and every option or header field that is not given falls back
 * to it. Times in seconds.
 */
export const LIVER_DEFAULTS = Object.freeze({
  nucleus: '1H',
  spectrometerFrequency: 127.76,
  sequence: 'press' as SequenceKind,
  echoTime: 0.03,
  te1: 0.015,
  te2: 0.015,
  mixingTime: 0.01,
  repetitionTime: 1.5,
  spectralWidth: 2000,
  dwellTime: 1 / 2000,
  points: 1024,
  ppmReference: DEFAULT_PPM_REFERENCE,
});

/** Seconds → milliseconds for messages and option defaults (rounded to the microsecond: 0.03 s → 30 ms). */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}

/**
 * Sequence kind from a vendor sequence name: Siemens svs_se / svs_st (and their WIP variants), GE PROBE-P /
 * PROBE-S, Philips and NIfTI-MRS names containing PRESS or STEAM, semi-LASER names (CMRR eja_svs_slaser,
 * "semi-LASER", "sLASER"). Undefined when the name says none of them (full LASER, MEGA and SPECIAL, which
 * livermrs does not simulate).
 */
export function sequenceKindOf(name: string | undefined): SequenceKind | undefined {
  if (!name) return undefined;
  const s = name.toLowerCase();
  if (/mega|special/.test(s)) return undefined;
  if (/steam|svs_st|probe-s\b|probe_s\b|histo/.test(s)) return 'steam';
  if (/slaser|semi[-_ ]?laser/.test(s)) return 'slaser';
  if (/laser/.test(s)) return undefined;
  if (/press|svs_se|probe-p\b|probe_p\b|\bprobe\b/.test(s)) return 'press';
  if (/\bfid\b|pulse.?acquire/.test(s)) return 'fid';
  return undefined;
}

/** A sequence kind given by a user (`--sequence`), checked. */
export function parseSequenceKind(v: string, field = '--sequence'): SequenceKind {
  const s = v.toLowerCase();
  if (!(SEQUENCE_KINDS as readonly string[]).includes(s)) {
    throw new InputError(`'${v}' is not a sequence livermrs simulates`, {
      field,
      expected: SEQUENCE_KINDS.join(', '),
    });
  }
  return s as SequenceKind;
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v && typeof v === 'object' && 'Value' in v) return num((v as { Value: unknown }).Value);
  return undefined;
};

/**
 * The acquisition of a data set from its header and its NIfTI-MRS header extension (the keys every reader
 * writes). `transients` counts a DIM_DYN dimension times any NumberOfAverages the scanner summed. `headerKeys`
 * names the vendor field each value was read from (MrsSource.headerKeys); a value without one is attributed to
 * its NIfTI-MRS key.
 */
export function acquisitionFrom(
  header: MrsHeader,
  points: number,
  extension: Record<string, unknown> = {},
  transientsInFile = 1,
  headerKeys: Partial<Record<AcquisitionField, string>> = {},
): Acquisition {
  const name = typeof extension.SequenceName === 'string' ? extension.SequenceName : undefined;
  const protocol = typeof extension.ProtocolName === 'string' ? extension.ProtocolName : undefined;
  const sequence = sequenceKindOf(name) ?? sequenceKindOf(protocol);
  const ws = extension.WaterSuppressed;
  const averages = num(extension.NumberOfAverages);
  const echoTime = header.echoTime ?? num(extension.EchoTime);
  const repetitionTime = header.repetitionTime ?? num(extension.RepetitionTime);
  const mixingTime = num(extension.MixingTime);
  const sources: Partial<Record<AcquisitionField, string>> = {};
  const from = (field: AcquisitionField, niftiKey: string, present: boolean) => {
    if (present) sources[field] = headerKeys[field] ?? `header:${niftiKey}`;
  };
  from('nucleus', 'ResonantNucleus', true);
  from('spectrometerFrequency', 'SpectrometerFrequency', true);
  from('sequence', sequenceKindOf(name) ? 'SequenceName' : 'ProtocolName', sequence !== undefined);
  from('echoTime', 'EchoTime', echoTime !== undefined);
  from('repetitionTime', 'RepetitionTime', repetitionTime !== undefined);
  from('mixingTime', 'MixingTime', mixingTime !== undefined);
  from('waterSuppressed', 'WaterSuppressed', typeof ws === 'boolean');
  return {
    nucleus: header.nucleus,
    spectrometerFrequency: header.spectrometerFrequency,
    dwellTime: header.dwellTime,
    points,
    ppmReference: header.ppmReference,
    sequence,
    sequenceName: name,
    echoTime,
    mixingTime,
    repetitionTime,
    waterSuppressed: typeof ws === 'boolean' ? ws : undefined,
    transients: transientsInFile * (averages && averages > 1 ? averages : 1),
    sources,
  };
}

/** The acquisition carried by a Fid (its grid plus what its reader recorded in `acquisition`). */
export function acquisitionOf(fid: Fid): Acquisition {
  return {
    ...(fid.acquisition ?? {}),
    nucleus: fid.nucleus,
    spectrometerFrequency: fid.spectrometerFrequency,
    dwellTime: fid.dwellTime,
    points: fid.points,
    ppmReference: fid.ppmReference,
    echoTime: fid.echoTime ?? fid.acquisition?.echoTime,
    repetitionTime: fid.repetitionTime ?? fid.acquisition?.repetitionTime,
  };
}

/**
 * Sets the echo or repetition time a user gave (`--te`, `--tr`, milliseconds → seconds) on a FID, recording
 * 'option' as its source. A value that contradicts the file's own header by more than 0.5 ms is refused unless
 * `force` (a wrong TE silently changes every relaxation correction).
 */
export function applyTimingOption(
  fid: Fid,
  field: 'echoTime' | 'repetitionTime',
  seconds: number | undefined,
  force = false,
  file = String(fid.meta?.file ?? ''),
): void {
  if (seconds === undefined) return;
  const had = fid[field] ?? fid.acquisition?.[field];
  const source = fid.acquisition?.sources?.[field];
  const fromHeader = source === undefined || source.startsWith('header:');
  if (had !== undefined && fromHeader && Math.abs(had - seconds) > 5e-4 && !force) {
    const opt = field === 'echoTime' ? '--te' : '--tr';
    throw new InputError(`${opt} ${toMs(seconds)} ms contradicts the header's ${toMs(had)} ms`, {
      file,
      field: source ?? field,
      expected: `${opt} ${toMs(had)} (or leave it out), or add --force to use ${toMs(seconds)} ms anyway`,
    });
  }
  fid[field] = seconds;
  fid.acquisition = {
    ...(fid.acquisition ?? {}),
    [field]: seconds,
    sources: { ...(fid.acquisition?.sources ?? {}), [field]: 'option' },
  };
}

/** "value (source)" lines for `info` and the reports: every recorded field with where it came from. */
export function describeSources(acq: Partial<Acquisition>): [string, string][] {
  const rows: [string, string][] = [];
  const fmt = (f: AcquisitionField): string | undefined => {
    const v = acq[f];
    if (v === undefined) return undefined;
    if (f === 'echoTime' || f === 'repetitionTime' || f === 'mixingTime') return `${toMs(v as number)} ms`;
    if (f === 'spectrometerFrequency') return `${v} MHz`;
    if (f === 'waterSuppressed') return v ? 'yes' : 'no';
    return String(v);
  };
  for (const f of ACQUISITION_FIELDS) {
    const v = fmt(f);
    if (v !== undefined) rows.push([f, `${v} (${acq.sources?.[f] ?? 'header'})`]);
  }
  return rows;
}

/**
 * The realism levels of simulated spectra (simulate/realism.ts: distortions beyond a cohort's nuisance model),
 * here with the other defaults so that the command line lists them without loading the simulator.
 */
export const REALISM_LEVELS = ['none', 'typical', 'harsh'] as const;
export type RealismLevel = (typeof REALISM_LEVELS)[number];
