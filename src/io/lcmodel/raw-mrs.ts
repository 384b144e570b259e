import { checkMrsData, fromFid, type MrsData } from '../../core/mrs-data.js';
import { latin1, vendorExtension } from '../vendor/common.js';
import { type LcmRawHeader, readLcmRaw } from './raw.js';

/** LCModel .RAW / .H2O as MrsData (see raw.ts; the dwell time must come from the caller). */
export function isLcmRaw(bytes: Uint8Array): boolean {
  return /[$&]NMID/i.test(latin1(bytes.subarray(0, 4096)));
}

export function readLcmRawMrs(bytes: Uint8Array, file: string, header: LcmRawHeader): MrsData {
  const fid = readLcmRaw(latin1(bytes), file, header);
  const mrs = fromFid(fid, { format: 'LCModel .RAW', file });
  const acq = fid.acquisition ?? {};
  mrs.extension = vendorExtension(file, {
    EchoTime: fid.echoTime,
    SequenceName: acq.sequenceName,
    WaterSuppressed: acq.waterSuppressed,
  });
  mrs.source.headerKeys = acq.sources;
  return checkMrsData(mrs);
}
