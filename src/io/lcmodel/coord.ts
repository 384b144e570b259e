import { InputError } from '../../core/errors.js';
import { parseNumbers } from './namelist.js';

/**
 * LCModel `.COORD` output (the file LCModel writes with LCOORD=9): the concentration table with %SD and ratios,
 * the misc table (FWHM, S/N, data shift, phases), then NY points of the ppm axis, the phased data (real part),
 * the fit and the background, optionally one curve per metabolite ("Name Conc. = x"), and the tables of
 * diagnostics and input changes. Layout checked on the two COORD files in test/extdata/lcmodel (LCModel
 * 6.3-1B, liver-11 and brain modes).
 */
export interface LcmConcentration {
  name: string;
  /** Concentration as printed (institutional or water-scaled units). */
  concentration: number;
  /** %SD (LCModel's CRLB in percent; 999 = undetermined). */
  sdPercent: number;
  /** Ratio to the table's reference (the column header says which). */
  ratio: number;
}

export interface LcmCoord {
  version?: string;
  title: string[];
  /** The ratio column's reference as printed in the header, e.g. 'Cr+PCr', 'L16+L0'. */
  ratioReference?: string;
  table: LcmConcentration[];
  fwhmPpm?: number;
  snr?: number;
  dataShiftPpm?: number;
  phase0Deg?: number;
  phase1DegPerPpm?: number;
  ppm: Float64Array;
  /** Real part of the phased data on the ppm axis. */
  data: Float64Array;
  fit: Float64Array;
  background: Float64Array;
  /** Per-metabolite fitted curves (data units, background included as LCModel writes them). */
  curves: Record<string, Float64Array>;
  /** Input changes (namelist keys lower-cased, e.g. deltat, hzpppm, nunfil, echot, ppmst, ppmend, sptype). */
  inputs: Record<string, string>;
}

export function readLcmCoord(text: string, file = '<coord>'): LcmCoord {
  const lines = text.split(/\r?\n/);
  const find = (re: RegExp, from = 0) => {
    for (let i = from; i < lines.length; i++) if (re.test(lines[i])) return i;
    return -1;
  };
  const iConc = find(/lines in following concentration table/i);
  const iPpm = find(/points on ppm-axis\s*=\s*NY/i);
  if (iPpm < 0) {
    throw new InputError('no "points on ppm-axis = NY" line', {
      file,
      field: 'ppm axis',
      expected: 'an LCModel .COORD file (LCOORD=9 output)',
    });
  }
  const ny = Number.parseInt(lines[iPpm].trim().split(/\s+/)[0], 10);
  if (!(ny > 0)) throw new InputError(`invalid NY '${lines[iPpm].trim()}'`, { file, field: 'NY' });
  const version = /LCModel \(Version ([^)]+)\)/.exec(lines[0] ?? '')?.[1];
  const title = lines.slice(1, Math.max(1, iConc >= 0 ? iConc : iPpm)).map((l) => l.trim());
  const table: LcmConcentration[] = [];
  let ratioReference: string | undefined;
  if (iConc >= 0) {
    const header = lines[iConc + 1] ?? '';
    ratioReference = /\/(\S+)/.exec(header)?.[1];
    const row = /^\s*([-+0-9.Ee]+)\s+([0-9]+)%\s+([-+0-9.Ee]+)\s+(\S.*?)\s*$/;
    for (let i = iConc + 2; i < lines.length; i++) {
      const m = row.exec(lines[i]);
      if (!m) break;
      table.push({ name: m[4], concentration: Number(m[1]), sdPercent: Number(m[2]), ratio: Number(m[3]) });
    }
  }
  const misc = lines.slice(Math.max(iConc, 0), iPpm).join('\n');
  const num = (re: RegExp) => {
    const m = re.exec(misc);
    return m ? Number(m[1]) : undefined;
  };
  const phases = /Ph:\s*([-+0-9.]+)\s*deg\s+([-+0-9.]+)\s*deg\/ppm/.exec(misc);
  const readBlock = (start: number, what: string): { values: Float64Array; next: number } => {
    const values: number[] = [];
    let i = start;
    for (; i < lines.length && values.length < ny; i++) values.push(...parseNumbers(lines[i]));
    if (values.length < ny) {
      throw new InputError(`${values.length} values`, { file, field: what, expected: `${ny} values (NY)` });
    }
    return { values: Float64Array.from(values.slice(0, ny)), next: i };
  };
  const ppm = readBlock(iPpm + 1, 'ppm axis');
  const iData = find(/NY phased data points follow/i, ppm.next);
  const iFit = find(/NY points of the fit to the data follow/i, ppm.next);
  const iBack = find(/NY background values follow/i, ppm.next);
  if (iData < 0 || iFit < 0) {
    throw new InputError('missing phased data or fit block', {
      file,
      field: 'data',
      expected: '"NY phased data points follow" and "NY points of the fit to the data follow"',
    });
  }
  const data = readBlock(iData + 1, 'phased data');
  const fit = readBlock(iFit + 1, 'fit');
  const background =
    iBack >= 0 ? readBlock(iBack + 1, 'background') : { values: new Float64Array(ny), next: fit.next };
  const curves: Record<string, Float64Array> = {};
  let i = Math.max(data.next, fit.next, background.next);
  for (; i < lines.length; i++) {
    const m = /^\s*(\S+)\s+Conc\.\s*=\s*([-+0-9.Ee]+)/.exec(lines[i]);
    if (m) {
      const b = readBlock(i + 1, `curve ${m[1]}`);
      curves[m[1]] = b.values;
      i = b.next - 1;
    }
  }
  const inputs: Record<string, string> = {};
  const iInp = find(/lines in following table of input changes/i);
  if (iInp >= 0) {
    let key = '';
    for (let k = iInp + 1; k < lines.length; k++) {
      const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/.exec(lines[k]);
      if (m) {
        key = m[1].toLowerCase();
        inputs[key] = m[2].replace(/,$/, '');
      } else if (key && lines[k].trim()) {
        inputs[key] += lines[k].trim();
      }
    }
    for (const k of Object.keys(inputs)) inputs[k] = inputs[k].replace(/^'|'$/g, '').replace(/'\s*$/, '');
  }
  return {
    version,
    title,
    ratioReference,
    table,
    fwhmPpm: num(/FWHM\s*=\s*([-+0-9.Ee]+)\s*ppm/),
    snr: num(/S\/N\s*=\s*([-+0-9.Ee]+)/),
    dataShiftPpm: num(/Data shift\s*=\s*([-+0-9.Ee]+)\s*ppm/),
    phase0Deg: phases ? Number(phases[1]) : undefined,
    phase1DegPerPpm: phases ? Number(phases[2]) : undefined,
    ppm: ppm.values,
    data: data.values,
    fit: fit.values,
    background: background.values,
    curves,
    inputs,
  };
}
