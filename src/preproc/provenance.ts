import type { MrsData } from '../core/mrs-data.js';
import { LIVERMRS_VERSION } from '../core/version.js';

/**
 * NIfTI-MRS processing provenance (specification section "Processing Provenance"): every step appends an
 * object {Time, Program, Version, Method, Details} to `ProcessingApplied`. Method names follow the keywords of
 * Near et al., NMR Biomed 2021;34:e4257 (tables 2-4), as the standard asks.
 */
export type ProvenanceMethod =
  | 'RF coil combination'
  | 'Frequency and phase correction'
  | 'Signal averaging'
  | 'Eddy current correction'
  | 'Nuisance peak removal'
  | 'Phasing'
  | 'Apodization'
  | 'Zero-filling';

export interface ProvenanceEntry {
  Time: string;
  Program: string;
  Version: string;
  Method: ProvenanceMethod;
  Details: string;
}

/** Appends a provenance entry to the data set's extension (in place) and returns the data set. */
export function recordStep(
  mrs: MrsData,
  method: ProvenanceMethod,
  details: string,
  time: Date = new Date(),
): MrsData {
  const list = Array.isArray(mrs.extension.ProcessingApplied)
    ? [...(mrs.extension.ProcessingApplied as unknown[])]
    : [];
  const entry: ProvenanceEntry = {
    Time: time.toISOString().replace('Z', ''),
    Program: 'livermrs',
    Version: LIVERMRS_VERSION,
    Method: method,
    Details: details,
  };
  list.push(entry);
  mrs.extension.ProcessingApplied = list;
  return mrs;
}

/** Short number formatting for provenance details. */
export function fmt(x: number, digits = 4): string {
  return Number(x.toPrecision(digits)).toString();
}
