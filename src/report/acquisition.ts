import { acquisitionOf } from '../core/acquisition.js';
import { type Fid, GAMMA_1H_MHZ_PER_T } from '../core/fid.js';
import type { HeaderFacts } from '../core/mrs-data.js';
import { LIVERMRS_VERSION } from '../core/version.js';

/**
 * The acquisition table every report opens with: the MRSinMRS minimum-reporting items (Lin et al., "Minimum
 * Reporting Standards for in vivo Magnetic Resonance Spectroscopy (MRSinMRS)", NMR Biomed 2021;34:e4484) that the
 * file holds: hardware, acquisition, data and analysis software. What the file does not hold reads "not in file"
 * (nothing is filled in from defaults); a value given on the command line says so.
 *
 * Everything is read from the Fid: its grid, its `acquisition` (with the source of each value), and the
 * `meta.header` (HeaderFacts), `meta.combined` and `meta.processing` that io/preproc attach when a file is read.
 */
export const NOT_IN_FILE = 'not in file';

interface CombinedMeta {
  coils: number;
  transients: number;
  rejected: number;
}

interface ProcessingStep {
  Method?: unknown;
  Program?: unknown;
  Version?: unknown;
  Details?: unknown;
}

const ms = (s: number) => `${Math.round(s * 1e4) / 10} ms`;

/** Where a value came from, when it was not the file's own header. */
function sourceNote(source: string | undefined, option: string): string {
  if (source === 'option') return ` (given with ${option}, not in file)`;
  if (source === 'default') return ' (default, not in file)';
  if (source?.startsWith('spectrum')) return ' (from the spectrum, not in file)';
  if (source?.startsWith('file-name')) return ` (from the file name, not in the header)`;
  return '';
}

function processingSteps(fid: Fid): ProcessingStep[] {
  const p = fid.meta?.processing;
  return Array.isArray(p) ? (p as ProcessingStep[]) : [];
}

/**
 * The rows of the acquisition table, in MRSinMRS order (hardware, acquisition, data, software). A multi-echo
 * series passes all its echo times (seconds) in `echoTimes`.
 */
export function acquisitionTable(fid: Fid, echoTimes?: readonly (number | undefined)[]): [string, string][] {
  const acq = acquisitionOf(fid);
  const src = acq.sources ?? {};
  const h = (fid.meta?.header ?? {}) as HeaderFacts;
  const combined = fid.meta?.combined as CombinedMeta | undefined;
  const steps = processingSteps(fid);
  const rows: [string, string][] = [];

  const scanner = [h.manufacturer, h.model].filter(Boolean).join(' ');
  rows.push(['vendor and scanner', scanner || NOT_IN_FILE]);
  rows.push(['scanner software', h.scannerSoftware ?? NOT_IN_FILE]);
  const tesla = fid.spectrometerFrequency / GAMMA_1H_MHZ_PER_T;
  rows.push([
    'field strength',
    `${tesla.toFixed(2)} T (${fid.nucleus} at ${fid.spectrometerFrequency.toFixed(3)} MHz)${sourceNote(src.spectrometerFrequency, '--frequency')}`,
  ]);
  const kind = acq.sequence ? acq.sequence.toUpperCase().replace('SLASER', 'semi-LASER') : undefined;
  rows.push([
    'sequence',
    acq.sequenceName
      ? `${acq.sequenceName}${kind && kind !== acq.sequenceName.toUpperCase() ? ` (${kind})` : ''}`
      : kind
        ? `${kind}${sourceNote(src.sequence, '--sequence')}`
        : NOT_IN_FILE,
  ]);
  const tes = echoTimes && echoTimes.length > 1 ? echoTimes : undefined;
  rows.push([
    'echo time TE',
    tes
      ? `${tes.map((t) => (t === undefined ? '?' : ms(t).replace(' ms', ''))).join(', ')} ms (${tes.length} echoes)`
      : acq.echoTime !== undefined
        ? `${ms(acq.echoTime)}${sourceNote(src.echoTime, '--te')}`
        : NOT_IN_FILE,
  ]);
  rows.push([
    'repetition time TR',
    acq.repetitionTime !== undefined
      ? `${ms(acq.repetitionTime)}${sourceNote(src.repetitionTime, '--tr')}`
      : NOT_IN_FILE,
  ]);
  if (acq.mixingTime !== undefined) rows.push(['mixing time TM', ms(acq.mixingTime)]);
  else if (acq.sequence && acq.sequence !== 'steam')
    rows.push(['mixing time TM', `none (${kind} has no mixing period)`]);
  else rows.push(['mixing time TM', NOT_IN_FILE]);
  rows.push([
    'spectral width',
    `${Math.round(1 / fid.dwellTime)} Hz (dwell ${(1e6 * fid.dwellTime).toFixed(1)} µs)`,
  ]);
  rows.push(['points', String(fid.points)]);
  rows.push(['averages', averagesText(acq.transients, combined)]);
  const v = h.voxelSizeMm;
  rows.push([
    'voxel size',
    v
      ? `${v.map((x) => Number(x.toPrecision(4))).join(' × ')} mm (${((v[0] * v[1] * v[2]) / 1000).toFixed(1)} mL)`
      : NOT_IN_FILE,
  ]);
  rows.push([
    'water suppression',
    acq.waterSuppressed === undefined
      ? NOT_IN_FILE
      : `${acq.waterSuppressed ? 'yes' : 'no'}${sourceNote(src.waterSuppressed, '--water-suppression')}`,
  ]);
  rows.push(['coil combination', coilText(combined, steps, h)]);
  rows.push(['preprocessing applied', preprocessingText(steps)]);
  const format = typeof fid.meta?.source === 'string' ? fid.meta.source : undefined;
  rows.push([
    'data format',
    // Readers record themselves as the converter; only a converter before livermrs is worth naming.
    format
      ? `${format}${h.conversion && !h.conversion.startsWith('livermrs') ? ` (converted by ${h.conversion})` : ''}`
      : NOT_IN_FILE,
  ]);
  rows.push(['analysis software', `livermrs ${LIVERMRS_VERSION}`]);
  return rows;
}

function averagesText(summed: number | undefined, combined: CombinedMeta | undefined): string {
  const scanner = summed !== undefined && summed > 1 ? summed : undefined;
  if (combined && combined.transients > 1) {
    const rejected = combined.rejected ? `, ${combined.rejected} rejected as outliers` : ', none rejected';
    const each = scanner ? ` (each the sum of ${scanner} by the scanner)` : '';
    return `${combined.transients} transients in the file${each}, aligned and averaged by livermrs${rejected}`;
  }
  return scanner ? `${scanner} (summed by the scanner)` : NOT_IN_FILE;
}

function coilText(combined: CombinedMeta | undefined, steps: ProcessingStep[], h: HeaderFacts): string {
  if (combined && combined.coils > 1)
    return `${combined.coils} coils combined by livermrs (SNR-optimal weights)`;
  const earlier = steps.find((s) => /coil/i.test(String(s.Method ?? '')));
  if (earlier) return `${String(earlier.Method)} by ${String(earlier.Program ?? 'unknown software')}`;
  if (h.coils === 1) return 'one channel in the file';
  return `${NOT_IN_FILE} (the file holds combined data)`;
}

function preprocessingText(steps: ProcessingStep[]): string {
  if (steps.length === 0) return `none recorded in the file`;
  return steps
    .map((s) => {
      const who = [s.Program, s.Version].filter((x) => typeof x === 'string' && x).join(' ');
      return `${String(s.Method ?? 'step')}${who ? ` (${who})` : ''}`;
    })
    .join('; ');
}
