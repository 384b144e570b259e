/**
 * The ids of the readers in io/read.ts (READERS holds one reader per id, in this order), in a module of their
 * own so that the CLI can list and check them without loading every reader.
 */
export const FORMAT_IDS = [
  'nifti-mrs',
  'siemens-rda',
  'siemens-dicom',
  'philips-sdat',
  'ge-pfile',
  'jmrui-text',
  'lcmodel-raw',
  'text-columns',
] as const;

export type FormatId = (typeof FORMAT_IDS)[number];
