import type { Command } from 'commander';
import type { BasisSet } from '../../core/basis.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_PPM_REFERENCE, fieldToFrequencyMHz } from '../../core/fid.js';
import { withOutputDir } from '../../io/atomic.js';
import type { SpinSystemLibrary } from '../../physics/index.js';
import { checkProtocol, type Protocol } from '../../physics/protocol.js';
import { parseList, parseNumber, printJson } from '../options.js';
import { LIVER_DEFAULTS, toMs } from '../../core/acquisition.js';

interface BasisOptions {
  field?: number;
  frequency?: number;
  sequence: 'press' | 'steam' | 'slaser' | 'fid';
  te?: number;
  te1?: number;
  te2?: number;
  tm?: number;
  sw: number;
  points: number;
  ppmReference: number;
  metabolites?: string[];
  linewidth: number;
  gaussian: number;
  exchangeable?: boolean;
  spinSystems?: string;
  pulses?: string;
  grid?: number;
  sequenceFile?: string;
  like?: string;
  threads?: number;
  format: 'json' | 'lcmodel' | 'fsl';
  out: string;
  plot?: boolean | string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('basis')
    .description(
      'Simulate a basis set (density matrix, ideal or shaped pulses) and write it as JSON, LCModel .BASIS or FSL-MRS',
    )
    .option(
      '--field <tesla>',
      'B0 in tesla (sets the 1H frequency)',
      parseNumber('--field', { min: 0.1, max: 30 }),
    )
    .option(
      '--frequency <MHz>',
      `1H spectrometer frequency in MHz (default ${LIVER_DEFAULTS.spectrometerFrequency})`,
      parseNumber('--frequency', { min: 1, max: 1500 }),
    )
    .option(
      '--sequence <name>',
      'press, steam, slaser (semi-LASER: 90 and two pairs of refocusing pulses) or fid (pulse-acquire)',
      parseSequence,
      LIVER_DEFAULTS.sequence,
    )
    .option(
      '--te <ms>',
      `echo time in ms (default ${toMs(LIVER_DEFAULTS.echoTime)} for press, steam and slaser)`,
      parseNumber('--te', { min: 0, max: 2000 }),
    )
    .option(
      '--te1 <ms>',
      'PRESS first echo time in ms (default TE/2)',
      parseNumber('--te1', { min: 0, max: 2000 }),
    )
    .option(
      '--te2 <ms>',
      'PRESS second echo time in ms (default TE/2)',
      parseNumber('--te2', { min: 0, max: 2000 }),
    )
    .option(
      '--tm <ms>',
      `STEAM mixing time in ms (default ${toMs(LIVER_DEFAULTS.mixingTime)})`,
      parseNumber('--tm', { min: 0, max: 5000 }),
    )
    .option(
      '--sw <Hz>',
      'spectral width in Hz',
      parseNumber('--sw', { min: 100, max: 1e6 }),
      LIVER_DEFAULTS.spectralWidth,
    )
    .option(
      '--points <n>',
      'complex points per FID',
      parseNumber('--points', { min: 16, max: 1 << 20, integer: true }),
      LIVER_DEFAULTS.points,
    )
    .option(
      '--ppm-reference <ppm>',
      'chemical shift at the receiver frequency',
      parseNumber('--ppm-reference', { min: -50, max: 50 }),
      DEFAULT_PPM_REFERENCE,
    )
    .option(
      '--metabolites <list>',
      "comma list of components, or the sets 'liver' (default: 15 metabolites + 5 lipids) and 'brain'",
      parseList,
    )
    .option(
      '--linewidth <Hz>',
      'Lorentzian FWHM applied to every basis FID',
      parseNumber('--linewidth', { min: 0, max: 500 }),
      0,
    )
    .option(
      '--gaussian <Hz>',
      'Gaussian FWHM applied to every basis FID',
      parseNumber('--gaussian', { min: 0, max: 500 }),
      0,
    )
    .option('--exchangeable', 'include exchangeable NH/OH protons (left out by default)')
    .option('--spin-systems <path>', 'extra spin-system YAML file or folder (same names replace built-ins)')
    .option(
      '--pulses <file>',
      "simulate real RF pulses and slice selection: a pulse-set JSON file (docs/physics-shaped.md) or 'default' (Hann sincs, 20 mm)",
    )
    .option(
      '--grid <n>',
      'positions per slice direction with --pulses (default 64)',
      parseNumber('--grid', { min: 1, max: 4096, integer: true }),
    )
    .option(
      '--sequence-file <file>',
      'an FSL-MRS sequence description (JSON: pulses, gradients, delays, grid, B0, points, SW) to simulate as given',
    )
    .option(
      '--like <scanfile>',
      'take sequence, TE (TE1/TE2), TM, field, spectral width and points from a data file header (any format fit reads); options given here override it',
    )
    .option(
      '--threads <n>',
      'worker threads for shaped pulses, split by slice position (default: every core; 1 = this thread)',
      parseNumber('--threads', { min: 1, max: 1024, integer: true }),
    )
    .option('--format <format>', 'json, lcmodel or fsl', parseFormat, 'json')
    .option('--out <dir>', 'output folder', 'out/basis')
    .option(
      '--plot [file]',
      'SVG of all basis spectra (written by default, as basis.svg in the output folder)',
    )
    .option('--no-plot', 'do not write the SVG')
    .option('--json', 'print a JSON summary on stdout')
    .addHelpText(
      'after',
      `
Examples:
  livermrs basis --out out/basis
  livermrs basis --field 3 --sequence press --te1 11 --te2 19 --sw 4000 --points 2048 --format lcmodel --out out/press30
  livermrs basis --sequence steam --te 20 --tm 10 --metabolites brain --format fsl --out out/steam-fsl
  livermrs basis --pulses default --grid 64 --out out/press-shaped
  livermrs basis --sequence slaser --te 30 --pulses default --grid 32 --out out/slaser-shaped
  livermrs basis --pulses my-press.json --grid 32 --format lcmodel --out out/press-mine
  livermrs basis --sequence-file examplePRESS.json --metabolites Lac,Glu --out out/fsl-seq
  livermrs basis --like scan.rda --pulses default --format lcmodel --out out/like-scan

Formats: json writes basis.json (livermrs native, with line lists; docs/basis-format.md); lcmodel writes
basis.BASIS (LCModel prefers slightly broadened lines: add --linewidth 2); fsl writes one <name>.json per
component (an FSL-MRS basis folder: keep other .json files out).
`,
    )
    .action(async (opts: BasisOptions, cmd: Command) => {
      await runBasis(opts, (name) => cmd.getOptionValueSource(name) === 'cli');
    });
}

function parseSequence(v: string): BasisOptions['sequence'] {
  const s = v.toLowerCase();
  if (s !== 'press' && s !== 'steam' && s !== 'slaser' && s !== 'fid') {
    throw new UsageError(`--sequence: '${v}' is not a sequence (expected press, steam, slaser or fid)`);
  }
  return s;
}

function parseFormat(v: string): BasisOptions['format'] {
  const s = v.toLowerCase();
  if (s !== 'json' && s !== 'lcmodel' && s !== 'fsl') {
    throw new UsageError(`--format: '${v}' is not a basis format (expected json, lcmodel or fsl)`);
  }
  return s;
}

/** Turns the CLI options into a protocol, refusing contradictory timing options. */
export function protocolFromOptions(o: BasisOptions): Protocol {
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
  const only = (names: (keyof BasisOptions)[], sequence: string) => {
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

/** `sets`: named component sets accepted by --metabolites besides molecule names. */
function resolveComponents(
  list: string[] | undefined,
  library: SpinSystemLibrary,
  sets: Record<string, readonly string[]>,
): string[] {
  const out: string[] = [];
  for (const item of list ?? ['liver']) {
    const set = sets[item.toLowerCase()];
    const names = set ? [...set] : [item];
    for (const n of names) {
      if (!library.has(n)) {
        throw new UsageError(
          `--metabolites: unknown component '${n}' (known: liver, brain, ${library.names().join(', ')})`,
        );
      }
      if (!out.includes(n)) out.push(n);
    }
  }
  if (out.length === 0) throw new UsageError('--metabolites: empty list');
  return out;
}

async function runBasis(o: BasisOptions, given: (option: string) => boolean): Promise<void> {
  if (o.like !== undefined && o.sequenceFile !== undefined) {
    throw new UsageError('--like and --sequence-file both given (expected one of them)');
  }
  const fromFile = o.sequenceFile === undefined ? undefined : await readSequenceFile(o, given);
  const like = o.like === undefined ? undefined : await protocolLike(o.like, o, given);
  const protocol = fromFile?.protocol ?? like?.protocol ?? protocolFromOptions(o);
  // Loaded here, not at start-up: only this command simulates, plots and writes basis sets.
  const { BRAIN_METABOLITES, LIVER_COMPONENTS, loadSpinSystems, simulateLineLists } = await import(
    '../../physics/index.js'
  );
  const { simulateBasisParallel } = await import('../../physics/basis-parallel.js');
  const { writeBasisJson } = await import('../../io/basis-json.js');
  const { writeFslBasis } = await import('../../io/fslmrs-basis.js');
  const { writeLcmBasis } = await import('../../io/lcmodel/basis.js');
  const { basisPlotSvg } = await import('../../report/basis-plot.js');
  const library = loadSpinSystems(o.spinSystems);
  const pulses = await pulseSetFromOptions(o, protocol.sequence);
  const components = resolveComponents(o.metabolites, library, {
    liver: LIVER_COMPONENTS,
    brain: BRAIN_METABOLITES,
  });
  const started = performance.now();
  const options = {
    library,
    linewidthHz: o.linewidth,
    gaussianHz: o.gaussian,
    includeExchangeable: o.exchangeable,
    pulses,
    shapedSequence: fromFile?.sequence,
    store: pulses || fromFile ? (await import('../../io/line-store.js')).defaultLineStore() : undefined,
  };
  const shaped = pulses !== undefined || fromFile !== undefined;
  if (o.threads !== undefined && !shaped) {
    throw new UsageError('--threads needs --pulses or --sequence-file (the ideal engine takes 0.04 s)');
  }
  const basis = await simulateBasisParallel(protocol, components, options, o.threads);
  if (like) basis.meta = { ...basis.meta, like: like.source };
  const seconds = (performance.now() - started) / 1000;
  const files = await withOutputDir(o.out, (dir) => {
    const written: string[] = [];
    if (o.format === 'json') {
      const lines = simulateLineLists(protocol, components, options);
      written.push(dir.write('basis.json', writeBasisJson(basis, lines)));
    } else if (o.format === 'lcmodel') {
      written.push(dir.write('basis.BASIS', writeLcmBasis(basis, { id: basisId(basis) })));
    } else {
      for (const f of writeFslBasis(basis, 'livermrs')) written.push(dir.write(f.name, f.text));
    }
    if (o.plot !== false) {
      const name = typeof o.plot === 'string' ? o.plot : 'basis.svg';
      written.push(dir.write(name, basisPlotSvg(basis)));
    }
    return written;
  });
  const summary = {
    out: o.out,
    format: o.format,
    files,
    protocol,
    ...(like ? { like: like.source } : {}),
    seconds: Math.round(seconds * 1000) / 1000,
    components: basis.names.map((name) => ({ name, ...basis.components?.[name] })),
  };
  if (o.json) {
    printJson(summary);
  } else {
    process.stdout.write(
      `basis: ${basis.names.length} components, ${basisId(basis)}, simulated in ${summary.seconds} s\n` +
        (like ? `  like ${like.source.file}${like.source.note ? ` (${like.source.note})` : ''}\n` : '') +
        files.map((f) => `  wrote ${f}\n`).join(''),
    );
  }
}

/**
 * --sequence-file: an FSL-MRS sequence description gives the sequence, field, reference and sampling; --sw,
 * --points and --ppm-reference given on the command line still apply, timing and pulse options are refused.
 */
async function readSequenceFile(o: BasisOptions, given: (option: string) => boolean) {
  for (const flag of ['te', 'te1', 'te2', 'tm', 'pulses', 'grid', 'field', 'frequency', 'sequence']) {
    if (given(flag)) {
      throw new UsageError(`--${flag} does not go with --sequence-file (the file describes the sequence)`);
    }
  }
  const file = o.sequenceFile as string;
  const { readFileSync } = await import('node:fs');
  const { InputError } = await import('../../core/errors.js');
  const { readFslSequence } = await import('../../physics/pulses/fslmrs-sequence.js');
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

/**
 * --like SCANFILE: the protocol of a data file (every format `fit` reads, through readMrs and the NIfTI-MRS header
 * keys of core/acquisition.ts): sequence, TE (TE1/TE2 when the header has them, else TE split equally), TM,
 * field, spectral width and points. Options given on the command line replace the header's values; a value
 * that is neither in the header nor given is an error naming the file and the field.
 */
async function protocolLike(file: string, o: BasisOptions, given: (option: string) => boolean) {
  if (given('field') && given('frequency')) {
    throw new UsageError('--field and --frequency both given (expected one of them)');
  }
  const { readSpectra } = await import('../../analysis/input.js');
  const { acquisitionOf } = await import('../../core/acquisition.js');
  const { InputError } = await import('../../core/errors.js');
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

/** --pulses and --grid as a pulse set (undefined: ideal pulses). */
async function pulseSetFromOptions(o: BasisOptions, sequence: BasisOptions['sequence']) {
  if (o.pulses === undefined) {
    if (o.grid !== undefined) throw new UsageError('--grid needs --pulses (the ideal engine has no slices)');
    return undefined;
  }
  if (sequence === 'fid') throw new UsageError('--pulses needs --sequence press, steam or slaser');
  const { readPulseSetOption } = await import('../../io/pulse-set-file.js');
  return readPulseSetOption(o.pulses, o.grid);
}

function basisId(b: BasisSet): string {
  const te = b.echoTime !== undefined ? ` TE ${+(b.echoTime * 1000).toFixed(3)} ms` : '';
  return `${(b.sequence ?? '').toUpperCase()}${te} ${b.spectrometerFrequency.toFixed(2)} MHz ${(1 / b.dwellTime).toFixed(0)} Hz ${b.points} pts`;
}
