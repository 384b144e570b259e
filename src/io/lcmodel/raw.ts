import { type AcquisitionField, sequenceKindOf } from '../../core/acquisition.js';
import { InputError } from '../../core/errors.js';
import { DEFAULT_PPM_REFERENCE, type Fid } from '../../core/fid.js';
import { fortranE, numberValue, parseNamelists, parseNumbers, stringValue } from './namelist.js';

/**
 * LCModel `.RAW` / `.H2O` time-domain files: a `$NMID` block (ID, FMTDAT, TRAMP, VOLUME), optionally a
 * `$SEQPAR` block (HZPPPM, ECHOT, SEQ), then complex FID values (re im pairs) in the internal convention.
 * Dwell time and spectrometer frequency normally live in LCModel's control file, not in the .RAW: pass them
 * when the file does not have them. The echo time of the file (ECHOT) wins over a given one (a caller that
 * wants to override it checks the contradiction: core/acquisition.ts applyTimingOption). By LCModel's
 * convention a `.H2O` file is the unsuppressed water reference; a `.RAW` says nothing of its suppression.
 */
export interface LcmRawHeader {
  dwellTime?: number;
  spectrometerFrequency?: number;
  ppmReference?: number;
  echoTime?: number;
}

export function readLcmRaw(text: string, file = '<raw>', header: LcmRawHeader = {}): Fid {
  const blocks = parseNamelists(text);
  const nmid = blocks.find((b) => b.name === 'NMID');
  if (!nmid)
    throw new InputError('no $NMID block', { file, field: '$NMID', expected: 'an LCModel .RAW file' });
  const seqpar = blocks.find((b) => b.name === 'SEQPAR');
  const last = blocks.reduce((a, b) => (b.end > a.end ? b : a));
  const values = parseNumbers(text.slice(last.end));
  if (values.length < 4 || values.length % 2 !== 0) {
    throw new InputError(`${values.length} numbers after the header`, {
      file,
      field: 'data',
      expected: 'an even number (re im pairs) of at least 4',
    });
  }
  const tramp = numberValue(nmid.values.TRAMP) ?? 1;
  const volume = numberValue(nmid.values.VOLUME) ?? 1;
  const data = Float64Array.from(values);
  const mhz = header.spectrometerFrequency ?? numberValue(seqpar?.values.HZPPPM);
  const dwell = header.dwellTime;
  if (!(mhz !== undefined && mhz > 0)) {
    throw new InputError('spectrometer frequency unknown', {
      file,
      field: 'HZPPPM',
      expected: 'a $SEQPAR HZPPPM in the file or a frequency given by the caller (--frequency)',
    });
  }
  if (!(dwell !== undefined && dwell > 0)) {
    throw new InputError('dwell time unknown', {
      file,
      field: 'DELTAT',
      expected: 'a dwell time given by the caller (--sw or --dwell); .RAW files do not store it',
    });
  }
  const echoMs = numberValue(seqpar?.values.ECHOT);
  const fileTe = echoMs !== undefined && echoMs > 0 ? echoMs / 1000 : undefined;
  const echoTime = fileTe ?? header.echoTime;
  const seqName = stringValue(seqpar?.values.SEQ);
  const sequence = sequenceKindOf(seqName);
  const h2o = /\.h2o$/i.test(file);
  const sources: Partial<Record<AcquisitionField, string>> = {
    nucleus: 'default',
    spectrometerFrequency: header.spectrometerFrequency !== undefined ? 'option' : 'header:$SEQPAR HZPPPM',
  };
  if (echoTime !== undefined) sources.echoTime = fileTe !== undefined ? 'header:$SEQPAR ECHOT' : 'option';
  if (sequence) sources.sequence = 'header:$SEQPAR SEQ';
  if (h2o) sources.waterSuppressed = 'file-name:.H2O (LCModel water reference)';
  return {
    data,
    points: data.length / 2,
    dwellTime: dwell,
    spectrometerFrequency: mhz,
    ppmReference: header.ppmReference ?? DEFAULT_PPM_REFERENCE,
    nucleus: '1H',
    echoTime,
    acquisition: {
      ...(sequence ? { sequence, sequenceName: seqName } : {}),
      ...(echoTime !== undefined ? { echoTime } : {}),
      ...(h2o ? { waterSuppressed: false } : {}),
      sources,
    },
    meta: { source: 'LCModel .RAW', file, id: stringValue(nmid.values.ID), tramp, volume },
  };
}

/** Writes an FID as LCModel .RAW text (with a $SEQPAR block so HZPPPM and ECHOT travel with the data). */
export function writeLcmRaw(fid: Fid, id = 'livermrs'): string {
  const lines: string[] = [];
  lines.push(' $SEQPAR');
  lines.push(` HZPPPM = ${fid.spectrometerFrequency.toPrecision(9)},`);
  lines.push(` ECHOT = ${((fid.echoTime ?? 0) * 1000).toPrecision(6)}`);
  lines.push(' $END');
  lines.push(` $NMID ID='${id.replace(/'/g, "''")}', FMTDAT='(2E15.6)'`);
  lines.push(' TRAMP=1., VOLUME=1. $END');
  for (let i = 0; i < fid.data.length; i += 2) {
    lines.push(`${fortranE(fid.data[i], 15, 6)}${fortranE(fid.data[i + 1], 15, 6)}`);
  }
  return `${lines.join('\n')}\n`;
}
