import { readFileSync } from 'node:fs';
import { acquisitionOf, LIVER_DEFAULTS, type SequenceKind, toMs } from '../core/acquisition.js';
import { InputError, UsageError } from '../core/errors.js';
import { fieldToFrequencyMHz } from '../core/fid.js';
import { readFslSequence } from '../physics/pulses/fslmrs-sequence.js';
import { checkProtocol, type Protocol } from '../physics/protocol.js';
import { readSpectra } from './input.js';

/**
 * The protocol part of a basis request (`livermrs basis` options, in its units: tesla, MHz, ms, Hz). Times absent
 * take the liver defaults of core/acquisition.ts for the sequence.
 */
export interface BasisProtocolOptions {
  field?: number;
  frequency?: number;
  sequence: SequenceKind;
  te?: number;
  te1?: number;
  te2?: number;
  tm?: number;
  sw: number;
  points: number;
  ppmReference: number;
}

/** Which options the user gave (the others hold defaults): a data file's or a sequence file's values yield to them. */
export type GivenOption = (option: string) => boolean;

/** The options as a protocol, refusing contradictory timing options. */
export function protocolFromOptions(o: BasisProtocolOptions): Protocol {
  if (o.field !== undefined && o.frequency !== undefined) {
    throw new UsageError('--field and --frequency both given (expected one of them)');
  }
  const mhz =
    o.field !== undefined
      ? fieldToFrequencyMHz(o.field)
      : (o.frequency ?? LIVER_DEFAULTS.spectrometerFrequency);
  const ms = (v: number | undefined) => (v === undefined ? undefined : v / 1000);
  const base = {
    spectrometerFrequency: mhz,
    dwellTime: 1 / o.sw,
    points: o.points,
    ppmReference: o.ppmReference,
  };
  const only = (names: (keyof BasisProtocolOptions)[], sequence: string) => {
    for (const n of names) {
      if (o[n] !== undefined) {
        const flag = `--${String(n)}`;
        throw new UsageError(`${flag} does not apply to --sequence ${o.sequence} (it is for ${sequence})`);
      }
    }
  };
  let protocol: Protocol;
  switch (o.sequence) {
    case 'fid':
      only(['te', 'te1', 'te2', 'tm'], 'press, steam or slaser');
      protocol = { ...base, sequence: 'fid' };
      break;
    case 'slaser':
      only(['te1', 'te2'], 'press');
      only(['tm'], 'steam');
      protocol = { ...base, sequence: 'slaser', te: ms(o.te ?? 30) };
      break;
    case 'steam':
      only(['te1', 'te2'], 'press');
      protocol = {
        ...base,
        sequence: 'steam',
        te: o.te !== undefined ? ms(o.te) : LIVER_DEFAULTS.echoTime,
        tm: o.tm !== undefined ? ms(o.tm) : LIVER_DEFAULTS.mixingTime,
      };
      break;
    default: {
      only(['tm'], 'steam');
      let te = o.te;
      if (te === undefined && o.te1 === undefined && o.te2 === undefined) te = toMs(LIVER_DEFAULTS.echoTime);
      if (
        o.te1 !== undefined &&
        o.te2 !== undefined &&
        te !== undefined &&
        Math.abs(o.te1 + o.te2 - te) > 1e-9
      ) {
        throw new UsageError(`--te ${te} is not --te1 + --te2 = ${o.te1 + o.te2} ms`);
      }
      if ((o.te1 === undefined) !== (o.te2 === undefined) && te === undefined) {
        throw new UsageError('--te1 and --te2 go together (or give --te with one of them)');
      }
      if (te !== undefined && ((o.te1 ?? 0) > te || (o.te2 ?? 0) > te)) {
        throw new UsageError(`--te1/--te2 longer than --te ${te} ms`);
      }
      protocol = { ...base, sequence: 'press', te: ms(te), te1: ms(o.te1), te2: ms(o.te2) };
    }
  }
  checkProtocol(protocol, 'command line');
  return protocol;
}

/**
 * An FSL-MRS sequence description gives the sequence, field, reference and sampling; sw, points and ppm
 * reference given as options still apply, timing and pulse options are refused.
 */
export function protocolOfSequenceFile(file: string, o: BasisProtocolOptions, given: GivenOption) {
  for (const flag of ['te', 'te1', 'te2', 'tm', 'pulses', 'grid', 'field', 'frequency', 'sequence']) {
    if (given(flag)) {
      throw new UsageError(`--${flag} does not go with --sequence-file (the file describes the sequence)`);
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  const f = readFslSequence(text, file);
  // Timing between pulse centres, for the basis metadata (the shaped sequence itself is simulated as given).
  const centres: number[] = [];
  const keeps: number[] = [];
  let t = 0;
  for (const s of f.sequence.steps) {
    if (s.kind === 'delay') {
      t += s.seconds;
    } else {
      centres.push(t + s.pulse.duration / 2);
      keeps.push(s.keep);
      t += s.pulse.duration;
    }
  }
  const echo = t - centres[0];
  const steam = centres.length === 3 && keeps[1] === 0;
  // A 90 and four refocusing pulses (two pairs): semi-LASER, whose protocol has only TE.
  const slaser = centres.length === 5 && !steam;
  const protocol: Protocol = {
    spectrometerFrequency: f.spectrometerFrequency,
    dwellTime: given('sw') ? 1 / o.sw : f.dwellTime,
    points: given('points') ? o.points : f.points,
    ppmReference: given('ppmReference') ? o.ppmReference : f.ppmReference,
    ...(steam
      ? { sequence: 'steam' as const, te: echo - (centres[2] - centres[1]), tm: centres[2] - centres[1] }
      : slaser
        ? { sequence: 'slaser' as const, te: echo }
        : centres.length >= 2
          ? {
              sequence: 'press' as const,
              te1: 2 * (centres[1] - centres[0]),
              te2: Math.max(0, echo - 2 * (centres[1] - centres[0])),
            }
          : { sequence: 'fid' as const }),
  };
  checkProtocol(protocol, file);
  return { protocol, sequence: f.sequence };
}

/** Where a `--like` protocol came from: the file and the header values the basis records. */
export interface LikeSource {
  file: string;
  sequenceName: string | null;
  repetitionTime: number | null;
  note?: string;
}

/**
 * The protocol of a data file (every format `fit` reads, through readMrs and the NIfTI-MRS header keys of
 * core/acquisition.ts): sequence, TE (TE1/TE2 when the header has them, else TE split equally), TM, field,
 * spectral width and points. Options given replace the header's values; a value that is neither in the header
 * nor given is an error naming the file and the field.
 */
export function protocolLike(
  file: string,
  o: BasisProtocolOptions,
  given: GivenOption,
): { protocol: Protocol; source: LikeSource } {
  if (given('field') && given('frequency')) {
    throw new UsageError('--field and --frequency both given (expected one of them)');
  }
  const frequency = given('field')
    ? fieldToFrequencyMHz(o.field as number)
    : given('frequency')
      ? o.frequency
      : undefined;
  const fids = readSpectra(file, {
    frequency,
    sw: given('sw') ? o.sw : undefined,
    te: given('te') ? o.te : undefined,
    // A basis for another TE than the scan's is a legitimate request: options replace header values here.
    force: true,
  });
  const acq = acquisitionOf(fids[0]);
  const missing = (field: string, flag: string) =>
    new InputError(`not in the header (give ${flag})`, { file, field });
  const sequence = given('sequence') ? o.sequence : acq.sequence;
  if (sequence === undefined) {
    const name = acq.sequenceName ? ` (SequenceName '${acq.sequenceName}')` : '';
    throw new InputError(`sequence unknown${name}`, {
      file,
      field: 'sequence',
      expected: 'PRESS, STEAM, semi-LASER or FID in the header, or --sequence',
    });
  }
  if (fids.length > 1 && !given('te')) {
    throw new InputError(`holds ${fids.length} echoes`, { file, expected: 'one spectrum, or --te' });
  }
  const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);
  const timed = sequence !== 'fid';
  const te = given('te') ? o.te : ms(acq.echoTime);
  const ownSplit = given('te1') || given('te2');
  const te1 = ownSplit ? o.te1 : ms(acq.te1);
  const te2 = ownSplit ? o.te2 : ms(acq.te2);
  if (timed && te === undefined && (sequence !== 'press' || te1 === undefined || te2 === undefined)) {
    throw missing('EchoTime', '--te');
  }
  const tm = given('tm') ? o.tm : ms(acq.mixingTime);
  if (sequence === 'steam' && tm === undefined) throw missing('MixingTime', '--tm');
  const protocol = protocolFromOptions({
    ...o,
    sequence,
    field: undefined,
    frequency: frequency ?? acq.spectrometerFrequency,
    sw: given('sw') ? o.sw : 1 / acq.dwellTime,
    points: given('points') ? o.points : acq.points,
    ppmReference: given('ppmReference') ? o.ppmReference : acq.ppmReference,
    te: timed && !(given('te1') && given('te2') && !given('te')) ? te : undefined,
    te1: sequence === 'press' ? te1 : undefined,
    te2: sequence === 'press' ? te2 : undefined,
    tm: sequence === 'steam' ? tm : undefined,
  });
  const source = {
    file,
    sequenceName: acq.sequenceName ?? null,
    repetitionTime: acq.repetitionTime ?? null,
    ...(sequence === 'press' && te1 === undefined
      ? { note: 'no TE1/TE2 in the header: TE split equally' }
      : {}),
  };
  return { protocol, source };
}
