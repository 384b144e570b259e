import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { type Acquisition, describeSources } from '../../core/acquisition.js';
import { describeShape, type MrsData, toFid, voxelCount } from '../../core/mrs-data.js';
import { FORMAT_IDS, type FormatId } from '../../io/format-ids.js';
import { readOptionsOf } from '../../io/header-values.js';
import type { ReadMrsOptions } from '../../io/read.js';
import { parseNumber, printJson } from '../options.js';

/** Options shared by the commands that read MRS files: values headerless formats (LCModel .RAW, text) lack. */
export function addReadOptions(cmd: Command): Command {
  return cmd
    .option('--format <id>', `force a reader: ${FORMAT_IDS.join(', ')}`)
    .option(
      '--sw <Hz>',
      'spectral width for formats that do not store it (LCModel .RAW, text columns)',
      parseNumber('--sw', { min: 1 }),
    )
    .option(
      '--dwell <s>',
      'dwell time in seconds (alternative to --sw)',
      parseNumber('--dwell', { min: 1e-9 }),
    )
    .option(
      '--frequency <MHz>',
      'spectrometer frequency for formats that do not store it',
      parseNumber('--frequency', { min: 1 }),
    )
    .option('--te <ms>', 'echo time for formats that do not store it', parseNumber('--te', { min: 0 }))
    .option(
      '--ppm-reference <ppm>',
      'override the chemical shift at the receiver centre (default: 4.65, Siemens 4.7)',
      parseNumber('--ppm-reference'),
    );
}

export interface ReadCliOptions {
  format?: string;
  sw?: number;
  dwell?: number;
  frequency?: number;
  te?: number;
  ppmReference?: number;
}

export function readOptionsFrom(o: ReadCliOptions): ReadMrsOptions {
  if (o.format !== undefined && !FORMAT_IDS.includes(o.format as FormatId)) {
    throw new UsageError(`--format: unknown reader '${o.format}' (expected one of ${FORMAT_IDS.join(', ')})`);
  }
  if (o.sw !== undefined && o.dwell !== undefined)
    throw new UsageError('--sw and --dwell: give one, not both');
  const h = readOptionsOf(o);
  return {
    format: o.format as FormatId | undefined,
    dwellTime: o.dwell ?? h.dwellTime,
    spectrometerFrequency: h.spectrometerFrequency,
    echoTime: h.echoTime,
    ppmReference: o.ppmReference,
  };
}

/** Plain summary of a data set, as `info --json` prints it. */
export function summarise(mrs: MrsData): Record<string, unknown> {
  const h = mrs.header;
  return {
    file: mrs.source.file,
    format: mrs.source.format,
    points: mrs.points,
    dwellTime: h.dwellTime,
    spectralWidth: 1 / h.dwellTime,
    spectrometerFrequency: h.spectrometerFrequency,
    nucleus: h.nucleus,
    ppmReference: h.ppmReference,
    echoTime: h.echoTime ?? null,
    repetitionTime: h.repetitionTime ?? null,
    voxels: mrs.spatial,
    dimensions: mrs.dims.map((d) => ({ tag: d.tag, size: d.size })),
    shape: describeShape(mrs),
    waterReference: mrs.reference
      ? { shape: describeShape(mrs.reference), dimensions: mrs.reference.dims }
      : null,
    acquisition: acquisitionWithSources(mrs),
    metadata: mrs.extension,
  };
}

/** The acquisition every analysis uses (core/acquisition.ts), with the source of each value. */
function acquisitionWithSources(mrs: MrsData): Partial<Acquisition> {
  const a = toFid(mrs, 0).acquisition ?? {};
  return {
    nucleus: a.nucleus,
    spectrometerFrequency: a.spectrometerFrequency,
    sequence: a.sequence,
    sequenceName: a.sequenceName,
    echoTime: a.echoTime,
    repetitionTime: a.repetitionTime,
    mixingTime: a.mixingTime,
    waterSuppressed: a.waterSuppressed,
    sources: a.sources,
  };
}

function ms(s: number | undefined): string {
  return s === undefined ? '-' : `${Number((s * 1000).toPrecision(6))} ms`;
}

export function formatInfo(mrs: MrsData): string {
  const h = mrs.header;
  const e = mrs.extension;
  const dims = mrs.dims.length ? mrs.dims.map((d) => `${d.size} ${d.tag}`).join(' x ') : 'none (one FID)';
  const lines = [
    `file                    ${mrs.source.file}`,
    `format                  ${mrs.source.format}`,
    `points                  ${mrs.points}`,
    `dwell time              ${Number((h.dwellTime * 1e6).toPrecision(6))} us (spectral width ${Number((1 / h.dwellTime).toPrecision(6))} Hz)`,
    `spectrometer frequency  ${h.spectrometerFrequency} MHz (${h.nucleus})`,
    `ppm reference           ${h.ppmReference} ppm at the receiver centre`,
    `TE / TR                 ${ms(h.echoTime)} / ${ms(h.repetitionTime)}`,
    `voxels                  ${mrs.spatial.join(' x ')}${voxelCount(mrs) === 1 ? ' (single voxel)' : ''}`,
    `dimensions              ${dims}`,
  ];
  if (mrs.reference)
    lines.push(`water reference         ${describeShape(mrs.reference)} (stored in the same file)`);
  for (const k of ['Manufacturer', 'ManufacturersModelName', 'SequenceName', 'ProtocolName']) {
    if (typeof e[k] === 'string') lines.push(`${k.padEnd(24)}${e[k]}`);
  }
  // What the analyses take from the header, each value with the field it came from.
  const acq = acquisitionWithSources(mrs);
  const rows = describeSources(acq);
  if (acq.waterSuppressed === undefined) {
    rows.push(['waterSuppressed', 'not in the header (livermrs fit decides from the spectrum)']);
  }
  if (acq.sequence === undefined)
    rows.push(['sequence', 'not in the header (give --sequence to fit metabolites)']);
  lines.push('acquisition (value and source):');
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(22)}${v}`);
  if (Array.isArray(e.ProcessingApplied)) lines.push(`processing steps        ${e.ProcessingApplied.length}`);
  return `${lines.join('\n')}\n`;
}

/** `livermrs info FILE [--json]`: what a spectroscopy file holds. */
export function register(program: Command): void {
  addReadOptions(
    program
      .command('info')
      .description('Show what an MRS file holds: points, dwell time, frequency, TE/TR, dimensions, format')
      .argument(
        '<file>',
        'NIfTI-MRS, Siemens .rda/.ima/.dcm, Philips .sdat/.spar, GE P-file, jMRUI .txt, LCModel .RAW',
      )
      .option('--json', 'print a JSON object instead of text'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  livermrs info meas.rda\n  livermrs info P12345.7 --json\n  livermrs info dataset1.RAW --sw 4000 --frequency 123.2',
    )
    .action(async (file: string, o: ReadCliOptions & { json?: boolean }) => {
      const read = readOptionsFrom(o);
      const { readMrsFile } = await import('../../io/mrs-file.js'); // every reader: loaded only here
      const mrs = readMrsFile(file, read);
      if (o.json) printJson(summarise(mrs));
      else process.stdout.write(formatInfo(mrs));
    });
}
