import type { BasisSet } from '../../core/basis.js';
import { InputError } from '../../core/errors.js';
import { DEFAULT_PPM_REFERENCE } from '../../core/fid.js';
import { fft, ifft } from '../../spectra/fft.js';
import { fortranE, numberValue, parseNamelists, parseNumbers, stringValue } from './namelist.js';

/**
 * LCModel `.BASIS` files. Layout: `$SEQPAR` (HZPPPM = MHz, ECHOT = TE in ms, SEQ), `$BASIS1` (BADELT = dwell
 * time in s, NDATAB = points, FMTBAS, IDBASI), then per metabolite an optional `$NMUSED` block and a `$BASIS`
 * block (METABO, CONC, ...) followed by NDATAB complex values of the SPECTRUM, fft(fid) without fftshift
 * (verified on the ISMRM 2016 basis against its time-domain .RAW files: correlation 0.99999999).
 */
export function readLcmBasis(text: string, file = '<basis>'): BasisSet {
  const blocks = parseNamelists(text);
  const seqpar = blocks.find((b) => b.name === 'SEQPAR');
  const basis1 = blocks.find((b) => b.name === 'BASIS1');
  if (!basis1)
    throw new InputError('no $BASIS1 block', { file, field: '$BASIS1', expected: 'an LCModel .BASIS file' });
  const mhz = numberValue(seqpar?.values.HZPPPM ?? basis1.values.HZPPPM);
  const dwell = numberValue(basis1.values.BADELT);
  const points = numberValue(basis1.values.NDATAB);
  if (mhz === undefined || !(mhz > 0)) {
    throw new InputError('missing or invalid HZPPPM', {
      file,
      field: '$SEQPAR.HZPPPM',
      expected: 'a positive number (MHz)',
    });
  }
  if (dwell === undefined || !(dwell > 0)) {
    throw new InputError('missing or invalid BADELT', {
      file,
      field: '$BASIS1.BADELT',
      expected: 'a positive dwell time (s)',
    });
  }
  if (points === undefined || !Number.isInteger(points) || points < 2) {
    throw new InputError('missing or invalid NDATAB', {
      file,
      field: '$BASIS1.NDATAB',
      expected: 'an integer >= 2',
    });
  }
  const names: string[] = [];
  const fids: Float64Array[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.name !== 'BASIS') continue;
    const name = stringValue(b.values.METABO) ?? stringValue(b.values.ID);
    if (!name)
      throw new InputError('a $BASIS block has no METABO', { file, field: `$BASIS #${names.length + 1}` });
    const dataEnd = i + 1 < blocks.length ? blocks[i + 1].start : text.length;
    const values = parseNumbers(text.slice(b.end, dataEnd));
    if (values.length < 2 * points) {
      throw new InputError(`truncated data: ${values.length / 2} complex values`, {
        file,
        field: `$BASIS ${name}`,
        expected: `${points} complex values (NDATAB)`,
      });
    }
    const spectrum = Float64Array.from(values.slice(0, 2 * points));
    fids.push(ifft(spectrum));
    names.push(name.trim());
  }
  if (names.length === 0)
    throw new InputError('no $BASIS blocks', { file, expected: 'at least one metabolite' });
  const echoMs = numberValue(seqpar?.values.ECHOT);
  const seq = stringValue(seqpar?.values.SEQ)?.trim();
  return {
    names,
    fids,
    points,
    dwellTime: dwell,
    spectrometerFrequency: mhz,
    ppmReference: DEFAULT_PPM_REFERENCE,
    nucleus: '1H',
    echoTime: echoMs !== undefined && echoMs > 0 ? echoMs / 1000 : undefined,
    sequence: seq || undefined,
    meta: { source: 'LCModel .BASIS', file, id: stringValue(basis1.values.IDBASI)?.trim() },
  };
}

export interface WriteLcmBasisOptions {
  /** IDBASI text. */
  id?: string;
  /**
   * FWHMBA in ppm (LCModel's expected basis linewidth). Default: the basis line width, but at least the
   * digital resolution 1 / (points x dwell): LCModel integrates the Cr peak over a window proportional to FWHMBA
   * for water scaling (AREABA), and a near-zero FWHMBA makes that area, and every concentration, wrong.
   */
  fwhmPpm?: number;
  /** Zero-fill factor applied before the FFT (LCModel's makebasis doubles the length). Default 2. */
  zeroFill?: number;
}

/** LCModel keeps metabolite names in CHARACTER*6 (MCHMET) and IDs in CHARACTER*20 (MCHID). */
export const LCM_NAME_LENGTH = 6;
const LCM_ID_LENGTH = 20;
/** LCModel assumes the basis spectra are centred at 4.65 ppm (its PPMCEN default). */
const LCM_PPM_CENTRE = 4.65;

/**
 * Writes a basis set as LCModel `.BASIS` text that LCModel's own reader accepts (checked against its source,
 * schorschinho/LCModel source/LCModel.f: namelists $SEQPAR, $BASIS1 and per metabolite $BASIS, then NDATAB
 * complex values read with the fixed format FMTBAS). Spectra are re-referenced to 4.65 ppm when the basis
 * has another ppmReference; names longer than 6 characters are shortened (the full name stays in ID) and must
 * stay unique.
 */
export function writeLcmBasis(basis: BasisSet, opts: WriteLcmBasisOptions = {}): string {
  const zf = opts.zeroFill ?? 2;
  const n = basis.points * zf;
  const resolutionHz = 1 / (basis.points * basis.dwellTime);
  const fwhm = opts.fwhmPpm ?? Math.max(basis.linewidthHz ?? 0, resolutionHz) / basis.spectrometerFrequency;
  const te = basis.echoTime !== undefined ? basis.echoTime * 1000 : -1;
  const metabo = lcmNames(basis.names);
  const lines: string[] = [];
  lines.push(' $SEQPAR');
  lines.push(` FWHMBA = ${fwhm.toPrecision(6)},`);
  lines.push(` HZPPPM = ${basis.spectrometerFrequency.toPrecision(9)},`);
  lines.push(` ECHOT = ${te.toPrecision(6)},`);
  lines.push(` SEQ = '${quote((basis.sequence ?? ' ').toUpperCase())}'`);
  lines.push(' $END');
  lines.push(' $BASIS1');
  lines.push(` IDBASI = '${quote(opts.id ?? 'livermrs basis')}',`);
  lines.push(" FMTBAS = '(6E13.5)',");
  lines.push(` BADELT = ${basis.dwellTime.toPrecision(9)},`);
  lines.push(` NDATAB = ${n}`);
  lines.push(' $END');
  // exp(-i 2 pi (ref - 4.65) MHz t) moves the receiver reference to 4.65 ppm (core/fid.ts convention).
  const reref =
    -2 * Math.PI * (basis.ppmReference - LCM_PPM_CENTRE) * basis.spectrometerFrequency * basis.dwellTime;
  basis.names.forEach((name, j) => {
    lines.push(' $BASIS');
    lines.push(` ID = '${quote(name.slice(0, LCM_ID_LENGTH))}',`);
    lines.push(` METABO = '${quote(metabo[j])}',`);
    lines.push(' CONC = 1.,');
    lines.push(' TRAMP = 1.,');
    lines.push(' VOLUME = 1.,');
    lines.push(' ISHIFT = 0');
    lines.push(' $END');
    const padded = new Float64Array(2 * n);
    const fid = basis.fids[j];
    for (let t = 0; t < basis.points; t++) {
      const c = Math.cos(reref * t);
      const s = Math.sin(reref * t);
      padded[2 * t] = fid[2 * t] * c - fid[2 * t + 1] * s;
      padded[2 * t + 1] = fid[2 * t] * s + fid[2 * t + 1] * c;
    }
    const spec = fft(padded);
    for (let i = 0; i < spec.length; i += 6) {
      let row = '';
      for (let k = i; k < Math.min(i + 6, spec.length); k++) row += fortranE(spec[k]);
      lines.push(row);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** LCModel metabolite names: at most 6 characters, unique. */
export function lcmNames(names: string[]): string[] {
  const out = names.map((n) => n.slice(0, LCM_NAME_LENGTH));
  const seen = new Map<string, string>();
  out.forEach((short, i) => {
    const other = seen.get(short);
    if (other !== undefined) {
      throw new InputError(
        `'${other}' and '${names[i]}' both become '${short}' in LCModel's 6-character names`,
        {
          field: 'metabolites',
          expected: 'names that differ in their first 6 characters',
        },
      );
    }
    seen.set(short, names[i]);
  });
  return out;
}

function quote(s: string): string {
  return s.replace(/'/g, "''");
}
