import type { MrsData } from '../../core/mrs-data.js';

/**
 * Keys the NIfTI-MRS standard marks for removal on anonymisation (definitions.json of the standard, v0.11:
 * "anon": true), plus every key starting with `private_` at the top level or inside a user object.
 */
export const ANONYMISED_KEYS = [
  'ManufacturersModelName',
  'DeviceSerialNumber',
  'InstitutionName',
  'InstitutionAddress',
  'PatientName',
  'PatientID',
  'PatientDoB',
  'OriginalFile',
] as const;

/** A copy of the data set without identifying metadata. */
export function anonymise(mrs: MrsData): MrsData {
  const strip = (o: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if ((ANONYMISED_KEYS as readonly string[]).includes(k) || k.startsWith('private_')) continue;
      out[k] =
        v !== null && typeof v === 'object' && !Array.isArray(v) ? strip(v as Record<string, unknown>) : v;
    }
    return out;
  };
  return {
    ...mrs,
    extension: strip(structuredClone(mrs.extension)),
    reference: mrs.reference ? anonymise(mrs.reference) : undefined,
  };
}
