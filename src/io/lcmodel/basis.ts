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
  /** FWHMBA in ppm (LCModel's expected basis linewidth); default from basis.linewidthHz. */
  fwhmPpm?: number;
  /** Zero-fill factor applied before the FFT (LCModel's makebasis doubles the length). Default 2. */
  zeroFill?: number;
}

/** Writes a basis set as LCModel `.BASIS` text readable by LCModel itself (and by readLcmBasis). */
export function writeLcmBasis(basis: BasisSet, opts: WriteLcmBasisOptions = {}): string {
  const zf = opts.zeroFill ?? 2;
  const n = basis.points * zf;
  const fwhm = opts.fwhmPpm ?? (basis.linewidthHz ? basis.linewidthHz / basis.spectrometerFrequency : 0.0001);
  const te = basis.echoTime !== undefined ? basis.echoTime * 1000 : -1;
  const lines: string[] = [];
  lines.push(' $SEQPAR');
  lines.push(` FWHMBA = ${fwhm.toPrecision(6)},`);
  lines.push(` HZPPPM = ${basis.spectrometerFrequency.toPrecision(9)},`);
  lines.push(` ECHOT = ${te.toPrecision(6)},`);
  lines.push(` SEQ = '${quote(basis.sequence ?? ' ')}'`);
  lines.push(' $END');
  lines.push(' $BASIS1');
  lines.push(` IDBASI = '${quote(opts.id ?? 'livermrs basis')}',`);
  lines.push(" FMTBAS = '(6E13.5)',");
  lines.push(` BADELT = ${basis.dwellTime.toPrecision(9)},`);
  lines.push(` NDATAB = ${n}`);
  lines.push(' $END');
  basis.names.forEach((name, j) => {
    lines.push(' $BASIS');
    lines.push(` ID = '${quote(name)}',`);
    lines.push(` METABO = '${quote(name)}',`);
    lines.push(' CONC = 1.,');
    lines.push(' TRAMP = 1.,');
    lines.push(' VOLUME = 1.,');
    lines.push(' ISHIFT = 0');
    lines.push(' $END');
    const padded = new Float64Array(2 * n);
    padded.set(basis.fids[j].subarray(0, 2 * basis.points));
    const spec = fft(padded);
    for (let i = 0; i < spec.length; i += 6) {
      let row = '';
      for (let k = i; k < Math.min(i + 6, spec.length); k++) row += fortranE(spec[k]);
      lines.push(row);
    }
  });
  return `${lines.join('\n')}\n`;
}

function quote(s: string): string {
  return s.replace(/'/g, "''");
}
