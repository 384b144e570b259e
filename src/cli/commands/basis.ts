import type { Command } from 'commander';
import type { BasisRequest } from '../../analysis/basis-simulation.js';
import { LIVER_DEFAULTS, SEQUENCE_KINDS, toMs } from '../../core/acquisition.js';
import { DEFAULT_PPM_REFERENCE } from '../../core/fid.js';
import { withOutputDir } from '../../io/atomic.js';
import { BASIS_FORMATS, type BasisFormat } from '../../io/format-ids.js';
import { orList, parseList, parseLowerChoice, parseNumber, printJson } from '../options.js';

interface BasisOptions extends BasisRequest {
  format: BasisFormat;
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
      orList(SEQUENCE_KINDS, {
        slaser: 'semi-LASER: 90 and two pairs of refocusing pulses',
        fid: 'pulse-acquire',
      }),
      parseLowerChoice('--sequence', SEQUENCE_KINDS, 'a sequence'),
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
    .option(
      '--format <format>',
      orList(BASIS_FORMATS),
      parseLowerChoice('--format', BASIS_FORMATS, 'a basis format'),
      BASIS_FORMATS[0],
    )
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
      // Loaded here, not at start-up: only this command simulates, plots and writes basis sets.
      const { basisSummary, basisSummaryText, simulateBasisRequest, writeBasisFiles } = await import(
        '../../analysis/basis-simulation.js'
      );
      const sim = await simulateBasisRequest(opts, (name) => cmd.getOptionValueSource(name) === 'cli');
      const files = await withOutputDir(opts.out, (dir) => writeBasisFiles(dir, sim, opts.format, opts.plot));
      if (opts.json) printJson(basisSummary(sim, opts.out, opts.format, files));
      else process.stdout.write(basisSummaryText(sim, files));
    });
}
