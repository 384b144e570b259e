import { InputError } from '../../core/errors.js';
import type { RfPulse } from './pulse.js';

/**
 * Siemens .pta text pulses (the PulseTool / IDEA "external pulse" format): header lines `KEY:<tab>value`
 * (PULSENAME, COMMENT, REFGRAD, MINSLICE, MAXSLICE, AMPINT, POWERINT, ABSINT), then one sample per line,
 * `amplitude<tab>phase<tab>;<tab>(index)`, with amplitudes normalised to a peak of 1 and phases in radians.
 * The file carries no duration: REFGRAD is the slice-select gradient (mT/m) that gives a 10 mm slice when the
 * pulse is played over 5.12 ms, so the time-bandwidth product is REFGRAD x 1e-3 x gamma x 0.01 x 5.12e-3.
 */
export const GAMMA_1H_HZ_PER_T = 42.577478518e6;
const REF_DURATION = 5.12e-3;
const REF_SLICE = 0.01;

export interface PtaHeader {
  PULSENAME?: string;
  COMMENT?: string;
  REFGRAD?: number;
  MINSLICE?: number;
  MAXSLICE?: number;
  AMPINT?: number;
  POWERINT?: number;
  ABSINT?: number;
  [key: string]: string | number | undefined;
}

/** Parses a .pta text; the duration (s) and nominal flip angle (degrees) come from the sequence, not the file. */
export function readPta(
  text: string,
  options: { duration: number; flipDegrees: number; file?: string },
): { pulse: RfPulse; header: PtaHeader } {
  const file = options.file ?? 'pulse.pta';
  const header: PtaHeader = {};
  const amp: number[] = [];
  const phase: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const key = /^([A-Z_][A-Z0-9_]*):\s*(.*)$/.exec(line);
    if (key) {
      const value = key[2].trim();
      const num = Number(value);
      header[key[1]] = value !== '' && Number.isFinite(num) && key[1] !== 'PULSENAME' ? num : value;
      return;
    }
    const body = line.split(';')[0].trim();
    const parts = body.split(/\s+/);
    const a = Number(parts[0]);
    const p = Number(parts[1]);
    if (parts.length < 2 || !Number.isFinite(a) || !Number.isFinite(p)) {
      throw new InputError(`'${line}'`, {
        file,
        field: `line ${i + 1}`,
        expected: 'amplitude phase ; (index)',
      });
    }
    amp.push(a);
    phase.push(p);
  });
  if (amp.length === 0) throw new InputError('no samples', { file, expected: 'amplitude phase lines' });
  const peak = Math.max(...amp.map(Math.abs));
  if (!(peak > 0)) throw new InputError('all amplitudes are zero', { file });
  const amplitude = new Float64Array(amp.length);
  const ph = new Float64Array(amp.length);
  for (let k = 0; k < amp.length; k++) {
    // A signed amplitude (some tools write negative lobes that way) becomes phase + pi.
    amplitude[k] = Math.abs(amp[k]) / peak;
    ph[k] = amp[k] < 0 ? phase[k] + Math.PI : phase[k];
  }
  const pulse: RfPulse = {
    name: typeof header.PULSENAME === 'string' && header.PULSENAME !== '' ? header.PULSENAME : file,
    duration: options.duration,
    flipDegrees: options.flipDegrees,
    amplitude,
    phase: ph,
  };
  if (typeof header.REFGRAD === 'number' && header.REFGRAD > 0) {
    pulse.timeBandwidth = header.REFGRAD * 1e-3 * GAMMA_1H_HZ_PER_T * REF_SLICE * REF_DURATION;
  }
  if (typeof header.COMMENT === 'string' && header.COMMENT !== '') pulse.comment = header.COMMENT;
  return { pulse, header };
}

/** Writes a pulse as .pta text (CRLF line ends, as Siemens tools write them). */
export function writePta(
  pulse: RfPulse,
  options: { timeBandwidth?: number; minSliceMm?: number; maxSliceMm?: number } = {},
): string {
  const n = pulse.amplitude.length;
  let peak = 0;
  for (const a of pulse.amplitude) peak = Math.max(peak, a);
  let re = 0;
  let im = 0;
  let power = 0;
  let abs = 0;
  for (let k = 0; k < n; k++) {
    const a = pulse.amplitude[k] / peak;
    re += a * Math.cos(pulse.phase[k]);
    im += a * Math.sin(pulse.phase[k]);
    power += a * a;
    abs += a;
  }
  const tbw = options.timeBandwidth ?? pulse.timeBandwidth;
  const refgrad = tbw === undefined ? 0 : tbw / (1e-3 * GAMMA_1H_HZ_PER_T * REF_SLICE * REF_DURATION);
  const f = (x: number) => x.toFixed(9);
  const out = [
    `PULSENAME:\t${pulse.name}`,
    `COMMENT:\t${pulse.comment ?? `${pulse.flipDegrees} deg, ${n} samples, livermrs`}`,
    `REFGRAD:\t${f(refgrad)}`,
    `MINSLICE:\t${f(options.minSliceMm ?? 1)}`,
    `MAXSLICE:\t${f(options.maxSliceMm ?? 400)}`,
    `AMPINT:\t${f(Math.hypot(re, im))}`,
    `POWERINT:\t${f(power)}`,
    `ABSINT:\t${f(abs)}`,
    '',
  ];
  for (let k = 0; k < n; k++) {
    let p = pulse.phase[k] % (2 * Math.PI);
    if (p < 0) p += 2 * Math.PI;
    out.push(`${f(pulse.amplitude[k] / peak)}\t${f(p)}\t;\t(${k})`);
  }
  return `${out.join('\r\n')}\r\n`;
}
